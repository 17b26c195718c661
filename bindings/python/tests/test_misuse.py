"""Misuse from Python: wrong types raise TypeError before reaching C, NULL reaches C only on
purpose (and gives NULL_ARGUMENT), closed handles raise, invalid UTF-8 is a finding, and
nothing leaks."""

from __future__ import annotations

import ctypes
import gc
import json
from pathlib import Path

import pytest

import pfhir
from pfhir import _ffi
from conftest import REPO, Ledger, patient_input

GOOD_BUNDLE = REPO / "tests" / "fixtures" / "partner" / "good-bundle.json"


@pytest.fixture(scope="module")
def validator():
    with pfhir.Validator() as v:
        yield v


@pytest.mark.parametrize("doc", [None, 42, 1.5, ["{}"], {"resourceType": "Bundle"}, object()])
def test_validate_wrong_types_are_type_errors(validator: pfhir.Validator, doc: object) -> None:
    with pytest.raises(TypeError):
        validator.validate(doc)  # type: ignore[arg-type]


@pytest.mark.parametrize("arg", [None, 7, ["a"], 2.0])
def test_build_bundle_wrong_types_are_type_errors(arg: object) -> None:
    with pytest.raises(TypeError):
        pfhir.build_bundle(arg)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"rules": ["partner-meta-profile"]}, TypeError),
        ({"rules": {"partner-meta-profile": None}}, TypeError),
        ({"rules": {1: "off"}}, TypeError),
        ({"authorities": "urn:oid:1.2.3"}, TypeError),
        ({"authorities": [None]}, TypeError),
        ({"max_bytes": "1024"}, TypeError),
        ({"max_bytes": True}, TypeError),
        ({"max_depth": 2.5}, TypeError),
        ({"max_issues": "10"}, TypeError),
        ({"max_issues": False}, TypeError),
        ({"include_values": "yes"}, TypeError),
        ({"profile": 3.0}, TypeError),
        ({"max_bytes": 0}, ValueError),
        ({"max_depth": -1}, ValueError),
        ({"max_issues": -1}, ValueError),
        ({"max_issues": 1 << 64}, ValueError),
        ({"profile": "strict"}, ValueError),
    ],
)
def test_validator_option_types_are_checked_in_python(kwargs: dict, exc: type) -> None:
    with pytest.raises(exc):
        pfhir.Validator(**kwargs)


def test_library_refusals_are_argument_errors() -> None:
    with pytest.raises(pfhir.InvalidArgumentError) as info:
        pfhir.Validator(rules={"partner-no-such-rule": "off"})
    assert info.value.code is pfhir.ErrorCode.INVALID_ARGUMENT and isinstance(info.value, ValueError)
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.Validator(rules={"partner-meta-profile": "loud"})
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.Validator(max_depth=100_000)
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.Validator(max_issues=4_294_967_296)


def test_client_argument_types_are_checked_in_python() -> None:
    with pytest.raises(TypeError):
        pfhir.Client()  # missing configuration
    with pytest.raises(TypeError):
        pfhir.Client("https://example.org/")  # type: ignore[arg-type]
    cfg = dict(org_id="1", client_id="2", client_secret="3", cert_pem="c", key_pem="k")
    with pytest.raises(TypeError):
        pfhir.Client(base_url=None, **cfg)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.Client(base_url="https://h/", connect_timeout="5", **cfg)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.Client(base_url="https://h/", retry=3, **cfg)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pfhir.Client(base_url="https://h/", request_timeout=0, **cfg)
    with pytest.raises(ValueError):
        pfhir.Client(base_url="https://h/", retry=pfhir.RetryPolicy(max_attempts=0), **cfg)


def test_bad_configuration_is_a_config_error() -> None:
    with pytest.raises(pfhir.ConfigError) as info:
        pfhir.Client(
            base_url="http://insecure.example/partners/fhir/stu3/api/",
            org_id="2.16.724.4.2",
            client_id="1",
            client_secret="s",
            cert_pem="not a pem",
            key_pem="not a pem",
        )
    assert info.value.code is pfhir.ErrorCode.CONFIG
    assert "s" != info.value.message  # the secret is not the message


