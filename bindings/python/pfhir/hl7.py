"""HL7 v2 in (docs/hl7v2.md): an ADT message becomes a partner Bundle, every issue points at
the HL7 field it came from (``PID-7``), and an original-mode ACK answers the sender.

>>> result = pfhir.hl7_to_bundle(message_bytes, tz="+01:00")
>>> if result.bundle is not None:
...     client.create(result.bundle)
>>> ack = result.ack          # bytes, segments ended by \\r (or pfhir.hl7_ack(...))
"""

from __future__ import annotations

import ctypes
import json
from collections import abc
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple, Union

from . import _abi, _ffi
from ._abi import Hl7Kind, Hl7Option
from .validation import Severity

__all__ = ["Hl7Options", "Hl7Issue", "Hl7Result", "hl7_to_bundle", "hl7_ack"]

#: What the conversion accepts: the message's bytes (in the character set MSH-18 names), or
#: a ``str`` (encoded as UTF-8).
Message = Union[bytes, bytearray, memoryview, str]

_SEVERITIES = {int(s): Severity(s.name.lower()) for s in _abi.Severity}
_KINDS = {int(Hl7Kind.CREATE): "create", int(Hl7Kind.UPDATE): "update"}


def _opt_text(value: object, what: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str or None, not {type(value).__name__}")
    return value.encode("utf-8")


@dataclass(frozen=True)
class Hl7Options:
    """Options of the conversion (the CLI's ``pfhir hl7`` flags; docs/hl7v2.md, "Options").

    Attributes:
        namespaces: CX.4.1 namespace -> identifier system (``{"HOSP": "urn:oid:..."}``),
            added to CIP and METEDA (``--hl7-authority``).
        authorities: identifier systems accepted as assigning authority besides CIP and
            Meteda (``--authority``).
        org_id: the organization OID (default: MSH-4.2 when MSH-4.3 is ``ISO``).
        source_endpoint: the exact MessageHeader.source.endpoint.
        patient_id: the platform's Patient id, for updates (A08, A31).
        tz: the site's fixed UTC offset for times without zone (``+01:00``, ``Z``).
        charset: the character set of messages without MSH-18 (default ``UNICODE UTF-8``).
        max_bytes: the size limit (default 1 MiB).
        fixed_ids: ``S`` gives the ids ``bundle-S``, ``header-S``, ``patient-S``,
            ``condition-S`` (reproducible output; default fresh UUIDs).
        ack_control_id: the ACK's MSH-10 (default a fresh UUID).
        ack_time: the ACK's MSH-7, an HL7 DTM (default now, UTC).
    """

    namespaces: Mapping[str, str] = field(default_factory=dict)
    authorities: Tuple[str, ...] = ()
    org_id: Optional[str] = None
    source_endpoint: Optional[str] = None
    patient_id: Optional[str] = None
    tz: Optional[str] = None
    charset: Optional[str] = None
    max_bytes: Optional[int] = None
    fixed_ids: Optional[str] = None
    ack_control_id: Optional[str] = None
    ack_time: Optional[str] = None

    def _key(self) -> Tuple[Any, ...]:
        """What of the native options can change after they were made: a ``namespaces``
        mapping (or an ``authorities`` list) changed in place. (The other fields are frozen;
        ``dataclasses.replace`` makes a new Hl7Options, with its own native options.)"""
        namespaces, authorities = self.namespaces, self.authorities
        return (
            tuple(namespaces.items())
            if type(namespaces) is dict or isinstance(namespaces, abc.Mapping)
            else namespaces,
            authorities if type(authorities) is tuple else
            tuple(authorities) if isinstance(authorities, list) else authorities,
        )

    def _native(self) -> "_NativeOptions":
        """The native options, made once per Hl7Options and kept with it (a conversion
        only reads them), made again if the values changed in place."""
        key = self._key()
        native: Optional[_NativeOptions] = self.__dict__.get("_native_options")
        if native is None or native.key != key:
            native = _NativeOptions(self._new_handle(), key)
            # Two threads may both make one: each keeps its own until it is unreferenced.
            object.__setattr__(self, "_native_options", native)
        return native

    def __getstate__(self) -> Dict[str, Any]:
        """Copies and pickles leave the native options out (each copy makes its own)."""
        state = dict(self.__dict__)
        state.pop("_native_options", None)
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _new_handle(self) -> int:
        """Builds a ``pfhir_hl7_options`` (the caller frees it). Checks types first."""
        if not isinstance(self.namespaces, abc.Mapping):
            raise TypeError("namespaces must be a mapping of namespace -> system")
        namespaces = []
        for ns, system in self.namespaces.items():
            if not isinstance(ns, str) or not isinstance(system, str):
                raise TypeError("namespaces must map str to str")
            namespaces.append((ns.encode("utf-8"), system.encode("utf-8")))
        if isinstance(self.authorities, (str, bytes)):
            raise TypeError("authorities must be a sequence of str, not a single string")
        authorities = [_opt_text(a, "an authority") or b"" for a in self.authorities]
        texts = [
            (Hl7Option.ORG_ID, _opt_text(self.org_id, "org_id")),
            (Hl7Option.SOURCE_ENDPOINT, _opt_text(self.source_endpoint, "source_endpoint")),
            (Hl7Option.PATIENT_ID, _opt_text(self.patient_id, "patient_id")),
            (Hl7Option.TZ, _opt_text(self.tz, "tz")),
            (Hl7Option.CHARSET, _opt_text(self.charset, "charset")),
            (Hl7Option.FIXED_IDS, _opt_text(self.fixed_ids, "fixed_ids")),
            (Hl7Option.ACK_CONTROL_ID, _opt_text(self.ack_control_id, "ack_control_id")),
            (Hl7Option.ACK_TIME, _opt_text(self.ack_time, "ack_time")),
        ]
        if self.max_bytes is not None and (
            isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int)
        ):
            raise TypeError("max_bytes must be an int or None")
        if self.max_bytes is not None and not 1 <= self.max_bytes < (1 << 63):
            raise ValueError("max_bytes must be at least 1")
        lib = _ffi.lib()
        h = _ffi.call_out(lib.pfhir_hl7_options_new)
        try:
            for ns_b, system_b in namespaces:
                _ffi.check(
                    lib.pfhir_hl7_options_add_namespace(h, ns_b, len(ns_b), system_b, len(system_b))
                )
            for a in authorities:
                _ffi.check(lib.pfhir_hl7_options_add_authority(h, a, len(a)))
            for which, value in texts:
                if value is not None:
                    _ffi.check(lib.pfhir_hl7_options_set(h, int(which), value, len(value)))
            if self.max_bytes is not None:
                _ffi.check(lib.pfhir_hl7_options_set_max_bytes(h, self.max_bytes))
        except BaseException:
            lib.pfhir_hl7_options_free(h)
            raise
        return h


