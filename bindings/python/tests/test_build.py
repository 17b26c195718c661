"""build_bundle: a PatientInput (dict, str or bytes) becomes a valid partner message Bundle;
bad input raises InputError naming every wrong field."""

from __future__ import annotations

import json

import pytest

import pfhir
from conftest import ORG_ID, Ledger, patient_input

ISSUE_EXAMPLE = {
    "authority": "cip",
    "patientId": "P123",
    "familyName": "Test",
    "gender": "female",
    "birthDate": "1980-01-02",
    "diabetes": "type1",
    "organizationOid": "2.16.724.4.2",
}


def resources(bundle: dict) -> dict:
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


@pytest.mark.parametrize("form", ["dict", "str", "bytes"])
def test_build_bundle_from_each_form_validates(form: str) -> None:
    arg = {
        "dict": ISSUE_EXAMPLE,
        "str": json.dumps(ISSUE_EXAMPLE),
        "bytes": json.dumps(ISSUE_EXAMPLE).encode(),
    }[form]
    text = pfhir.build_bundle(arg)
    assert isinstance(text, str)
    bundle = json.loads(text)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "message"
    res = resources(bundle)
    assert set(res) == {"MessageHeader", "Patient", "Condition"}
    patient = res["Patient"]
    assert patient["gender"] == "female" and patient["birthDate"] == "1980-01-02"
    assert patient["name"][0]["family"] == "Test"
    assert patient["identifier"][0]["value"] == "P123"
    with pfhir.Validator() as v:
        outcome = v.validate(text)
    assert not outcome.has_errors, outcome.to_json()
    assert outcome.is_valid


def test_build_bundle_keeps_given_ids_and_non_ascii() -> None:
    data = patient_input(familyName="Núñez Peña", ids={"patient": "Bj6.1Lq-hvb-28", "bundle": "b-1"})
    bundle = json.loads(pfhir.build_bundle(data))
    assert bundle["id"] == "b-1"
    patient = resources(bundle)["Patient"]
    assert patient["id"] == "Bj6.1Lq-hvb-28"
    assert patient["name"][0]["family"] == "Núñez Peña"


def test_input_error_lists_every_wrong_field() -> None:
    bad = patient_input(gender="x", birthDate="1980-13-45", diabetes="type9")
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(bad)
    err = info.value
    assert err.code is pfhir.ErrorCode.INPUT and err.code_name == "input"
    names = [f.field for f in err.fields]
    assert {"gender", "birthDate", "diabetes"} <= set(names), names
    assert all(isinstance(f, pfhir.FieldError) and f.message for f in err.fields)
    # messages never repeat the values (patient data)
    assert "1980-13-45" not in str(err) and all("1980-13-45" not in f.message for f in err.fields)
    assert err.http_status == 0 and err.request_id is None and err.outcome is None
    assert isinstance(err, ValueError)  # input errors are also ValueErrors


def test_input_error_names_missing_and_unknown_members() -> None:
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle({"authority": "cip", "organizationOid": ORG_ID, "shoeSize": 42})
    names = {f.field for f in info.value.fields}
    assert "patientId" in names and "shoeSize" in names, names


def test_text_that_is_not_a_json_object_is_a_json_error() -> None:
    # pfhir_build_bundle reports unreadable JSON, or JSON that is not an object, as
    # PFHIR_CODE_JSON (no field errors: the whole document is wrong).
    for text in ('{"authority": "cip",', "[1, 2]"):
        with pytest.raises(pfhir.JsonError) as info:
            pfhir.build_bundle(text)
        assert info.value.code == pfhir.ErrorCode.JSON
        assert not info.value.fields
        assert "JSON" in info.value.message


def test_phone_field_errors_are_indexed() -> None:
    bad = patient_input(phones=[{"value": "600000000", "use": "mobile"}, {"value": "1", "use": "pager"}])
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(bad)
    assert "phones[1].use" in {f.field for f in info.value.fields}


