"""build_bundle: a PatientInput (dict, str or bytes) becomes a valid partner message Bundle;
bad input raises InputError naming every wrong field."""

from __future__ import annotations

import json

import pytest

import pfhir
from conftest import ORG_ID, patient_input

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
