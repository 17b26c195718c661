"""The client against `pfhir sandbox` over mutual TLS: create, update, read; server errors as
the right exceptions with their OperationOutcome; transport failures; retries; 4 threads."""

from __future__ import annotations

import gc
import json
import socket
import threading
import uuid
from typing import Any, Dict, List

import pytest

import pfhir
from conftest import CLIENT_SECRET, Ledger, Sandbox, patient_input

NO_RETRY = pfhir.RetryPolicy.none()
FAST_RETRY = pfhir.RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.05, total_timeout=10)


def test_create_update_read(client: pfhir.Client) -> None:
    data = patient_input(familyName="Created")
    created = client.create(pfhir.build_bundle(data))
    assert isinstance(created, pfhir.CreateResult)
    assert 200 <= created.status < 300 and created.attempts == 1
    assert created.patient_id and created.bundle_id and created.request_id
    assert created.bundle["resourceType"] == "Bundle"
    assert "bundle_json" not in repr(created)

    data["familyName"] = "Updated"
    data["ids"] = {"patient": created.patient_id}
    updated = client.update(created.patient_id, pfhir.build_bundle(data))
    assert isinstance(updated, pfhir.UpdateResult)
    assert 200 <= updated.status < 300 and updated.attempts == 1
    assert updated.request_id and updated.request_id != created.request_id
    assert updated.patient_id == created.patient_id

    read = client.read(created.patient_id)
    assert isinstance(read, pfhir.ReadResult)
    assert read.status == 200 and read.attempts == 1 and read.request_id
    patient = read.patient
    assert patient["resourceType"] == "Patient" and patient["id"] == created.patient_id
    assert patient["name"][0]["family"] == "Updated"
    assert patient["identifier"][0]["value"] == data["patientId"]
    assert "patient_json" not in repr(read)
    assert client.connection_count >= 1


def test_create_accepts_a_dict_and_keeps_the_given_request_id(client: pfhir.Client, sandbox: Sandbox) -> None:
    bundle = json.loads(pfhir.build_bundle(patient_input()))
    rid = str(uuid.uuid4())
    before = sandbox.stats()["patients"]
    first = client.create(bundle, request_id=rid)
    assert first.request_id == rid
    again = client.create(bundle, request_id=rid)  # the same request: replayed, no second patient
    assert (again.patient_id, again.request_id) == (first.patient_id, rid)
    assert sandbox.stats()["patients"] == before + 1


def test_duplicate_create_is_a_server_invalid_error_with_its_outcome(client: pfhir.Client) -> None:
    bundle = pfhir.build_bundle(patient_input())
    client.create(bundle)
    with pytest.raises(pfhir.ServerInvalidError) as info:
        client.create(bundle)
    err = info.value
    assert isinstance(err, pfhir.ServerError) and isinstance(err, pfhir.ApiError)
    assert err.code is pfhir.ErrorCode.SERVER_INVALID and err.code_name == "server_invalid"
    assert err.kind == "invalid"
    assert err.http_status == 409
    assert err.request_id
    assert err.retry_safe is False
    assert err.may_have_been_processed is False  # refused: the platform created nothing
    assert err.outcome_json and err.outcome is not None
    assert err.outcome["resourceType"] == "OperationOutcome"
    issue = err.outcome["issue"][0]
    assert issue["code"] == "invalid" and issue["severity"] in ("error", "fatal")
    assert "duplicate" in json.dumps(err.outcome)
    assert "409" in str(err) and err.message


def test_unknown_id_is_not_found(client: pfhir.Client) -> None:
    with pytest.raises(pfhir.NotFoundError) as info:
        client.read("no-such-patient-" + uuid.uuid4().hex[:8])
    err = info.value
    assert err.code is pfhir.ErrorCode.NOT_FOUND and err.http_status == 404 and err.request_id
    with pytest.raises(pfhir.NotFoundError):
        data = patient_input(ids={"patient": "nobody-here"})
        client.update("nobody-here", pfhir.build_bundle(data))


def test_wrong_secret_is_forbidden(sandbox: Sandbox) -> None:
    assert CLIENT_SECRET != "wrong"
    config = sandbox.config(client_secret="wrong", retry=NO_RETRY)
    assert "wrong" not in repr(config) and "PRIVATE KEY" not in repr(config)
    with pfhir.Client(config) as c:
        with pytest.raises(pfhir.ForbiddenError) as info:
            c.read("anything")
    err = info.value
    assert err.http_status == 403 and err.outcome is None and err.outcome_json is None
    assert "wrong" not in str(err) and "wrong" not in repr(err)


