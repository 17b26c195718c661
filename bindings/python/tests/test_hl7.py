"""HL7 v2 in (pfhir.hl7_to_bundle / hl7_ack): the corpus tests/fixtures/hl7v2/ gives every
expected Bundle, OperationOutcome, ACK (byte for byte), ACK code, event kind and located
error; misuse; and a converted Bundle is created on the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import pfhir
from conftest import ORG_ID, REPO

CORPUS = REPO / "tests" / "fixtures" / "hl7v2"
MESSAGES = sorted(
    p for p in CORPUS.iterdir() if p.name.endswith(".hl7") and not p.name.endswith(".ack.hl7")
)


def sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name[: -len(".hl7")] + suffix)


def options_of(path: Path) -> pfhir.Hl7Options:
    """options.json, then the message's own NAME.options.json over it."""
    opts: Dict[str, Any] = json.loads((CORPUS / "options.json").read_text(encoding="utf-8"))
    own = sibling(path, ".options.json")
    if own.exists():
        opts.update(json.loads(own.read_text(encoding="utf-8")))
    ids = opts["ids"]
    suffix = ids["bundle"][len("bundle-") :]
    assert ids == {
        "bundle": f"bundle-{suffix}",
        "messageHeader": f"header-{suffix}",
        "patient": f"patient-{suffix}",
        "condition": f"condition-{suffix}",
    }, "the corpus's ids are the fixed-ids form"
    return pfhir.Hl7Options(
        namespaces=dict(s.split("=", 1) for s in opts.get("hl7Authorities", [])),
        authorities=tuple(opts.get("authorities", [])),
        org_id=opts.get("orgId"),
        source_endpoint=opts.get("sourceEndpoint"),
        patient_id=opts.get("patientId"),
        tz=opts.get("tz"),
        charset=opts.get("charset"),
        max_bytes=opts.get("maxBytes"),
        fixed_ids=suffix,
        ack_control_id=opts.get("ackControlId"),
        ack_time=opts.get("ackTime"),
    )


def test_corpus_is_there() -> None:
    assert len(MESSAGES) >= 40, f"the HL7 corpus needs at least 40 messages, found {len(MESSAGES)}"


@pytest.mark.parametrize("path", MESSAGES, ids=[p.name for p in MESSAGES])
def test_fixture(path: Path) -> None:
    result = pfhir.hl7_to_bundle(path.read_bytes(), options_of(path))
    expected = json.loads(sibling(path, ".expected.json").read_text(encoding="utf-8"))
    bundle_file = sibling(path, ".bundle.json")
    if bundle_file.exists():
        assert result.bundle_dict() == json.loads(bundle_file.read_text(encoding="utf-8"))
        # The expected file is the Bundle pretty-printed, byte for byte.
        pretty = json.dumps(result.bundle_dict(), indent=2, ensure_ascii=False) + "\n"
        assert pretty.encode("utf-8") == bundle_file.read_bytes()
    else:
        assert result.bundle is None and not result.is_valid
    outcome_file = sibling(path, ".outcome.json")
    assert result.outcome_dict() == json.loads(outcome_file.read_text(encoding="utf-8"))
    assert result.ack == sibling(path, ".ack.hl7").read_bytes()
    assert result.ack_code == expected["ack"]
    assert result.kind == expected["kind"]
    errors: List[List[str]] = [
        [i.message_id, i.location or ""]
        for i in result.issues
        if i.severity in (pfhir.Severity.FATAL, pfhir.Severity.ERROR)
    ]
    assert errors == expected["errors"]
    assert all(i.message and i.message_id.startswith("PFHIR-") for i in result.issues)
    # The OperationOutcome carries the same HL7 locations (without issues it holds one
    # "all OK" note).
    if result.issues:
        locations = [
            (issue.get("location") or [None])[0] for issue in result.outcome_dict()["issue"]
        ]
        assert locations == [i.location for i in result.issues]
    assert pfhir.hl7_ack(path.read_bytes(), options_of(path)) == result.ack


A04 = (
    "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|M1|P|2.5.1\r"
    "PID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r"
)


def test_issue_located_at_its_field_without_value() -> None:
    result = pfhir.hl7_to_bundle(A04, tz="+01:00")
    assert result.ack_code == "AE" and result.kind == "create" and result.bundle is None
    bad = [i for i in result.issues if i.location == "PID-7"]
    assert len(bad) == 1 and bad[0].message_id == "PFHIR-H0304" and bad[0].hl7_code == 102
    assert bad[0].line == 2 and bad[0].column > 0
    assert "19801340" not in bad[0].message and "19801340" not in result.outcome_json
    assert b"\rMSA|AE|M1\r" in result.ack