def test_invalid_utf8_text_argument_is_refused_by_the_library() -> None:
    with pytest.raises(pfhir.InvalidUtf8Error) as info:
        pfhir.Client(
            base_url="https://127.0.0.1:1/partners/fhir/stu3/api/",
            org_id="2.16.724.4.2",
            client_id="1",
            client_secret="s",
            cert_pem=b"\xff\xfe not utf-8",
            key_pem=b"k",
        )
    assert info.value.code is pfhir.ErrorCode.INVALID_UTF8


def test_invalid_utf8_document_is_a_finding_not_an_error(validator: pfhir.Validator) -> None:
    doc = GOOD_BUNDLE.read_bytes().replace(b'"family": "', b'"family": "\xe9', 1)
    assert doc != GOOD_BUNDLE.read_bytes()
    outcome = validator.validate(doc)
    assert outcome.has_errors
    [issue] = outcome.issues
    assert (issue.severity, issue.code, issue.message_id) == (pfhir.Severity.FATAL, "structure", "PFHIR-V0102")
    assert issue.expression == "" and issue.line >= 1 and issue.column >= 1
    assert json.loads(outcome.to_json())["issue"][0]["severity"] == "fatal"
    # a str with a lone surrogate is not encodable as UTF-8: the same finding, no exception
    assert validator.validate('{"a": "\udce9"}').issues[0].message_id == "PFHIR-V0102"


def test_documents_in_every_buffer_form(validator: pfhir.Validator) -> None:
    data = GOOD_BUNDLE.read_bytes()
    assert validator.validate(data).is_valid
    assert validator.validate(bytearray(data)).is_valid
    assert validator.validate(memoryview(data)).is_valid
    assert validator.validate(data.decode("utf-8")).is_valid
    assert validator.validate(b"").has_errors  # empty document: a finding
    assert validator.validate(b"{\x00}").has_errors  # a NUL byte crosses the boundary intact


def test_size_limit_is_a_too_long_finding() -> None:
    with pfhir.Validator(max_bytes=64) as v:
        [issue] = v.validate(b" " * 65).issues
    assert issue.code == "too-long" and issue.severity == "fatal"


# 30000 numbers where strings belong: 30000 errors, one per number, in document order.
MANY_ISSUES = '{"resourceType":"Patient","name":[{"given":[' + ",".join(["1"] * 30000) + "]}]}"


def test_issue_cap_lists_the_first_issues_and_counts_the_rest() -> None:
    with pfhir.Validator(profile="base") as v:
        assert v.options.max_issues is None
        issues = v.validate(MANY_ISSUES).issues
    assert len(issues) == 1001
    assert [i.expression for i in issues[:1000]] == [
        f"Patient.name[0].given[{n}]" for n in range(1000)
    ]
    last = issues[-1]
    assert (last.code, last.message_id, last.severity) == ("too-costly", "PFHIR-V0108", "error")
    assert last.message.startswith("Not reported: 29000 more issues (")


@pytest.mark.parametrize("max_issues, listed", [(0, 30000), (10, 10), (30000, 30000)])
def test_max_issues_sets_the_cap(max_issues: int, listed: int) -> None:
    options = pfhir.ValidatorOptions(profile="base", max_issues=max_issues)
    with pfhir.Validator(options) as v:
        issues = v.validate(MANY_ISSUES).issues
    assert all(i.code == "structure" for i in issues[:listed])
    if listed == 30000:  # nothing left out: no too-costly issue
        assert len(issues) == 30000
    else:
        assert len(issues) == listed + 1
        assert (issues[-1].code, issues[-1].severity) == ("too-costly", "error")
        assert issues[-1].message.startswith(f"Not reported: {30000 - listed} more issues (")