def test_invalid_bundle_is_refused_locally(client: pfhir.Client, sandbox: Sandbox) -> None:
    bundle = json.loads(pfhir.build_bundle(patient_input()))
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["gender"] = "femme"
    before = sandbox.stats()["requests"]
    with pytest.raises(pfhir.ValidationError) as info:
        client.create(bundle)
    err = info.value
    assert err.code is pfhir.ErrorCode.VALIDATION and err.http_status == 0 and err.request_id is None
    assert err.may_have_been_processed is False
    assert err.outcome is not None and err.outcome["resourceType"] == "OperationOutcome"
    assert any("gender" in json.dumps(i) for i in err.outcome["issue"])
    # the same findings, typed (pfhir_error_outcome), with the expression and a position
    typed = err.validation_outcome
    assert typed is not None and typed.has_errors
    gender = [i for i in typed.issues if i.expression and i.expression.endswith(".gender")]
    assert gender and gender[0].line > 0 and gender[0].column > 0
    # the sandbox counts its /_sandbox/ requests too: +1 is this stats request, nothing else
    assert sandbox.stats()["requests"] == before + 1


def test_untrusted_server_is_a_tls_error(sandbox: Sandbox) -> None:
    with pfhir.Client(sandbox.config(ca_pem=None, retry=NO_RETRY)) as c:
        with pytest.raises(pfhir.TlsError) as info:
            c.read("x")
    assert info.value.code is pfhir.ErrorCode.TLS and isinstance(info.value, pfhir.TransportError)
    assert info.value.http_status == 0
    assert info.value.tls_cause == 1  # PFHIR_TLS_CAUSE_UNKNOWN_CA (no CA given: Mozilla roots)


def test_closed_port_is_a_connect_error(sandbox: Sandbox) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"https://127.0.0.1:{port}/partners/fhir/stu3/api/"
    with pfhir.Client(sandbox.config(base_url=url, retry=NO_RETRY, connect_timeout=2.0)) as c:
        with pytest.raises(pfhir.ConnectError) as info:
            c.create(pfhir.build_bundle(patient_input()))
    assert info.value.retry_safe and info.value.request_id
    assert info.value.may_have_been_processed is False  # nothing was sent


def test_transient_503_is_retried(sandbox: Sandbox) -> None:
    sandbox.push_faults({"method": "GET", "pathPrefix": "Patient/", "times": 1,
                         "fault": {"kind": "status", "status": 503}})
    try:
        with pfhir.Client(sandbox.config(retry=FAST_RETRY)) as c:
            created = c.create(pfhir.build_bundle(patient_input()))
            read = c.read(created.patient_id)
        assert read.attempts == 2 and read.status == 200
    finally:
        sandbox.clear_faults()


@pytest.mark.parametrize(
    "fault, exc, status, kind",
    [
        ({"kind": "status", "status": 503, "body": "<html>down</html>"}, pfhir.UnavailableError, 503, None),
        ({"kind": "status", "status": 429, "retryAfter": 7}, pfhir.RateLimitedError, 429, None),
        ({"kind": "status", "status": 400, "outcome": {"code": "structure", "diagnostics": "bad"}},
         pfhir.ServerStructureError, 400, "structure"),
        ({"kind": "status", "status": 500, "outcome": {"code": "exception", "diagnostics": "boom"}},
         pfhir.ServerExceptionError, 500, "exception"),
        ({"kind": "status", "status": 418}, pfhir.HttpStatusError, 418, None),
    ],
)
def test_fault_statuses_map_to_exceptions(sandbox: Sandbox, fault: Dict[str, Any], exc: type,
                                          status: int, kind: Any) -> None:
    sandbox.push_faults({"method": "GET", "pathPrefix": "Patient/", "times": 1, "fault": fault})
    try:
        with pfhir.Client(sandbox.config(retry=NO_RETRY)) as c:
            with pytest.raises(exc) as info:
                c.read("whoever")
        err = info.value
        assert type(err) is exc and err.http_status == status and err.request_id
        # only an internal `exception` (or `timeout`) of the platform may hide a processed request
        assert err.may_have_been_processed is (kind == "exception")
        assert err.retry_after == (7.0 if "retryAfter" in fault else None)
        if kind is not None:
            assert err.kind == kind and err.outcome is not None
            assert err.outcome["issue"][0]["code"] == kind
        if "body" in fault:
            assert err.body == fault["body"]
    finally:
        sandbox.clear_faults()