# The wide patient of docs/patient-input.md: what an EMR sends (several identifiers with
# type, use and assigner, the Spanish surname pair, deceased, marital status, languages,
# several e-mails and addresses, the managing organization, two Conditions), with fixed ids.
WIDE_PATIENT = {
    "identifiers": [
        {"system": "cip", "value": "WIDE0000000001", "use": "official", "type": "JHN", "assigner": "SERMAS"},
        {"system": "urn:oid:2.16.724.4.40", "value": "12345678Z", "use": "secondary", "type": "NNESP"},
        {"system": "urn:oid:1.3.6.1.4.1.19126.3", "value": "MR-778899", "use": "usual", "type": "MR",
         "assigner": "Hospital Universitario"},
    ],
    "fathersFamily": "Pérez",
    "mothersFamily": "Fuster",
    "givenNames": ["Manolo"],
    "gender": "male",
    "birthDate": "1975-06-16",
    "deceased": "2024-02-03T10:20:00+01:00",
    "maritalStatus": "M",
    "language": "es",
    "communication": [{"language": "ca", "preferred": False}, {"language": "en-GB"}],
    "emails": [{"value": "manolo@example.org", "use": "home"}, {"value": "m.perez@example.com", "use": "work"}],
    "addresses": [
        {"lines": ["Calle Mayor 1", "Piso 3 B"], "city": "Madrid", "postalCode": "28013", "country": "ES",
         "use": "home", "type": "both"},
        {"lines": ["Avenida Diagonal 200"], "city": "Barcelona", "district": "Les Corts", "state": "Barcelona",
         "postalCode": "08018", "country": "ES", "use": "work", "type": "physical"},
    ],
    "managingOrganization": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.724.4.2",
                             "display": "Hospital Universitario"},
    "diabetes": "type2",
    "onset": "2010-05-01",
    "verificationStatus": "confirmed",
    "conditions": [
        {"codings": [{"system": "http://snomed.info/sct", "code": "38341003", "display": "Hypertensive disorder"},
                     {"system": "http://hl7.org/fhir/sid/icd-10", "code": "I10"}],
         "onset": "2015-03-04", "clinicalStatus": "active", "verificationStatus": "provisional"},
    ],
    "organizationOid": ORG_ID,
    "softwareName": "wide-test",
    "softwareVersion": "1.0.0",
    "ids": {"bundle": "bundle-wide", "messageHeader": "mh-wide", "patient": "patient-wide",
            "conditions": ["cond-a", "cond-b"]},
    "timestamp": "2024-03-01T12:00:00Z",
}


