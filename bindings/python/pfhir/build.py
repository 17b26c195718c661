"""Building the partner message Bundle from a PatientInput."""

from __future__ import annotations

import json
from collections import abc
from typing import Any, Iterable, Mapping, Optional, Union

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


def build_bundle(
    patient_input: PatientInputLike,
    *,
    authorities: Iterable[str] = (),
    source_endpoint: Optional[str] = None,
    bundle_id: bool = True,
) -> str:
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

    Deployment options (keywords):

    * ``authorities``: identifier systems (URIs) accepted as the Patient's assigning
      authority besides Meteda and CIP (``pfhir_builder_add_accepted_authority``); a system
      that is not a URI raises :class:`pfhir.InvalidArgumentError`.
    * ``source_endpoint``: the exact ``MessageHeader.source.endpoint`` (a URI, checked as field
      ``sourceEndpoint``); by default ``urn:oid:`` and the organization OID.
    * ``bundle_id``: ``False`` leaves ``Bundle.id`` out (the guide's request example has
      none); by default it is ``ids.bundle`` or a fresh UUID.

    With any option set the input goes through a native builder
    (``pfhir_builder_set_input_json``), which reads the whole PatientInput first: a member
    of the wrong JSON type is then reported on its own, and the values are checked once every
    member is readable. Without options every wrong field is reported at once.

    Raises :class:`pfhir.InputError` (``.fields`` names every wrong field, e.g.
    ``identifiers[1].type``, never its value) or :class:`pfhir.JsonError` (not JSON), and
    ``TypeError`` for another argument type.
    """
    data = input_json(patient_input, "patient_input")
    if isinstance(authorities, (str, bytes)):
        raise TypeError("authorities must be an iterable of str (a list), not a single text")
    systems = [_ffi.encode_text(a, "authorities[]") for a in authorities]
    if source_endpoint is not None and not isinstance(source_endpoint, str):
        raise TypeError(f"source_endpoint must be str or None, not {type(source_endpoint).__name__}")
    if not isinstance(bundle_id, bool):
        raise TypeError(f"bundle_id must be a bool, not {type(bundle_id).__name__}")
    lib = _ffi.lib()
    if not systems and source_endpoint is None and bundle_id:
        return _ffi.call_bytes(lib.pfhir_build_bundle, data, len(data)).decode("utf-8")
    b = _ffi.call_out(lib.pfhir_builder_new)
    try:
        _ffi.check(lib.pfhir_builder_set_input_json(b, data, len(data)))
        for system in systems:
            _ffi.check(lib.pfhir_builder_add_accepted_authority(b, system, len(system)))
        if source_endpoint is not None:
            endpoint = _ffi.encode_text(source_endpoint, "source_endpoint")
            _ffi.check(lib.pfhir_builder_set_source_endpoint(b, endpoint, len(endpoint)))
        if not bundle_id:
            _ffi.check(lib.pfhir_builder_set_omit_bundle_id(b, True))
        return _ffi.call_bytes(lib.pfhir_builder_build, b).decode("utf-8")
    finally:
        lib.pfhir_builder_free(b)
