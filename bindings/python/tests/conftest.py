"""Shared fixtures: the repository, the loaded library, PatientInputs, and a sandbox over mTLS.

Nothing is skipped: a missing library, CLI or tool fails the tests with a message.
"""

from __future__ import annotations

import ctypes
import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

BINDING = Path(__file__).resolve().parents[1]
REPO = BINDING.parents[1]
if str(BINDING) not in sys.path:
    sys.path.insert(0, str(BINDING))

import pfhir  # noqa: E402
from pfhir import _ffi  # noqa: E402

ORG_ID = "2.16.724.4.2"
CLIENT_ID = "1234567890"
CLIENT_SECRET = "sandbox-secret"


def target_dir() -> Path:
    return Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")


@pytest.fixture(scope="session", autouse=True)
def library() -> str:
    """Loads libpfhir once; fails (never skips) when it cannot be loaded."""
    if not os.environ.get("PFHIR_LIBRARY"):
        default = target_dir() / "debug" / "libpfhir.so"
        if default.is_file():
            os.environ["PFHIR_LIBRARY"] = str(default)
    try:
        return pfhir.library_version()
    except pfhir.LibraryError as e:
        pytest.fail(f"cannot load libpfhir ({e}); run bindings/python/test.sh", pytrace=False)
        raise


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def patient_input(**overrides: Any) -> Dict[str, Any]:
    """A valid PatientInput with a unique identifier and e-mail."""
    tag = uuid.uuid4().hex[:12]
    data: Dict[str, Any] = {
        "authority": "cip",
        "patientId": f"PY{tag}",
        "familyName": "Test",
        "givenNames": ["Ana"],
        "gender": "female",
        "birthDate": "1980-01-02",
        "email": f"py-{tag}@example.org",
        "diabetes": "type1",
        "organizationOid": ORG_ID,
    }
    data.update(overrides)
    return data


@dataclass
class Sandbox:
    """A running `pfhir sandbox`: its base URL and certificate folder."""

    base_url: str
    certs: Path
    process: "subprocess.Popen[bytes]"

    def pem(self, name: str) -> bytes:
        return (self.certs / name).read_bytes()

    def config(self, **overrides: Any) -> pfhir.ClientConfig:
        kwargs: Dict[str, Any] = dict(
            base_url=self.base_url,
            org_id=ORG_ID,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            cert_pem=self.pem("client.pem"),
            key_pem=self.pem("client-key.pem"),
            ca_pem=self.pem("ca.pem"),
            connect_timeout=5.0,
            request_timeout=10.0,
        )
        kwargs.update(overrides)
        return pfhir.ClientConfig(**kwargs)

    def _admin(self, method: str, path: str, body: Any = None) -> Dict[str, Any]:
        """A request to the sandbox's /_sandbox/ endpoints, over the same mutual TLS."""
        m = re.match(r"https://([^/:]+):(\d+)/", self.base_url)
        assert m, self.base_url
        ctx = ssl.create_default_context(cafile=str(self.certs / "ca.pem"))
        ctx.load_cert_chain(str(self.certs / "client.pem"), str(self.certs / "client-key.pem"))
        conn = http.client.HTTPSConnection(m.group(1), int(m.group(2)), context=ctx, timeout=10)
        try:
            payload = None if body is None else json.dumps(body).encode()
            headers = {"Content-Type": "application/json"} if payload is not None else {}
            conn.request(method, path, body=payload, headers=headers)
            resp = conn.getresponse()
            text = resp.read().decode()
            assert resp.status == 200, f"{method} {path}: {resp.status} {text}"
            result: Dict[str, Any] = json.loads(text)
            return result
        finally:
            conn.close()

    def push_faults(self, *rules: Dict[str, Any]) -> None:
        self._admin("POST", "/_sandbox/faults", list(rules))

    def clear_faults(self) -> None:
        self._admin("DELETE", "/_sandbox/faults")

    def stats(self) -> Dict[str, Any]:
        return self._admin("GET", "/_sandbox/stats")

    def settings(self) -> Dict[str, Any]:
        return self._admin("GET", "/_sandbox/settings")

    def set_dedup(self, on: bool) -> None:
        """Turns the sandbox's de-duplication by x-origin-request-id on or off."""
        got = self._admin("POST", "/_sandbox/settings", {"dedup": on})
        assert got["dedup"] is on, got