def test_wide_patient_builds_a_bundle_without_errors_or_warnings() -> None:
    text = pfhir.build_bundle(WIDE_PATIENT)
    with pfhir.Validator() as v:
        outcome = v.validate(text)
    severities = [i.severity for i in outcome.issues]
    assert pfhir.Severity.ERROR not in severities and pfhir.Severity.FATAL not in severities, outcome.to_json()
    assert pfhir.Severity.WARNING not in severities, outcome.to_json()

    bundle = json.loads(text)
    assert bundle["id"] == "bundle-wide"
    entries = [e["resource"] for e in bundle["entry"]]
    patient = resources(bundle)["Patient"]
    assert patient["id"] == "patient-wide"
    ids = patient["identifier"]
    assert [i["value"] for i in ids] == ["WIDE0000000001", "12345678Z", "MR-778899"]
    assert ids[0]["system"] == "urn:oid:2.16.724.4.41" and ids[0]["assigner"] == {"display": "SERMAS"}
    assert ids[1]["type"]["coding"][0] == {"system": "http://hl7.org/fhir/v2/0203", "code": "NNESP"}
    assert ids[2]["use"] == "usual"
    name = patient["name"][0]
    assert name["family"] == "Pérez Fuster"
    assert name["_family"]["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family", "valueString": "Pérez"},
        {"url": "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family", "valueString": "Fuster"},
    ]
    assert patient["deceasedDateTime"] == "2024-02-03T10:20:00+01:00" and "deceasedBoolean" not in patient
    assert patient["maritalStatus"]["coding"][0]["code"] == "M"
    languages = [(c["language"]["coding"][0]["code"], c.get("preferred")) for c in patient["communication"]]
    assert languages == [("es", True), ("ca", False), ("en-GB", None)]
    assert [(t["system"], t["value"]) for t in patient["telecom"]] == [
        ("email", "manolo@example.org"), ("email", "m.perez@example.com")]
    assert patient["address"][0]["line"] == ["Calle Mayor 1", "Piso 3 B"]
    assert patient["address"][1]["district"] == "Les Corts" and patient["address"][1]["type"] == "physical"
    assert patient["managingOrganization"]["identifier"]["value"] == "urn:oid:2.16.724.4.2"

    conditions = [r for r in entries if r["resourceType"] == "Condition"]
    assert [c["id"] for c in conditions] == ["cond-a", "cond-b"]
    assert [c["verificationStatus"] for c in conditions] == ["confirmed", "provisional"]
    assert [c["code"]["coding"][1]["code"] for c in conditions] == ["E11", "I10"]
    assert all(c["subject"] == {"reference": "Patient/patient-wide"} for c in conditions)

    # The same input as text gives the same bytes (ids and timestamp are fixed).
    assert pfhir.build_bundle(json.dumps(WIDE_PATIENT)) == text


def _with(path: tuple, value: object) -> dict:
    """WIDE_PATIENT with the member at ``path`` (names and indices) set to ``value``."""
    data = json.loads(json.dumps(WIDE_PATIENT))
    target = data
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value, field",
    [
        (("identifiers", 1, "type"), "Z9  QQSECRET", "identifiers[1].type"),
        (("identifiers", 2, "tipe"), "QQSECRET", "identifiers[2].tipe"),
        (("deceased",), "QQ-2024-02-03", "deceased"),
        (("maritalStatus",), "QQMARITAL", "maritalStatus"),
        (("communication", 0, "language"), "QQ LANG", "communication[0].language"),
        (("emails", 1, "value"), "QQ not an e-mail", "emails[1].value"),
        (("addresses", 1, "use"), "QQUSE", "addresses[1].use"),
        (("managingOrganization", "reference"), "QQREF", "managingOrganization.reference"),
        (("conditions", 0, "verificationStatus"), "QQSTATUS", "conditions[0].verificationStatus"),
        (("conditions", 0, "codings", 1, "system"), "QQ not a uri", "conditions[0].codings[1].system"),
    ],
)
def test_wrong_wide_member_is_named_without_its_value(path: tuple, value: str, field: str) -> None:
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(_with(path, value))
    err = info.value
    assert err.code is pfhir.ErrorCode.INPUT
    assert [f.field for f in err.fields] == [field]
    assert all(f.message for f in err.fields)
    assert "QQ" not in str(err) and all("QQ" not in f.message for f in err.fields)


# ---- deployment options: authorities, source_endpoint, bundle_id (a native builder) ----

EXTRA_AUTHORITY = "urn:oid:1.3.6.1.4.1.99999.7.1"


def test_an_accepted_extra_authority_makes_a_refused_input_build() -> None:
    data = patient_input(authority=EXTRA_AUTHORITY)
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(data)
    assert [f.field for f in info.value.fields] == ["authority"]
    assert data["patientId"] not in str(info.value)
    for authorities in ([EXTRA_AUTHORITY], (EXTRA_AUTHORITY,), ["urn:oid:1.2.3", EXTRA_AUTHORITY]):
        bundle = json.loads(pfhir.build_bundle(data, authorities=authorities))
        identifier = resources(bundle)["Patient"]["identifier"][0]
        assert identifier == {"system": EXTRA_AUTHORITY, "value": data["patientId"]}
    # the validator accepts it too when told the same authority
    text = pfhir.build_bundle(data, authorities=[EXTRA_AUTHORITY])
    with pfhir.Validator(pfhir.ValidatorOptions(authorities=[EXTRA_AUTHORITY])) as v:
        assert not v.validate(text).has_errors