class _NativeOptions:
    """A ``pfhir_hl7_options`` handle owned by one :class:`Hl7Options` (and by the calls
    using it: each holds a reference, so it is freed only after they returned)."""

    __slots__ = ("ptr", "key")

    def __init__(self, ptr: int, key: Tuple[Any, ...]) -> None:
        self.ptr = ptr
        self.key = key

    def __del__(self) -> None:
        try:
            _ffi.lib().pfhir_hl7_options_free(self.ptr)
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass


@dataclass(frozen=True)
class Hl7Issue:
    """One finding about an HL7 v2 message.

    Attributes:
        severity: fatal (the ACK is AR), error (AE), warning or information.
        message_id: ``PFHIR-H0304`` (pfhir's HL7 findings) or ``PFHIR-V….`` (the validator's).
        location: the HL7 field (``PID-7``, ``PID-3(2).4``, ``DG1[2]-5``), or ``None``.
        expression: the FHIRPath of the Bundle element, or ``None``.
        hl7_code: the table 0357 code ERR-3 carries (102; 0 for warnings and notes).
        line: 1-based line (segment) in the message; 0: no position.
        column: 1-based column in characters; 0: no position.
        message: what is wrong; names fields, never values.
    """

    severity: Severity
    message_id: str
    location: Optional[str]
    expression: Optional[str]
    hl7_code: int
    line: int
    column: int
    message: str


class _NativeResult:
    """A ``pfhir_hl7_result`` owned by one :class:`Hl7Result`, freed with it."""

    __slots__ = ("ptr", "free")

    def __init__(self, ptr: int, free: Callable[[int], None]) -> None:
        self.ptr = ptr
        self.free = free

    def __del__(self) -> None:
        try:
            self.free(self.ptr)
        except Exception:  # interpreter shutdown: nothing sensible to do
            pass


