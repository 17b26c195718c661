"""The embedded outbox against `pfhir sandbox` over mutual TLS: Bundles and HL7 messages
stored and delivered in the background; the platform down, the outbox closed and reopened;
refusals; misuse."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from contextlib import closing
from pathlib import Path
from typing import Tuple

import pytest

import pfhir
from conftest import Sandbox, patient_input

A04 = (
    "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||{type}|{ctrl}|P|2.5.1\r"
    "EVN|{event}|20240315103000\r"
    "PID|1||{pid}^^^CIP^JHN||{family}^MARIA||19750616|F\r"
    "DG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r"
)


def adt(event: str, ctrl: str, pid: str, family: str = "GARCIA", type_: str = "") -> str:
    return A04.format(type=type_ or f"ADT^{event}^ADT_A01", event=event, ctrl=ctrl, pid=pid, family=family)


def wait_state(outbox: pfhir.Outbox, message_id: int, state: str, timeout: float = 20.0) -> pfhir.MessageStatus:
    deadline = time.monotonic() + timeout
    while True:
        status = outbox.status(message_id)
        if status.state == state:
            return status
        assert time.monotonic() < deadline, f"message {message_id} never became {state}: {status}"
        time.sleep(0.05)


def down_config(sandbox: Sandbox) -> pfhir.ClientConfig:
    """The sandbox's configuration pointed at a port where nothing listens, one attempt."""
    return sandbox.config(
        base_url="https://127.0.0.1:1/partners/fhir/stu3/api/", retry=pfhir.RetryPolicy.none()
    )


def test_submitted_while_down_is_delivered_after_close_and_reopen(sandbox: Sandbox, tmp_path: Path) -> None:
    data = patient_input(familyName="Outbox")
    bundle = pfhir.build_bundle(data)
    pid2 = f"PYO{uuid.uuid4().hex[:10]}"
    with pfhir.Outbox(tmp_path, down_config(sandbox), workers=1) as outbox:
        sub = outbox.submit_bundle(bundle)
        assert (sub.received, sub.ack, sub.stored) == ("stored", b"", True) and sub.id > 0
        hl7 = outbox.submit_hl7(adt("A04", "PY1", pid2))
        assert hl7.received == "stored" and hl7.id > sub.id
        assert b"MSA|AA|PY1" in hl7.ack
        waiting = wait_state(outbox, sub.id, "waiting")
        assert waiting.attempts >= 1 and waiting.logical_id is None and not waiting.final
        assert "connect" in (waiting.detail or "") and data["patientId"] not in (waiting.detail or "")
        wait_state(outbox, hl7.id, "waiting")
    assert outbox.closed
    with pytest.raises(ValueError):
        outbox.status(sub.id)
    # Nothing was lost: the file holds both (read with Python's own SQLite, only while no
    # outbox is open, and closed before the next: two SQLite copies in one process do not
    # see each other's locks; `with connect()` alone would leave the connection open).
    with closing(sqlite3.connect(tmp_path / "outbox.sqlite")) as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (2,)

    before = sandbox.stats()["patients"]
    with pfhir.Outbox(tmp_path, sandbox.config()) as outbox:
        done = wait_state(outbox, sub.id, "delivered")
        assert done.final and done.logical_id
        assert wait_state(outbox, hl7.id, "delivered").logical_id
        assert sandbox.stats()["patients"] == before + 2
        # The same Bundle again: the first message, nothing stored.
        again = outbox.submit_bundle(json.loads(bundle))
        assert (again.id, again.received) == (sub.id, "duplicate")
        # An update as a Bundle, then as HL7 through the id map the create filled.
        data["familyName"] = "Updated"
        data["ids"] = {"patient": done.logical_id}
        upd = outbox.submit_bundle(pfhir.build_bundle(data), kind="update")
        wait_state(outbox, upd.id, "delivered")
        h8 = outbox.submit_hl7(adt("A08", "PY2", data["patientId"], "LATER"))
        wait_state(outbox, h8.id, "delivered")
    with pfhir.Client(sandbox.config()) as client:
        assert client.read(done.logical_id).patient["name"][0]["family"] == "LATER"
    assert sandbox.stats()["patients"] == before + 2


def test_refusals_store_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    with pfhir.Outbox(tmp_path, down_config(sandbox)) as outbox:
        with pytest.raises(pfhir.ValidationError) as e:
            outbox.submit_bundle({"resourceType": "Bundle", "type": "message"})
        assert e.value.outcome is not None and e.value.outcome["resourceType"] == "OperationOutcome"
        assert e.value.validation_outcome is not None and e.value.validation_outcome.has_errors
        data = patient_input()
        bundle = json.loads(pfhir.build_bundle(data))
        for entry in bundle["entry"]:
            if entry["resource"]["resourceType"] == "Patient":
                entry["resource"].pop("id", None)
        with pytest.raises(pfhir.UpdateTargetMismatchError) as u:
            outbox.submit_bundle(bundle, kind="update")
        assert data["patientId"] not in str(u.value)
        refused = outbox.submit_hl7(adt("R01", "PYR", data["patientId"], type_="ORU^R01^ORU_R01"))
        assert (refused.id, refused.received, refused.stored) == (0, "refused", False)
        assert b"MSA|AR|PYR" in refused.ack
        with pytest.raises(pfhir.NotFoundError):
            outbox.status(12345)
        with pytest.raises(ValueError):
            outbox.submit_bundle(bundle, kind="delete")
        with pytest.raises(ValueError):
            outbox.status(-1)
    with closing(sqlite3.connect(tmp_path / "outbox.sqlite")) as db:
        assert db.execute("SELECT COUNT(*) FROM messages").fetchone() == (0,)


def test_open_misuse(sandbox: Sandbox, tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        pfhir.Outbox(tmp_path, "not a config")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.Outbox(tmp_path, sandbox.config(), base_url="x")
    with pytest.raises(ValueError):
        pfhir.Outbox(tmp_path, sandbox.config(), workers=-1)
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.Outbox("", sandbox.config())
    with pytest.raises(pfhir.ConfigError):
        pfhir.Outbox(tmp_path, sandbox.config(cert_pem=b"not a certificate"))
    # HL7 options are used: a namespace of the site's own maps its identifiers.
    opts = pfhir.Hl7Options(tz="+01:00")
    with pfhir.Outbox(tmp_path / "o", sandbox.config(), hl7=opts) as outbox:
        assert "open" in repr(outbox)
        pid = f"PYH{uuid.uuid4().hex[:10]}"
        sub = outbox.submit_hl7(adt("A04", "PYH", pid).replace("+0100", ""))
        assert sub.received == "stored", sub.ack
        wait_state(outbox, sub.id, "delivered")
    assert "closed" in repr(outbox)
