"""Issue #12 items 5 and 6 in Python, against the sandbox over mutual TLS: a PKCS#12 identity
(OpenSSL 3's AES default and the legacy 3DES/RC2 form) and an encrypted PKCS#8 key, each
creating a patient; a wrong password raises WrongPasswordError (never showing it); the trust
store: without ca_pem the sandbox's CA is unknown to the system store (the default) and to the
Mozilla roots. The files are made from the sandbox's client certificate with `openssl`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Dict

import pytest

import pfhir
from conftest import Sandbox, patient_input

PASSWORD = "py-test-pw-31415"
WRONG = "py-wrong-pw-27182"


@pytest.fixture(scope="module")
def made(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, bytes]:
    """id.p12 (AES), id-legacy.p12 (-legacy) and id-key.pem (encrypted PKCS#8)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is needed to make the PKCS#12 files", pytrace=False)
    out = tmp_path_factory.mktemp("identity")
    certs = sandbox.certs
    pem = [f"-in", str(certs / "client.pem"), "-inkey", str(certs / "client-key.pem")]
    runs = {
        "id.p12": ["pkcs12", "-export", *pem, "-certfile", str(certs / "ca.pem")],
        "id-legacy.p12": ["pkcs12", "-export", "-legacy", *pem],
        "id-key.pem": ["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", str(certs / "client-key.pem")],
    }
    files = {}
    for name, args in runs.items():
        subprocess.run(
            [openssl, *args, "-passout", f"pass:{PASSWORD}", "-out", str(out / name)],
            check=True,
            capture_output=True,
        )
        files[name] = (out / name).read_bytes()
    return files


def create(config: pfhir.ClientConfig) -> pfhir.CreateResult:
    with pfhir.Client(config) as client:
        result = client.create(pfhir.build_bundle(patient_input()))
    assert 200 <= result.status < 300 and result.patient_id
    return result


def no_identity(sandbox: Sandbox, **kw: object) -> pfhir.ClientConfig:
    return sandbox.config(cert_pem=None, key_pem=None, **kw)


@pytest.mark.parametrize("name", ["id.p12", "id-legacy.p12"])
def test_pkcs12_creates(sandbox: Sandbox, made: Dict[str, bytes], name: str) -> None:
    create(no_identity(sandbox, pkcs12=made[name], pkcs12_password=PASSWORD))


def test_from_pkcs12_reads_the_file(sandbox: Sandbox, made: Dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "id.pfx"
    path.write_bytes(made["id.p12"])
    config = pfhir.ClientConfig.from_pkcs12(
        base_url=sandbox.base_url,
        org_id="2.16.724.4.2",
        client_id="1234567890",
        client_secret="sandbox-secret",
        pkcs12_file=path,
        password=PASSWORD,
        ca_file=sandbox.certs / "ca.pem",
    )
    assert PASSWORD not in repr(config)
    create(config)


def test_encrypted_key_creates(sandbox: Sandbox, made: Dict[str, bytes]) -> None:
    create(sandbox.config(key_pem=made["id-key.pem"], key_password=PASSWORD))


@pytest.mark.parametrize(
    "kind", ["id.p12", "id-legacy.p12", "id-key.pem"]
)
def test_a_wrong_password_raises_wrong_password_error(
    sandbox: Sandbox, made: Dict[str, bytes], kind: str
) -> None:
    if kind == "id-key.pem":
        config = sandbox.config(key_pem=made[kind], key_password=WRONG)
        says = "key_password"
    else:
        config = no_identity(sandbox, pkcs12=made[kind], pkcs12_password=WRONG)
        says = "pkcs12 password"
    with pytest.raises(pfhir.WrongPasswordError) as info:
        pfhir.Client(config)
    err = info.value
    assert isinstance(err, pfhir.ConfigError), "a WrongPasswordError is a ConfigError too"
    assert err.code is pfhir.ErrorCode.WRONG_PASSWORD and err.code_name == "wrong_password"
    assert says in str(err) and WRONG not in str(err) and WRONG not in repr(err)
    assert WRONG not in repr(config)


def test_identity_mistakes(sandbox: Sandbox, made: Dict[str, bytes]) -> None:
    # an encrypted key without its password: a configuration error naming key_password
    with pytest.raises(pfhir.ConfigError) as info:
        pfhir.Client(sandbox.config(key_pem=made["id-key.pem"]))
    assert not isinstance(info.value, pfhir.WrongPasswordError)
    assert "key_password" in str(info.value)
    with pytest.raises(ValueError, match="not both"):
        pfhir.Client(sandbox.config(pkcs12=made["id.p12"], pkcs12_password=PASSWORD))
    with pytest.raises(ValueError, match="pkcs12_password is required"):
        pfhir.Client(no_identity(sandbox, pkcs12=made["id.p12"]))
    with pytest.raises(ValueError, match="required"):
        pfhir.Client(no_identity(sandbox))
    with pytest.raises(TypeError, match="pkcs12 must be bytes"):
        pfhir.Client(no_identity(sandbox, pkcs12="text", pkcs12_password=PASSWORD))
    with pytest.raises(pfhir.ConfigError, match="pkcs12"):
        pfhir.Client(no_identity(sandbox, pkcs12=b"\x30\x03junk", pkcs12_password=PASSWORD))


@pytest.mark.parametrize("store", [None, pfhir.TrustStore.SYSTEM, pfhir.TrustStore.MOZILLA])
def test_without_ca_pem_the_sandbox_ca_is_unknown(sandbox: Sandbox, store: object) -> None:
    with pfhir.Client(sandbox.config(ca_pem=None, trust_store=store)) as client:
        with pytest.raises(pfhir.TlsError) as info:
            client.read("no-such-patient")
    assert "not signed by a trusted CA" in str(info.value)


def test_ca_pem_wins_over_the_trust_store(sandbox: Sandbox) -> None:
    create(sandbox.config(trust_store=pfhir.TrustStore.MOZILLA))
    with pytest.raises(TypeError, match="TrustStore"):
        pfhir.Client(sandbox.config(trust_store=1))


def test_trust_store_mirrors_the_header(repo: Path) -> None:
    text = (repo / "include" / "pfhir.h").read_text()
    found = {m.group(1): int(m.group(2)) for m in re.finditer(r"#define\s+PFHIR_TRUST_([A-Z]+)\s+(\d+)", text)}
    assert found == {s.name: int(s) for s in pfhir.TrustStore}