#: The value of an Hl7Result field not read from the native result yet.
_MISSING: Any = object()


class Hl7Result:
    """The result of converting one message. Immutable; nothing to close.

    ``bundle`` and ``ack_code`` are read when the result is made; ``kind``, ``ack``,
    ``issues`` and ``outcome_json`` are read from the native result on first use (and kept):
    a caller that only sends the Bundle does not pay for them.

    Attributes:
        bundle: the partner Bundle as compact JSON (``None`` when the message gave no valid
            Bundle: see ``issues``).
        kind: ``"create"``, ``"update"``, or ``None`` (not a Patient services event).
        ack_code: ``"AA"``, ``"AE"`` or ``"AR"`` (MSA-1).
        ack: the ACK, segments ended by ``\\r``, in the message's character set.
        issues: every finding, with its HL7 location.
        outcome_json: the issues as an STU3 OperationOutcome (compact JSON).
    """

    __slots__ = ("_bundle", "_ack_code", "_kind", "_ack", "_issues", "_outcome_json", "_native")

    _FIELDS = ("bundle", "kind", "ack_code", "ack", "issues", "outcome_json")

    def __init__(
        self,
        bundle: Optional[str],
        kind: Optional[str],
        ack_code: str,
        ack: bytes,
        issues: Tuple[Hl7Issue, ...],
        outcome_json: str,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "_bundle", bundle)
        set_(self, "_ack_code", ack_code)
        set_(self, "_kind", kind)
        set_(self, "_ack", ack)
        set_(self, "_issues", tuple(issues))
        set_(self, "_outcome_json", outcome_json)
        set_(self, "_native", None)

    @classmethod
    def _from_native(cls, r: int) -> "Hl7Result":
        """Takes ownership of the native result ``r`` (from its first line on): reads the
        Bundle now, the rest when asked."""
        lib = _ffi.lib()
        self = cls.__new__(cls)
        set_ = object.__setattr__
        set_(self, "_native", _NativeResult(r, lib.pfhir_hl7_result_free))
        s = lib.pfhir_hl7_result_bundle(r)
        if s.data:
            set_(self, "_bundle", ctypes.string_at(s.data, s.len).decode("utf-8"))
            # A result has a Bundle only when its ACK says AA: no second call for it.
            set_(self, "_ack_code", "AA")
        else:
            set_(self, "_bundle", None)
            set_(self, "_ack_code", _ffi.text(lib.pfhir_hl7_result_ack_code(r)) or "")
        set_(self, "_kind", _MISSING)
        set_(self, "_ack", _MISSING)
        set_(self, "_issues", _MISSING)
        set_(self, "_outcome_json", _MISSING)
        return self

    def _lazy(self, name: str, read: Callable[[int], Any]) -> Any:
        """The value of lazy field ``name``, read from the native result the first time (the
        native result lives as long as this result: threads may read at once)."""
        value = getattr(self, name)
        if value is _MISSING:
            value = read(self._native.ptr)
            object.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Hl7Result is immutable: cannot set {name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Hl7Result is immutable: cannot delete {name}")

    @property
    def bundle(self) -> Optional[str]:
        """The partner Bundle as compact JSON, or ``None``."""
        value: Optional[str] = self._bundle
        return value

    @property
    def ack_code(self) -> str:
        """``"AA"``, ``"AE"`` or ``"AR"`` (MSA-1)."""
        value: str = self._ack_code
        return value

    @property
    def kind(self) -> Optional[str]:
        """``"create"``, ``"update"``, or ``None``."""
        value: Optional[str] = self._lazy(
            "_kind", lambda r: _KINDS.get(int(_ffi.lib().pfhir_hl7_result_kind(r)))
        )
        return value

    @property
    def ack(self) -> bytes:
        """The ACK, segments ended by ``\\r``, in the message's character set."""
        value: bytes = self._lazy(
            "_ack", lambda r: _ffi.call_bytes(_ffi.lib().pfhir_hl7_result_ack, r)
        )
        return value

    @property
    def issues(self) -> Tuple[Hl7Issue, ...]:
        """Every finding, with its HL7 location."""
        value: Tuple[Hl7Issue, ...] = self._lazy("_issues", _read_issues)
        return value

    @property
    def outcome_json(self) -> str:
        """The issues as an STU3 OperationOutcome (compact JSON)."""
        value: str = self._lazy(
            "_outcome_json",
            lambda r: _ffi.text(_ffi.lib().pfhir_hl7_result_outcome_json(r)) or "",
        )
        return value

    @property
    def is_valid(self) -> bool:
        """True when a valid Bundle resulted (the ACK says AA)."""
        return self.bundle is not None

    def bundle_dict(self) -> Optional[Dict[str, Any]]:
        """The Bundle, parsed (``None`` without one)."""
        return None if self.bundle is None else json.loads(self.bundle)

    def outcome_dict(self) -> Dict[str, Any]:
        """The OperationOutcome, parsed."""
        parsed: Dict[str, Any] = json.loads(self.outcome_json)
        return parsed

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, f) for f in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Hl7Result)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __reduce__(self) -> Tuple[Any, ...]:
        """Copies and pickles carry the values (read now), never the native result."""
        return (Hl7Result, self._values())

    def __iter__(self) -> Iterator[Hl7Issue]:
        return iter(self.issues)

    def __repr__(self) -> str:
        return f"Hl7Result(ack_code={self.ack_code!r}, kind={self.kind!r}, issues={len(self.issues)})"


