"""Building the partner message Bundle from a PatientInput."""

from __future__ import annotations

import json
from collections import abc
from typing import Any, Mapping, Union

from . import _ffi

__all__ = ["build_bundle", "PatientInputLike"]

#: A PatientInput: its JSON form as a mapping (camelCase members, docs/patient-input.md),
#: or that JSON as ``str`` or ``bytes``.
PatientInputLike = Union[Mapping[str, Any], str, bytes, bytearray]


def input_json(value: object, what: str = "input") -> bytes:
    """A JSON argument as UTF-8 bytes: a mapping is serialized, text is passed as is."""
    if isinstance(value, abc.Mapping):
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be a dict, str or bytes, not {type(value).__name__}")


def build_bundle(patient_input: PatientInputLike) -> str:
    """Builds the partner message Bundle (MessageHeader + Patient + Condition) of a patient
    and returns its JSON.

    ``patient_input`` is the JSON form of a PatientInput (docs/patient-input.md has every
    member and its FHIR target), e.g.
    ``{"authority": "cip", "patientId": "P123", "familyName": "Test", "gender": "female",
    "birthDate": "1980-01-02", "diabetes": "type1", "organizationOid": "2.16.724.4.2"}``;
    for an update (API v2) add ``"ids": {"patient": "<logical id from the create>"}``.
    Beside those it takes what an EMR sends: ``identifiers`` (``system``, ``value``, ``use``,
    ``type``, ``assigner``), ``fathersFamily`` / ``mothersFamily``, ``deceased``,
    ``maritalStatus``, ``language`` / ``communication``, ``emails``, ``addresses`` (or
    ``address``), ``managingOrganization``, ``verificationStatus``, ``conditions`` (each with
    ``codings``) and ``ids.conditions``.

    Raises :class:`pfhir.InputError` (``.fields`` names every wrong field, e.g.
    ``identifiers[1].type``, never its value) or :class:`pfhir.JsonError` (not JSON), and
    ``TypeError`` for another argument type.
    """
    data = input_json(patient_input, "patient_input")
    lib = _ffi.lib()
    return _ffi.call_bytes(lib.pfhir_build_bundle, data, len(data)).decode("utf-8")
