"""Validation: :class:`Validator`, its :class:`ValidatorOptions`, and the :class:`Outcome`."""

from __future__ import annotations

import ctypes
import enum
import json
from collections import abc
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, Iterator, Mapping, Optional, Tuple, Union

from . import _abi, _ffi
from ._abi import Profile
from .errors import ErrorCode, error_for

__all__ = [
    "Profile",
    "Severity",
    "RuleSeverity",
    "ValidatorOptions",
    "Validator",
    "Issue",
    "Outcome",
    "Document",
]

#: What :meth:`Validator.validate` accepts: the document's bytes (any bytes: invalid UTF-8 is
#: a finding), or a ``str`` (encoded as UTF-8).
Document = Union[bytes, bytearray, memoryview, str]


class Severity(str, enum.Enum):
    """The severity of an issue; compares equal to its FHIR code (``"error"``)."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"

    def __str__(self) -> str:
        return self.value


# pfhir_severity numbers (PFHIR_SEVERITY_*, generated) -> Severity.
_SEVERITIES = {int(s): Severity(s.name.lower()) for s in _abi.Severity}


class RuleSeverity(str, enum.Enum):
    """The severity a partner rule is set to."""

    ERROR = "error"
    WARNING = "warning"
    OFF = "off"

    def __str__(self) -> str:
        return self.value


def _profile(value: Union[Profile, str]) -> Profile:
    if isinstance(value, Profile):
        return value
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        try:
            return Profile[value.upper()]
        except KeyError:
            raise ValueError(f"unknown profile {value!r}: use 'partner' or 'base'") from None
    raise TypeError(f"profile must be a Profile or 'partner'/'base', not {type(value).__name__}")


# The largest size_t: ctypes would silently truncate a larger int.
_SIZE_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_size_t))) - 1


def _limit(value: Optional[int], what: str) -> int:
    if value is None:
        return 0  # 0 keeps the library's default
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int or None, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1")
    if value > _SIZE_MAX:
        raise ValueError(f"{what} is out of range")
    return value


def _max_issues(value: Optional[int]) -> Optional[int]:
    if value is None:
        return None  # the library's default (1000)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_issues must be an int or None, not {type(value).__name__}")
    if value < 0:
        raise ValueError("max_issues must not be negative (0 means no limit)")
    if value > _SIZE_MAX:
        raise ValueError("max_issues must be at most 4294967295")
    return value


@dataclass(frozen=True)
class ValidatorOptions:
    """Options of a :class:`Validator` (and of the validation a :class:`pfhir.Client` runs
    before sending).

    Attributes:
        profile: ``"partner"`` (default) or ``"base"`` (a :class:`Profile` also works).
        rules: partner rule id -> ``"error"``, ``"warning"`` or ``"off"``
            (``{"partner-meta-profile": "off"}``); other rules keep their defaults.
        authorities: identifier systems accepted as the Patient's assigning authority, in
            addition to Meteda and CIP.
        max_bytes: the size limit in bytes (default 1 MiB; up to 4 GiB).
        max_depth: the nesting limit (default 64; up to 128).
        max_issues: the most issues listed per document (default 1000; ``0``: no limit; up
            to 4294967295). Past it, the outcome lists the first ones in document order and
            ends with one ``too-costly`` issue (``PFHIR-V0108``) that counts the rest, with the
            severity of the most serious one left out.
        include_values: put offending values in messages (off by default: patient data).
    """

    profile: Union[Profile, str] = Profile.PARTNER
    rules: Mapping[str, Union[RuleSeverity, str]] = field(default_factory=dict)
    authorities: Tuple[str, ...] = ()
    max_bytes: Optional[int] = None
    max_depth: Optional[int] = None
    max_issues: Optional[int] = None
    include_values: bool = False

    def _new_handle(self) -> int:
        """Builds a ``pfhir_validator_options`` (the caller frees it). Checks types first."""
        profile = _profile(self.profile)
        if not isinstance(self.rules, abc.Mapping):
            raise TypeError(f"rules must be a mapping, not {type(self.rules).__name__}")
        rules = []
        for rule, sev in self.rules.items():
            if not isinstance(rule, str) or not isinstance(sev, str):
                raise TypeError("rules must map rule ids (str) to 'error', 'warning' or 'off'")
            rules.append((rule.encode("utf-8"), str(sev).encode("utf-8")))
        if isinstance(self.authorities, (str, bytes)):
            raise TypeError("authorities must be a sequence of str, not a single string")
        authorities = []
        for a in self.authorities:
            if not isinstance(a, str):
                raise TypeError(f"authorities must be str, not {type(a).__name__}")
            authorities.append(a.encode("utf-8"))
        max_bytes = _limit(self.max_bytes, "max_bytes")
        max_depth = _limit(self.max_depth, "max_depth")
        max_issues = _max_issues(self.max_issues)
        if not isinstance(self.include_values, bool):
            raise TypeError("include_values must be a bool")

        lib = _ffi.lib()
        h = _ffi.call_out(lib.pfhir_validator_options_new)
        try:
            _ffi.check(lib.pfhir_validator_options_set_profile(h, int(profile)))
            for rule_id, severity in rules:
                _ffi.check(
                    lib.pfhir_validator_options_set_rule(
                        h, rule_id, len(rule_id), severity, len(severity)
                    )
                )
            for system in authorities:
                _ffi.check(lib.pfhir_validator_options_add_authority(h, system, len(system)))
            if max_bytes or max_depth:
                _ffi.check(lib.pfhir_validator_options_set_limits(h, max_bytes, max_depth))
            if max_issues is not None:
                _ffi.check(lib.pfhir_validator_options_set_max_issues(h, max_issues))
            _ffi.check(lib.pfhir_validator_options_set_include_values(h, self.include_values))
        except BaseException:
            lib.pfhir_validator_options_free(h)
            raise
        return h

    @classmethod
    def from_fixture(cls, expected: Mapping[str, Any]) -> "ValidatorOptions":
        """The options of a conformance fixture's ``.expected.json`` (``profile`` and
        ``options`` {rules, authorities, maxBytes, maxDepth})."""
        opts = expected.get("options") or {}
        return cls(
            profile=expected.get("profile", "partner"),
            rules=dict(opts.get("rules") or {}),
            authorities=tuple(opts.get("authorities") or ()),
            max_bytes=opts.get("maxBytes"),
            max_depth=opts.get("maxDepth"),
        )


@dataclass(frozen=True)
class Issue:
    """One finding of a validation.

    Attributes:
        severity: fatal, error, warning or information.
        code: the partner issue code (``required``, ``structure``, ``invalid``, ``too-long``,
            ``too-costly``, ``informational``).
        message_id: the stable message id (``PFHIR-V0301``, docs/messages.md).
        key: the invariant key (``cpt-2``) or partner rule id, or ``None``.
        expression: the FHIRPath (``Bundle.entry[1].resource.birthDate``); ``""`` for issues
            found before the document could be read.
        line: 1-based line.
        column: 1-based column, in characters.
        message: what is wrong and what to do (no patient value unless ``include_values``).
    """

    severity: Severity
    code: str
    message_id: str
    key: Optional[str]
    expression: str
    line: int
    column: int
    message: str

    def to_dict(self) -> Dict[str, Any]:
        """The issue in the shape of the conformance corpus (``id`` is the message id)."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "id": self.message_id,
            "key": self.key,
            "expression": self.expression,
            "line": self.line,
            "column": self.column,
        }