def test_dropped_answer_is_outcome_unknown_then_resent(sandbox: Sandbox) -> None:
    """The platform processed the create but the answer was lost. The sandbox de-duplicates
    by x-origin-request-id, so the same request id replays its answer here; the partner guide
    does not promise that of the platform (see the v1 test below for the safe way)."""
    sandbox.push_faults({"method": "POST", "pathPrefix": "v2/Bundle", "times": 1,
                         "fault": {"kind": "dropAfterBody"}})
    try:
        bundle = pfhir.build_bundle(patient_input())
        before = sandbox.stats()["patients"]
        with pfhir.Client(sandbox.config(retry=NO_RETRY)) as c:
            with pytest.raises(pfhir.OutcomeUnknownError) as info:
                c.create(bundle)
            assert info.value.may_have_been_processed is True
            assert info.value.http_status == 0
            rid = info.value.request_id
            assert rid
            assert sandbox.stats()["patients"] == before + 1  # it was processed
            created = c.create(bundle, request_id=rid)
        assert created.request_id == rid and created.patient_id
        assert sandbox.stats()["patients"] == before + 1
    finally:
        sandbox.clear_faults()


def test_dropped_v1_create_may_have_been_processed_and_is_found_by_business_id(
    sandbox: Sandbox,
) -> None:
    """The advice for an uncertain create on v1: read Patient/{business id}, do not create
    again (which the platform would refuse as a duplicate, or worse)."""
    sandbox.push_faults({"method": "POST", "pathPrefix": "Bundle", "times": 1,
                         "fault": {"kind": "dropAfterBody"}})
    try:
        data = patient_input()
        bundle = pfhir.build_bundle(data)
        with pfhir.Client(sandbox.config(retry=NO_RETRY, api_version="v1")) as c:
            with pytest.raises(pfhir.OutcomeUnknownError) as info:
                c.create(bundle)
            assert info.value.may_have_been_processed is True
            found = c.read(data["patientId"])  # the business id
            assert found.status == 200 and found.patient["id"] == data["patientId"]
            with pytest.raises(pfhir.ServerInvalidError) as again:
                c.create(bundle)  # a fresh request id: a second create, refused
            assert again.value.http_status == 409
            assert again.value.may_have_been_processed is False
    finally:
        sandbox.clear_faults()


DEDUPLICATING = pfhir.UncertainCreatePolicy.resend_deduplicating()


def test_resolve_uncertain_create_resends_to_a_deduplicating_server(sandbox: Sandbox) -> None:
    """(a) The sandbox de-duplicates by x-origin-request-id (its default): with
    RESEND_DEDUPLICATING the lost create is re-sent with its request id and its answer replayed,
    so the patient is known by id and was not created twice."""
    assert sandbox.settings()["dedup"] is True
    sandbox.push_faults({"method": "POST", "pathPrefix": "v2/Bundle", "times": 1,
                         "fault": {"kind": "dropAfterBody"}})
    try:
        bundle = pfhir.build_bundle(patient_input(familyName="Resolved"))
        config = sandbox.config(retry=NO_RETRY, uncertain_create=DEDUPLICATING)
        with pfhir.Client(config) as c:
            before = sandbox.stats()["patients"]
            with pytest.raises(pfhir.OutcomeUnknownError) as info:
                c.create(bundle)
            assert info.value.may_have_been_processed is True
            rid = info.value.request_id
            assert rid
            assert sandbox.stats()["patients"] == before + 1  # it was processed
            found = c.resolve_uncertain_create(bundle, rid)
            assert isinstance(found, pfhir.UncertainCreate)
            assert found.state is pfhir.CreateState.CREATED
            assert found.patient_id
            assert sandbox.stats()["patients"] == before + 1  # not created twice
            read = c.read(found.patient_id)
            assert read.patient["id"] == found.patient_id
            assert read.patient["name"][0]["family"] == "Resolved"
    finally:
        sandbox.clear_faults()