def test_include_values_puts_values_in_messages() -> None:
    doc = GOOD_BUNDLE.read_text(encoding="utf-8").replace('"gender": "male"', '"gender": "femme"')
    assert '"femme"' in doc
    with pfhir.Validator() as v:
        plain = v.validate(doc)
    with pfhir.Validator(include_values=True) as v:
        verbose = v.validate(doc)
    assert plain.has_errors and verbose.has_errors
    assert not any("femme" in i.message for i in plain.issues)
    assert any("femme" in i.message for i in verbose.issues)


def test_null_handles_reach_c_only_on_purpose_and_give_null_argument() -> None:
    lib = _ffi.lib()
    out = ctypes.c_void_p()
    with pytest.raises(pfhir.NullArgumentError) as info:
        _ffi.check(lib.pfhir_validate(None, b"{}", 2, ctypes.byref(out)))
    assert info.value.code is pfhir.ErrorCode.NULL_ARGUMENT and out.value is None
    with pytest.raises(pfhir.NullArgumentError):
        _ffi.check(lib.pfhir_validator_new(None, None))  # NULL out-parameter
    with pytest.raises(pfhir.NullArgumentError):
        _ffi.check(lib.pfhir_build_bundle(None, 5, ctypes.byref(_ffi.PfhirBytes())))
    # accessors and frees accept NULL
    assert lib.pfhir_error_code(None) == pfhir.ErrorCode.OK
    assert lib.pfhir_outcome_issue_count(None) == 0 and not lib.pfhir_outcome_has_errors(None)
    assert _ffi.text(lib.pfhir_error_message(None)) is None
    for free in ("validator", "outcome", "client", "client_config", "validator_options", "error"):
        getattr(lib, f"pfhir_{free}_free")(None)
    lib.pfhir_bytes_free(_ffi.PfhirBytes())


def test_closed_handles_raise_and_close_is_idempotent() -> None:
    v = pfhir.Validator()
    assert not v.closed
    v.close()
    v.close()
    assert v.closed
    with pytest.raises(ValueError, match="closed"):
        v.validate(b"{}")
    with pfhir.Validator() as w:
        pass
    assert w.closed


def test_outcomes_outlive_their_validator() -> None:
    with pfhir.Validator() as v:
        outcome = v.validate(b"{")
    assert outcome.has_errors and outcome.to_json().startswith('{"resourceType":"OperationOutcome"')
    with pytest.raises(dataclasses_frozen_error()):
        outcome.issues[0].line = 3  # type: ignore[misc]


def dataclasses_frozen_error() -> type:
    import dataclasses

    return dataclasses.FrozenInstanceError


def test_every_handle_error_and_buffer_is_freed(ledger: Ledger) -> None:
    """Every validator, options handle, outcome, buffer and error libpfhir hands out is freed
    exactly once: with context managers, on error paths, and by __del__ for dropped objects."""
    doc = GOOD_BUNDLE.read_bytes()
    for _ in range(20):
        with pfhir.Validator(rules={"partner-meta-profile": "warning"}, max_depth=32) as v:
            assert v.validate(doc).is_valid
            assert v.validate(b"{" * 100).has_errors
        pfhir.Validator().validate(doc[:-5])  # never closed: freed by __del__
        pfhir.build_bundle(patient_input())
        with pytest.raises(pfhir.InputError):
            pfhir.build_bundle(patient_input(gender="x", birthDate="bad"))
        with pytest.raises(pfhir.InvalidArgumentError):
            pfhir.Validator(rules={"partner-nope": "off"})  # options freed on the error path
        with pytest.raises(pfhir.ConfigError):
            pfhir.Client(base_url="http://x/", org_id="1", client_id="2", client_secret="3",
                         cert_pem="c", key_pem="k",
                         validator_options=pfhir.ValidatorOptions(profile="base"))
    gc.collect()
    assert ledger.handed_out > 200
    assert ledger.live() == {}, f"not freed: {sorted(ledger.live().values())}"