def test_source_endpoint_is_exactly_the_given_one() -> None:
    data = patient_input()
    default = resources(json.loads(pfhir.build_bundle(data)))["MessageHeader"]["source"]
    assert default["endpoint"] == f"urn:oid:{ORG_ID}"
    for endpoint in ("urn:oid:2.16.724.4.2.7", "https://emr.example.org/fhir/Endpoint/1"):
        header = resources(json.loads(pfhir.build_bundle(data, source_endpoint=endpoint)))
        assert header["MessageHeader"]["source"]["endpoint"] == endpoint


def test_bundle_id_off_leaves_bundle_id_out() -> None:
    data = patient_input(ids={"bundle": "b-kept", "patient": "p-1"})
    with_id = json.loads(pfhir.build_bundle(data))
    assert with_id["id"] == "b-kept"
    without = json.loads(pfhir.build_bundle(data, bundle_id=False))
    assert "id" not in without, without.keys()
    assert resources(without)["Patient"]["id"] == "p-1"  # only the Bundle's id goes
    assert "id" in json.loads(pfhir.build_bundle(patient_input(), bundle_id=True))
    with pfhir.Validator() as v:
        assert not v.validate(json.dumps(without)).has_errors


def test_a_bad_source_endpoint_is_an_input_error_naming_source_endpoint() -> None:
    for endpoint in ("not a uri", ""):
        with pytest.raises(pfhir.InputError) as info:
            pfhir.build_bundle(patient_input(), source_endpoint=endpoint)
        assert [f.field for f in info.value.fields] == ["sourceEndpoint"]
        assert info.value.code is pfhir.ErrorCode.INPUT
        if endpoint:
            assert endpoint not in str(info.value)


def test_option_mistakes_are_argument_and_type_errors() -> None:
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.build_bundle(patient_input(), authorities=["not a uri"])
    with pytest.raises(TypeError):
        pfhir.build_bundle(patient_input(), authorities=EXTRA_AUTHORITY)  # a str, not a list
    with pytest.raises(TypeError):
        pfhir.build_bundle(patient_input(), source_endpoint=7)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.build_bundle(patient_input(), bundle_id=0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        pfhir.build_bundle(patient_input(), EXTRA_AUTHORITY)  # type: ignore[misc]  # keywords only


def test_options_path_reports_json_and_input_errors() -> None:
    with pytest.raises(pfhir.JsonError):
        pfhir.build_bundle("[1, 2]", bundle_id=False)
    # a member of the wrong type is reported (through the builder, before the values)...
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(patient_input(gender=3, birthDate="1980-13-45"), bundle_id=False)
    assert "gender" in [f.field for f in info.value.fields]
    # ... and the values once every member is readable
    with pytest.raises(pfhir.InputError) as info:
        pfhir.build_bundle(patient_input(birthDate="1980-13-45"), bundle_id=False)
    assert [f.field for f in info.value.fields] == ["birthDate"]
    assert "1980-13-45" not in str(info.value)


def test_options_path_frees_the_builder_and_every_error(ledger: Ledger) -> None:
    pfhir.build_bundle(patient_input(), source_endpoint="urn:oid:2.16.724.4.2.7", bundle_id=False)
    with pytest.raises(pfhir.InputError):
        pfhir.build_bundle(patient_input(gender=3), bundle_id=False)
    with pytest.raises(pfhir.InputError):
        pfhir.build_bundle(patient_input(), source_endpoint="not a uri")
    with pytest.raises(pfhir.InvalidArgumentError):
        pfhir.build_bundle(patient_input(), authorities=["not a uri"])
    assert ledger.handed_out >= 8
    assert ledger.live() == {}, f"not freed: {sorted(ledger.live().values())}"