def test_resolve_uncertain_create_by_default_sends_nothing_on_v2(sandbox: Sandbox) -> None:
    """(b) The default policy (the guide promises no de-duplication): created, logical id
    unknown, for a person to resolve; no request reaches the sandbox."""
    sandbox.push_faults({"method": "POST", "pathPrefix": "v2/Bundle", "times": 1,
                         "fault": {"kind": "dropAfterBody"}})
    try:
        bundle = pfhir.build_bundle(patient_input())
        with pfhir.Client(sandbox.config(retry=NO_RETRY)) as c:
            with pytest.raises(pfhir.OutcomeUnknownError) as info:
                c.create(bundle)
            assert info.value.may_have_been_processed is True
            before = sandbox.stats()
            found = c.resolve_uncertain_create(bundle, info.value.request_id)
            after = sandbox.stats()
        assert found == pfhir.UncertainCreate(pfhir.CreateState.CREATED_ID_UNKNOWN, None)
        # +1: the stats request itself
        assert after["requests"] == before["requests"] + 1
        assert after["tlsHandshakes"] == before["tlsHandshakes"] + 1  # the stats request's
        assert after["patients"] == before["patients"]
    finally:
        sandbox.clear_faults()


def test_resolve_uncertain_create_on_v1_finds_a_create_that_was_never_read(sandbox: Sandbox) -> None:
    """(c) v1: the connection dropped before the sandbox read the create; Patient/{business
    id} is 404, so it was not created and may be created again."""
    data = patient_input()
    bundle = pfhir.build_bundle(data)
    sandbox.push_faults({"method": "POST", "pathPrefix": "Bundle", "times": 1,
                         "fault": {"kind": "dropBeforeBody"}})
    try:
        with pfhir.Client(sandbox.config(retry=NO_RETRY, api_version="v1")) as c:
            before = sandbox.stats()["patients"]
            with pytest.raises(pfhir.PfhirError) as info:
                c.create(bundle)
            assert info.value.may_have_been_processed is True
            assert sandbox.stats()["patients"] == before
            found = c.resolve_uncertain_create(bundle, info.value.request_id)
            assert found.state is pfhir.CreateState.NOT_CREATED
            assert found.patient_id is None
            created = c.create(bundle)  # now safe
            assert created.patient_id == data["patientId"]
            again = c.resolve_uncertain_create(bundle, info.value.request_id)
            assert again == pfhir.UncertainCreate(pfhir.CreateState.CREATED, data["patientId"])
    finally:
        sandbox.clear_faults()


def test_resolve_uncertain_create_reads_the_duplicate_status_without_dedup(sandbox: Sandbox) -> None:
    """RESEND_DUPLICATE_STATUS against a server that does not de-duplicate: the re-send is a
    second create of the same identifier, refused with 409, read as created-id-unknown. The
    sandbox's de-duplication is turned back on at the end."""
    sandbox.push_faults({"method": "POST", "pathPrefix": "v2/Bundle", "times": 1,
                         "fault": {"kind": "dropAfterBody"}})
    sandbox.set_dedup(False)
    try:
        bundle = pfhir.build_bundle(patient_input())
        policy = pfhir.UncertainCreatePolicy.resend_duplicate_status(409)
        with pfhir.Client(sandbox.config(retry=NO_RETRY, uncertain_create=policy)) as c:
            before = sandbox.stats()["patients"]
            with pytest.raises(pfhir.OutcomeUnknownError) as info:
                c.create(bundle)
            found = c.resolve_uncertain_create(bundle, info.value.request_id)
            assert found.state is pfhir.CreateState.CREATED_ID_UNKNOWN
            assert found.patient_id is None
            assert sandbox.stats()["patients"] == before + 1
            # a create that never happened: the re-send creates it
            fresh = pfhir.build_bundle(patient_input())
            created = c.resolve_uncertain_create(fresh, "py-never-sent-" + uuid.uuid4().hex)
            assert created.state is pfhir.CreateState.CREATED and created.patient_id
            assert sandbox.stats()["patients"] == before + 2
    finally:
        sandbox.set_dedup(True)
        sandbox.clear_faults()
    assert sandbox.settings()["dedup"] is True


