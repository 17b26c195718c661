"""Every constant of include/pfhir.h is mirrored by the binding, so a new code, severity or
profile cannot be forgotten: the header is parsed here, not copied."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict

import pfhir
from pfhir import _ffi
from pfhir.errors import ERROR_CLASSES, ErrorCode, PfhirError, error_class, error_for


def header(repo: Path) -> str:
    return (repo / "include" / "pfhir.h").read_text()


def enumerators(text: str, prefix: str) -> Dict[str, int]:
    found = {
        m.group(1): int(m.group(2))
        for m in re.finditer(rf"\b{prefix}([A-Z0-9_]+)\s*=\s*(\d+)\s*,", text)
    }
    found.update(
        {
            m.group(1): int(m.group(2))
            for m in re.finditer(rf"#define\s+{prefix}([A-Z0-9_]+)\s+(\d+)\b", text)
        }
    )
    return found


def test_every_header_code_is_in_the_int_enum_with_its_number(repo: Path) -> None:
    codes = enumerators(header(repo), "PFHIR_CODE_")
    assert len(codes) >= 27, f"parsed only {len(codes)} codes from include/pfhir.h"
    for name, number in codes.items():
        assert name in ErrorCode.__members__, f"PFHIR_CODE_{name} = {number} is not in ErrorCode"
        assert ErrorCode[name] == number, f"ErrorCode.{name} is {int(ErrorCode[name])}, header {number}"
    extra = set(ErrorCode.__members__) - set(codes)
    assert not extra, f"ErrorCode has codes the header lacks: {sorted(extra)}"


def test_every_error_code_maps_to_its_own_exception_class(repo: Path) -> None:
    codes = enumerators(header(repo), "PFHIR_CODE_")
    seen = {}
    for name in codes:
        code = ErrorCode[name]
        if code == ErrorCode.OK:
            assert code not in ERROR_CLASSES, "OK is not an error"
            continue
        assert code in ERROR_CLASSES, f"PFHIR_CODE_{name} has no exception class"
        cls = ERROR_CLASSES[code]
        assert issubclass(cls, PfhirError) and cls is not PfhirError, name
        assert error_class(int(code)) is cls
        assert cls not in seen, f"{cls.__name__} serves both {seen.get(cls)} and {name}"
        seen[cls] = name
        err = error_for(code, "m")
        assert isinstance(err, cls) and err.code is code and err.code_name == name.lower()


def test_code_names_agree_with_the_library(repo: Path) -> None:
    lib = _ffi.lib()
    for name, number in enumerators(header(repo), "PFHIR_CODE_").items():
        assert _ffi.text(lib.pfhir_code_name(number)) == name.lower()
        assert ErrorCode(number).snake_name == name.lower()
    assert _ffi.text(lib.pfhir_code_name(9999)) is None


def test_unknown_code_is_still_an_error() -> None:
    err = error_for(9999, "from a newer library")
    assert type(err) is PfhirError and err.code == 9999 and err.code_name == "code_9999"


def test_severities_and_profiles_match_the_header(repo: Path) -> None:
    text = header(repo)
    severities = enumerators(text, "PFHIR_SEVERITY_")
    assert severities == {"FATAL": 1, "ERROR": 2, "WARNING": 3, "INFORMATION": 4}
    from pfhir.validation import _SEVERITIES

    assert {n: s.name for n, s in _SEVERITIES.items()} == {v: k for k, v in severities.items()}
    profiles = enumerators(text, "PFHIR_PROFILE_")
    assert profiles == {p.name: int(p) for p in pfhir.Profile}


def test_uncertain_create_modes_and_states_match_the_header(repo: Path) -> None:
    text = header(repo)
    modes = enumerators(text, "PFHIR_UNCERTAIN_")
    assert modes == {"ASK_A_PERSON": 0, "RESEND_DEDUPLICATING": 1, "RESEND_DUPLICATE_STATUS": 2}
    assert modes == {m.name: int(m) for m in pfhir.UncertainCreateMode}
    states = enumerators(text, "PFHIR_CREATE_")
    assert states == {"CREATED": 1, "CREATED_ID_UNKNOWN": 2, "NOT_CREATED": 3}
    assert states == {s.name: int(s) for s in pfhir.CreateState}


def test_header_and_library_versions_match(repo: Path) -> None:
    text = header(repo)
    m = re.search(r'#define PFHIR_VERSION_STRING "([^"]+)"', text)
    assert m
    assert pfhir.library_version() == m.group(1)
    major, minor = (int(x) for x in m.group(1).split(".")[:2])
    assert (major, minor) == _ffi.ABI_VERSION




def test_validator_max_bytes_is_the_limit_in_force() -> None:
    with pfhir.Validator() as v:
        assert v.max_bytes == 1024 * 1024
    with pfhir.Validator(max_bytes=4096) as v:
        assert v.max_bytes == 4096