def _message(message: object) -> bytes:
    if isinstance(message, bytes):
        return message
    if isinstance(message, (bytearray, memoryview)):
        return bytes(message)
    if isinstance(message, str):
        return message.encode("utf-8", "surrogatepass")
    raise TypeError(f"the message must be bytes or str, not {type(message).__name__}")


def _read_issues(r: int) -> Tuple[Hl7Issue, ...]:
    lib = _ffi.lib()
    text = _ffi.text
    issues = []
    n = int(lib.pfhir_hl7_result_issue_count(r))
    if n:
        severity, message_id = lib.pfhir_hl7_result_issue_severity, lib.pfhir_hl7_result_issue_message_id
        location, expression = lib.pfhir_hl7_result_issue_location, lib.pfhir_hl7_result_issue_expression
        hl7_code, line = lib.pfhir_hl7_result_issue_hl7_code, lib.pfhir_hl7_result_issue_line
        column, message = lib.pfhir_hl7_result_issue_column, lib.pfhir_hl7_result_issue_message
        for i in range(n):
            issues.append(
                Hl7Issue(
                    severity=_SEVERITIES.get(int(severity(r, i)), Severity.ERROR),
                    message_id=text(message_id(r, i)) or "",
                    location=text(location(r, i)),
                    expression=text(expression(r, i)),
                    hl7_code=int(hl7_code(r, i)),
                    line=int(line(r, i)),
                    column=int(column(r, i)),
                    message=text(message(r, i)) or "",
                )
            )
    return tuple(issues)


def hl7_to_bundle(
    message: Message, options: Optional[Hl7Options] = None, **settings: Any
) -> Hl7Result:
    """Converts one HL7 v2 message (ER7, MLLP framing allowed). Pass ``options``, or the
    :class:`Hl7Options` fields as keyword arguments (``tz="+01:00"``). Findings are data:
    any message gives a result (a bad option raises :class:`pfhir.InvalidArgumentError`)."""
    if options is None:
        options = Hl7Options(**settings)
    elif settings:
        raise TypeError("pass either options or keyword settings, not both")
    data = message if type(message) is bytes else _message(message)
    native = options._native()
    lib = _ffi.lib()
    out = ctypes.c_void_p()
    err = lib.pfhir_hl7_convert(native.ptr, data, len(data), ctypes.byref(out))
    # _ffi.call_out inlined (this is the per-message path): an error raises; success
    # always writes the result.
    if err or not out.value:
        _ffi.check(err)
        from .errors import ErrorCode, error_for

        raise error_for(ErrorCode.INTERNAL, "pfhir_hl7_convert succeeded without writing its result")
    return Hl7Result._from_native(out.value)  # owns the result from its first line on


def hl7_ack(message: Message, options: Optional[Hl7Options] = None, **settings: Any) -> bytes:
    """The original-mode ACK of one message (segments ended by ``\\r``), whatever it says."""
    return hl7_to_bundle(message, options, **settings).ack