def test_uncertain_create_policy_and_arguments_are_checked(sandbox: Sandbox) -> None:
    P, Mode = pfhir.UncertainCreatePolicy, pfhir.UncertainCreateMode
    assert P() == P.ask_a_person() == P(Mode.ASK_A_PERSON, None)
    assert P.resend_duplicate_status(409) == P(Mode.RESEND_DUPLICATE_STATUS, 409)
    for status in (200, 399, 500, 0):
        with pytest.raises(ValueError):
            P.resend_duplicate_status(status)
    with pytest.raises(TypeError):
        P(Mode.RESEND_DUPLICATE_STATUS)
    with pytest.raises(ValueError):
        P(Mode.RESEND_DEDUPLICATING, 409)
    with pytest.raises(TypeError):
        P(1)  # type: ignore[arg-type]  # a number, not an UncertainCreateMode
    with pytest.raises(TypeError):
        pfhir.Client(sandbox.config(uncertain_create="resend"))
    bundle = pfhir.build_bundle(patient_input())
    with pfhir.Client(sandbox.config()) as c:
        with pytest.raises(ValueError):
            c.resolve_uncertain_create(bundle, "")
        with pytest.raises(TypeError):
            c.resolve_uncertain_create(bundle, None)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            c.resolve_uncertain_create(bundle, b"py-rid")  # type: ignore[arg-type]


def test_resolve_uncertain_create_frees_the_id_and_errors(sandbox: Sandbox, ledger: Ledger) -> None:
    with pfhir.Client(sandbox.config(uncertain_create=DEDUPLICATING)) as c:
        bundle = pfhir.build_bundle(patient_input())
        assert c.resolve_uncertain_create(bundle, "py-ledger-" + uuid.uuid4().hex).patient_id
        with pytest.raises(pfhir.ValidationError):
            c.resolve_uncertain_create('{"resourceType": "Bundle"}', "py-ledger-bad")
    with pfhir.Client(sandbox.config()) as c:
        assert c.resolve_uncertain_create(bundle, "py-any").patient_id is None
    assert ledger.handed_out >= 6
    assert ledger.live() == {}, f"not freed: {sorted(ledger.live().values())}"


def test_update_of_another_patients_bundle_is_refused_before_sending(
    client: pfhir.Client, sandbox: Sandbox
) -> None:
    """v2 (the default): the Bundle's Patient.id must be the id updated."""
    data = patient_input(familyName="Target")
    created = client.create(pfhir.build_bundle(data))
    other = client.create(pfhir.build_bundle(patient_input(familyName="Other")))
    before = sandbox.stats()
    wrong = [
        dict(data, familyName="Overwritten", ids={"patient": other.patient_id}),
        dict(data, familyName="Overwritten"),  # no ids.patient: a Patient.id of its own
    ]
    for wrong_data in wrong:
        with pytest.raises(pfhir.UpdateTargetMismatchError) as info:
            client.update(created.patient_id, pfhir.build_bundle(wrong_data))
        err = info.value
        assert isinstance(err, pfhir.PfhirError) and isinstance(err, ValueError)
        assert err.code is pfhir.ErrorCode.UPDATE_TARGET_MISMATCH
        assert err.code_name == "update_target_mismatch"
        assert err.http_status == 0 and err.request_id is None and err.outcome is None
        assert err.retry_safe is False and err.may_have_been_processed is False
        assert "nothing was sent" in err.message
        assert created.patient_id not in str(err) and other.patient_id not in str(err)
    after = sandbox.stats()
    # +1: the stats request itself; no update reached the sandbox
    assert after["requests"] == before["requests"] + 1
    assert after["patients"] == before["patients"]
    for pid, family in ((created.patient_id, "Target"), (other.patient_id, "Other")):
        assert client.read(pid).patient["name"][0]["family"] == family


def test_v1_update_needs_an_identifier_with_the_business_id(sandbox: Sandbox) -> None:
    data = patient_input(familyName="BusinessId")
    with pfhir.Client(sandbox.config(api_version="v1")) as c:
        created = c.create(pfhir.build_bundle(data))
        assert created.patient_id == data["patientId"]
        with pytest.raises(pfhir.UpdateTargetMismatchError) as info:
            c.update(created.patient_id, pfhir.build_bundle(patient_input()))  # another patient
        assert info.value.request_id is None and info.value.http_status == 0
        updated = c.update(created.patient_id, pfhir.build_bundle(dict(data, familyName="V1")))
        assert updated.status == 200
        assert c.read(created.patient_id).patient["name"][0]["family"] == "V1"