class Outcome:
    """The result of a validation: every issue in document order. Immutable; the C outcome
    is copied and freed when this object is made, so there is nothing to close."""

    __slots__ = ("_issues", "_has_errors", "_json")

    def __init__(self, issues: Tuple[Issue, ...], has_errors: bool, json_text: str) -> None:
        self._issues = issues
        self._has_errors = has_errors
        self._json = json_text

    @classmethod
    def _from_handle(cls, o: int) -> "Outcome":
        lib = _ffi.lib()
        issues = []
        for i in range(int(lib.pfhir_outcome_issue_count(o))):
            sev = int(lib.pfhir_outcome_issue_severity(o, i))
            issues.append(
                Issue(
                    # An unknown (newer) severity is treated as an error.
                    severity=_SEVERITIES.get(sev, Severity.ERROR),
                    code=_ffi.text(lib.pfhir_outcome_issue_code(o, i)) or "",
                    message_id=_ffi.text(lib.pfhir_outcome_issue_message_id(o, i)) or "",
                    key=_ffi.text(lib.pfhir_outcome_issue_key(o, i)),
                    expression=_ffi.text(lib.pfhir_outcome_issue_expression(o, i)) or "",
                    line=int(lib.pfhir_outcome_issue_line(o, i)),
                    column=int(lib.pfhir_outcome_issue_column(o, i)),
                    message=_ffi.text(lib.pfhir_outcome_issue_message(o, i)) or "",
                )
            )
        has_errors = bool(lib.pfhir_outcome_has_errors(o))
        json_text = _ffi.call_bytes(lib.pfhir_outcome_to_json, o).decode("utf-8")
        return cls(tuple(issues), has_errors, json_text)

    @property
    def issues(self) -> Tuple[Issue, ...]:
        """Every issue, in document order."""
        return self._issues

    @property
    def has_errors(self) -> bool:
        """True when some issue is an error or fatal (the platform would refuse the Bundle)."""
        return self._has_errors

    @property
    def is_valid(self) -> bool:
        """``not has_errors``."""
        return not self._has_errors

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._issues)

    def to_json(self) -> str:
        """The outcome as STU3 OperationOutcome JSON, byte-identical to every other pfhir
        binding's (encode it as UTF-8 for the bytes)."""
        return self._json

    def to_dict(self) -> Dict[str, Any]:
        """The OperationOutcome, parsed."""
        parsed: Dict[str, Any] = json.loads(self._json)
        return parsed

    def __repr__(self) -> str:
        return f"Outcome(has_errors={self._has_errors}, issues={len(self._issues)})"