def test_misuse() -> None:
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.hl7_to_bundle(A04, tz="Europe/Madrid")
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.hl7_to_bundle(A04, charset="EBCDIC")
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.hl7_to_bundle(A04, namespaces={"A=B": "urn:oid:1.2"})
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.hl7_to_bundle(A04, authorities=("not a system",))
    with pytest.raises(TypeError):
        pfhir.hl7_to_bundle(A04, tz=1)
    with pytest.raises(TypeError):
        pfhir.hl7_to_bundle(12)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.hl7_to_bundle(A04, pfhir.Hl7Options(), tz="Z")
    with pytest.raises(ValueError):
        pfhir.hl7_to_bundle(A04, max_bytes=0)
    # Any bytes give an AR with an ACK, never an exception.
    for junk in (b"", b"\x00\xff\x0b\x1c\r", b'{"resourceType":"Patient"}', b"MSH|^~"):
        r = pfhir.hl7_to_bundle(junk)
        assert r.ack_code == "AR" and r.kind is None and r.issues[0].severity == pfhir.Severity.FATAL
        assert b"\rMSA|AR|" in r.ack
    huge = A04.encode() + b"A" * (2 * 1024 * 1024)
    r = pfhir.hl7_to_bundle(huge)
    assert r.ack_code == "AR" and r.issues[0].message_id == "PFHIR-H0101"


def test_options_reused_across_messages_copies_and_in_place_changes() -> None:
    """One Hl7Options keeps its native options between calls (the fast path): reusing it,
    copying, pickling it, and changing its namespaces mapping in place all convert as a
    fresh Hl7Options with the same values would."""
    import copy
    import pickle

    message = (
        "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|M1|P|2.5.1\r"
        "PID|1||12345678^^^HOSPX||Garcia^Ana||19800316|F\r"
    )
    namespaces: Dict[str, str] = {}
    fixed = {"fixed_ids": "r", "ack_control_id": "A1", "ack_time": "20260101120001+0100"}
    options = pfhir.Hl7Options(namespaces=namespaces, authorities=("urn:oid:1.2.3",), **fixed)
    first = pfhir.hl7_to_bundle(message, options)
    assert first.ack_code == "AE"
    assert [i.message_id for i in first.issues] == ["PFHIR-H0309", "PFHIR-H0303"]
    assert pfhir.hl7_to_bundle(message, options) == first
    namespaces["HOSPX"] = "urn:oid:1.2.3"  # in place: the next call must see it
    second = pfhir.hl7_to_bundle(message, options)
    assert second.ack_code == "AA", second.outcome_json
    fresh = pfhir.Hl7Options(
        namespaces={"HOSPX": "urn:oid:1.2.3"}, authorities=("urn:oid:1.2.3",), **fixed
    )
    assert pfhir.hl7_to_bundle(message, fresh) == second
    for twin in (copy.copy(options), copy.deepcopy(options), pickle.loads(pickle.dumps(options))):
        assert twin == options
        assert pfhir.hl7_to_bundle(message, twin) == second
    del options, twin
    assert pfhir.hl7_to_bundle(message, fresh) == second


def test_converted_bundle_is_created_on_the_sandbox(client: pfhir.Client) -> None:
    message = (CORPUS / "001-a04-cip-v251.hl7").read_bytes()
    result = pfhir.hl7_to_bundle(message, tz="+01:00", org_id=ORG_ID)
    assert result.is_valid and result.kind == "create", result.outcome_json
    created = client.create(result.bundle)
    assert 200 <= created.status < 300 and created.patient_id


def test_result_reads_lazily_and_behaves_as_a_value() -> None:
    """The kind, ACK, issues and outcome are read from the native result on first use: any
    order, from threads at once, gives the values an eager read gives; results compare,
    hash, copy and pickle by value, and cannot be changed."""
    import copy
    import pickle
    import threading

    path = CORPUS / "001-a04-cip-v251.hl7"
    message, options = path.read_bytes(), options_of(path)
    eager = pfhir.hl7_to_bundle(message, options)
    values = (eager.bundle, eager.kind, eager.ack_code, eager.ack, eager.issues, eager.outcome_json)
    assert eager.ack_code == "AA" and eager.kind == "create" and eager.ack.startswith(b"MSH|")
    late = pfhir.hl7_to_bundle(message, options)
    assert late.outcome_json == eager.outcome_json  # one lazy field first, the rest later
    assert (late.bundle, late.kind, late.ack_code, late.ack, late.issues, late.outcome_json) == values
    assert late == eager and hash(late) == hash(eager)
    for twin in (copy.copy(late), copy.deepcopy(late), pickle.loads(pickle.dumps(late))):
        assert twin == eager and twin.ack == eager.ack
    with pytest.raises(AttributeError):
        late.bundle = None  # type: ignore[misc]

    bad = pfhir.hl7_to_bundle(A04, tz="+01:00", ack_control_id="A1", ack_time="20260101120001+0100")
    shared = pfhir.hl7_to_bundle(A04, tz="+01:00", ack_control_id="A1", ack_time="20260101120001+0100")
    seen: List[Any] = []

    def read() -> None:
        seen.append((shared.issues, shared.ack, shared.kind, shared.outcome_json, shared.ack_code))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = (bad.issues, bad.ack, bad.kind, bad.outcome_json, "AE")
    assert len(seen) == 8 and all(s == expected for s in seen)
    assert bad.bundle is None and not bad.is_valid and bad.issues