def test_hanging_answer_is_a_timeout(sandbox: Sandbox) -> None:
    sandbox.push_faults({"method": "GET", "pathPrefix": "Patient/", "times": 1,
                         "fault": {"kind": "hang", "millis": 3000}})
    try:
        with pfhir.Client(sandbox.config(retry=NO_RETRY, request_timeout=0.5)) as c:
            with pytest.raises(pfhir.PfhirTimeoutError) as info:
                c.read("slow")
        assert info.value.code is pfhir.ErrorCode.TIMEOUT and info.value.request_id
        assert info.value.may_have_been_processed is True  # timed out after sending
        assert not isinstance(info.value, TimeoutError)  # no builtin shadowed or subclassed
    finally:
        sandbox.clear_faults()


def test_one_client_shared_by_four_threads(sandbox: Sandbox) -> None:
    errors: List[str] = []
    ids: List[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)
    with pfhir.Client(sandbox.config()) as c:

        def work(n: int) -> None:
            barrier.wait()
            try:
                for i in range(3):
                    data = patient_input(familyName=f"Thread{n}")
                    created = c.create(pfhir.build_bundle(data))
                    data["ids"] = {"patient": created.patient_id}
                    data["familyName"] = f"Thread{n}Round{i}"
                    c.update(created.patient_id, pfhir.build_bundle(data))
                    read = c.read(created.patient_id)
                    assert read.patient["name"][0]["family"] == f"Thread{n}Round{i}"
                    with lock:
                        ids.append(created.patient_id)
            except Exception as e:  # collected, then failed below
                with lock:
                    errors.append(f"thread {n}: {e!r}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a client thread hung"
        assert not errors, "\n".join(errors)
        assert len(set(ids)) == 12
        connections = c.connection_count
        assert 1 <= connections <= 12, connections  # 36 requests reused connections
    assert c.closed
    with pytest.raises(ValueError, match="closed"):
        c.read(ids[0])


def test_client_config_dataclass_and_files(sandbox: Sandbox) -> None:
    config = pfhir.ClientConfig.from_files(
        base_url=sandbox.base_url,
        org_id="2.16.724.4.2",
        client_id="1234567890",
        client_secret=CLIENT_SECRET,
        cert_file=sandbox.certs / "client.pem",
        key_file=sandbox.certs / "client-key.pem",
        ca_file=sandbox.certs / "ca.pem",
        api_version="v2",
        validator_options=pfhir.ValidatorOptions(rules={"partner-meta-profile": "warning"}),
    )
    assert CLIENT_SECRET not in repr(config)
    with pfhir.Client(config) as c:
        created = c.create(pfhir.build_bundle(patient_input()))
        assert c.read(created.patient_id).status == 200


def test_content_type_setting(sandbox: Sandbox) -> None:
    with pfhir.Client(sandbox.config(content_type="application/fhir+json")) as c:
        assert c.create(pfhir.build_bundle(patient_input())).status == 200
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.Client(sandbox.config(content_type="text/plain"))


def test_client_frees_every_handle_result_and_error(sandbox: Sandbox, ledger: Ledger) -> None:
    """Clients, configurations, results and errors (with their outcomes) are all freed."""
    with pfhir.Client(sandbox.config(validator_options=pfhir.ValidatorOptions())) as c:
        data = patient_input()
        created = c.create(pfhir.build_bundle(data))
        data["ids"] = {"patient": created.patient_id}
        c.update(created.patient_id, pfhir.build_bundle(data))
        c.read(created.patient_id)
        with pytest.raises(pfhir.ServerInvalidError):
            c.create(pfhir.build_bundle(dict(data, ids={})))
        with pytest.raises(pfhir.NotFoundError):
            c.read("nobody")
        with pytest.raises(TypeError):
            c.read(None)  # type: ignore[arg-type]
    pfhir.Client(sandbox.config()).read(created.patient_id)  # dropped: freed by __del__
    gc.collect()
    assert ledger.handed_out >= 10
    assert ledger.live() == {}, f"not freed: {sorted(ledger.live().values())}"