def _document(doc: object) -> bytes:
    if isinstance(doc, bytes):
        return doc
    if isinstance(doc, (bytearray, memoryview)):
        return bytes(doc)
    if isinstance(doc, str):
        # Lone surrogates pass through, so that they become a UTF-8 finding, not an exception.
        return doc.encode("utf-8", "surrogatepass")
    raise TypeError(f"the document must be bytes or str, not {type(doc).__name__}")


class Validator(_ffi.NativeObject):
    """A validator of partner message Bundles (or of any STU3 resource with the base profile).

    Immutable and thread-safe: build one and share it across threads (validations run in
    parallel: the GIL is released in libpfhir). Use it as a context manager, or call
    :meth:`close`, to free it deterministically; it is also freed when garbage-collected.

    >>> with Validator(profile="partner", rules={"partner-meta-profile": "off"}) as v:
    ...     outcome = v.validate(open("bundle.json", "rb").read())
    """

    _what = "validator"

    def __init__(
        self,
        options: Optional[ValidatorOptions] = None,
        *,
        profile: Union[Profile, str, None] = None,
        rules: Optional[Mapping[str, Union[RuleSeverity, str]]] = None,
        authorities: Iterable[str] = (),
        max_bytes: Optional[int] = None,
        max_depth: Optional[int] = None,
        max_issues: Optional[int] = None,
        include_values: bool = False,
    ) -> None:
        """Either pass ``options``, or the same settings as keyword arguments."""
        self._owned: Optional[_ffi.Owned] = None
        if options is None:
            if isinstance(authorities, (str, bytes)):
                raise TypeError("authorities must be a sequence of str, not a single string")
            options = ValidatorOptions(
                profile=Profile.PARTNER if profile is None else profile,
                rules={} if rules is None else rules,
                authorities=tuple(authorities),
                max_bytes=max_bytes,
                max_depth=max_depth,
                max_issues=max_issues,
                include_values=include_values,
            )
        elif not isinstance(options, ValidatorOptions):
            raise TypeError(f"options must be ValidatorOptions, not {type(options).__name__}")
        elif (
            profile is not None
            or rules is not None
            or tuple(authorities)
            or max_bytes is not None
            or max_depth is not None
            or max_issues is not None
            or include_values
        ):
            raise TypeError("pass either options or keyword settings, not both")
        self.options = options
        lib = _ffi.lib()
        opts = options._new_handle()
        try:
            ptr = _ffi.call_out(lib.pfhir_validator_new, opts)
        finally:
            lib.pfhir_validator_options_free(opts)
        self._owned = _ffi.Owned(ptr, lib.pfhir_validator_free, "validator")

    def validate(self, document: Document) -> Outcome:
        """Validates a document. Findings are data: this returns an :class:`Outcome` for any
        input (invalid JSON, invalid UTF-8, too large...). Raises ``TypeError`` for a
        non-bytes, non-str argument and ``ValueError`` once closed."""
        data = _document(document)
        owned = self._handle()
        lib = _ffi.lib()
        v = owned.acquire()
        try:
            o = _ffi.call_out(lib.pfhir_validate, v, data, len(data))
        finally:
            owned.release()
        try:
            return Outcome._from_handle(o)
        finally:
            lib.pfhir_outcome_free(o)

    @property
    def max_bytes(self) -> int:
        """The largest document this validator accepts, in bytes (its options' limit, or the
        profile's default): what a caller may check before reading a file."""
        owned = self._handle()
        v = owned.acquire()
        try:
            return int(_ffi.lib().pfhir_validator_max_bytes(v))
        finally:
            owned.release()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"Validator({self.options!r}, {state})"