def _pfhir_bin() -> Path:
    env = os.environ.get("PFHIR_BIN")
    path = Path(env) if env else target_dir() / "debug" / "pfhir"
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"the pfhir CLI is missing at {path}: set PFHIR_BIN or run "
            "`cargo build -p pfhir-cli` (bindings/python/test.sh does both)",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """`pfhir sandbox` on a free port with fresh certificates in a temporary folder; stopped
    (the process this fixture started, by its handle) at the end of the session."""
    binary = _pfhir_bin()
    tmp = Path(tempfile.mkdtemp(prefix="pfhir-py-sandbox-"))
    certs = tmp / "certs"
    out_path, err_path = tmp / "stdout.txt", tmp / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [str(binary), "sandbox", "--certs", str(certs), "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
    try:
        url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for line in out_path.read_text(errors="replace").splitlines():
                if "https://" in line:
                    m = re.search(r"https://\S+", line)
                    if m:
                        url = m.group(0)
                        break
            if url or proc.poll() is not None:
                break
            time.sleep(0.05)
        if url is None:
            status = proc.poll()
            pytest.fail(
                f"pfhir sandbox did not print its URL (exit status {status}):\n"
                f"stdout: {out_path.read_text(errors='replace')}\n"
                f"stderr: {err_path.read_text(errors='replace')}",
                pytrace=False,
            )
        for name in ("ca.pem", "client.pem", "client-key.pem"):
            assert (certs / name).is_file(), f"the sandbox did not write {name}"
        yield Sandbox(base_url=url, certs=certs, process=proc)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def client(sandbox: Sandbox) -> Iterator[pfhir.Client]:
    with pfhir.Client(sandbox.config()) as c:
        yield c


class Ledger:
    """Counts what libpfhir hands out and what the binding frees, by wrapping every function
    of the loaded library: errors returned, handles written to out-parameters, owned buffers.
    ``live()`` lists what is still unfreed."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._lock = threading.Lock()
        self.handed_out = 0
        self._live: Dict[int, str] = {}
        self._cache: Dict[str, Any] = {}

    def _add(self, ptr: Optional[int], what: str) -> None:
        if ptr:
            with self._lock:
                assert ptr not in self._live, f"{what} {ptr:#x} handed out twice"
                self._live[ptr] = what
                self.handed_out += 1

    def _remove(self, ptr: Optional[int], what: str) -> None:
        if ptr:
            with self._lock:
                got = self._live.pop(ptr, None)
                assert got is not None, f"{what} {ptr:#x} freed but never handed out (double free?)"

    def live(self) -> Dict[int, str]:
        with self._lock:
            return dict(self._live)

    def __getattr__(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        real = getattr(self._real, name)
        restype, argtypes = _ffi._SIGNATURES.get(name, (None, []))
        out_kind = None
        if argtypes and argtypes[-1] is _ffi._OUT:
            out_kind = "handle"
        elif argtypes and argtypes[-1] is ctypes.POINTER(_ffi.PfhirBytes):
            out_kind = "bytes"
        fallible = restype is _ffi._ERR

        def wrapper(*args: Any) -> Any:
            if name == "pfhir_bytes_free":
                self._remove(args[0].data, "buffer")
            elif name.endswith("_free"):
                self._remove(args[0], name[len("pfhir_"):-len("_free")])
            result = real(*args)
            if fallible:
                self._add(result, "error")
                if not result and out_kind is not None:
                    out = args[-1]._obj  # the object behind byref()
                    self._add(out.data if out_kind == "bytes" else out.value,
                              f"{out_kind} from {name}")
            return result

        wrapper.__name__ = name
        self._cache[name] = wrapper
        return wrapper


@pytest.fixture()
def ledger(monkeypatch: pytest.MonkeyPatch) -> Iterator[Ledger]:
    """Routes the binding's library calls through a :class:`Ledger` for one test."""
    real = _ffi.lib()
    book = Ledger(real)
    monkeypatch.setattr(_ffi, "_lib", book)
    yield book
