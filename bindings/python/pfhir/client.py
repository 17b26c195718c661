"""The client of the Partners FHIR API: :class:`Client`, :class:`ClientConfig`, results."""

from __future__ import annotations

import enum
import json
from ctypes import byref, c_uint32
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Optional, Union

from . import _abi, _ffi
from .build import input_json
from .errors import ErrorCode, error_for
from .validation import ValidatorOptions

__all__ = [
    "Client",
    "ClientConfig",
    "TrustStore",
    "RetryPolicy",
    "UncertainCreateMode",
    "UncertainCreatePolicy",
    "CreateState",
    "UncertainCreate",
    "CreateResult",
    "UpdateResult",
    "ReadResult",
    "BundleLike",
]

#: A message Bundle: its JSON as ``str`` or ``bytes``, or a mapping (serialized to JSON).
BundleLike = Union[str, bytes, bytearray, Dict[str, Any]]

_U32_MAX = 0xFFFF_FFFF


def _ms(seconds: Optional[float], what: str, allow_zero: bool = False) -> int:
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(seconds).__name__}")
    ms = int(round(seconds * 1000))
    if ms < 0 or (ms == 0 and not allow_zero) or ms > _U32_MAX:
        raise ValueError(f"{what} must be between 0.001 s and {_U32_MAX // 1000} s")
    return ms


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of transient failures. Times are in seconds.

    Attributes:
        max_attempts: attempts in all, the first included (1 = no retry).
        initial_backoff: delay before the first retry; doubles each time (with jitter).
        max_backoff: longest delay between two attempts (also caps ``Retry-After``).
        total_timeout: no retry starts once this much time has passed since the first attempt.
    """

    max_attempts: int = 3
    initial_backoff: float = 0.2
    max_backoff: float = 10.0
    total_timeout: float = 60.0

    @classmethod
    def none(cls) -> "RetryPolicy":
        """A policy that never retries."""
        return cls(max_attempts=1)


UncertainCreateMode = _abi.UncertainPolicy
"""How :meth:`Client.resolve_uncertain_create` settles a v2 create (``PFHIR_UNCERTAIN_*``,
generated from include/pfhir.h)."""



@dataclass(frozen=True)
class UncertainCreatePolicy:
    """The ``uncertain_create`` setting of a :class:`ClientConfig`: what
    :meth:`Client.resolve_uncertain_create` does on API v2 (v1 always reads
    ``Patient/{business id}``). Make one with :meth:`ask_a_person` (the default),
    :meth:`resend_deduplicating` or :meth:`resend_duplicate_status`.

    Attributes:
        mode: the :class:`UncertainCreateMode`.
        duplicate_status: for ``RESEND_DUPLICATE_STATUS`` only, the HTTP status (400 to 499)
            the server gives a duplicate identifier.
    """

    mode: UncertainCreateMode = UncertainCreateMode.ASK_A_PERSON
    duplicate_status: Optional[int] = None

    def __post_init__(self) -> None:
        if not isinstance(self.mode, UncertainCreateMode):
            raise TypeError(f"mode must be an UncertainCreateMode, not {type(self.mode).__name__}")
        status = self.duplicate_status
        if self.mode is UncertainCreateMode.RESEND_DUPLICATE_STATUS:
            if isinstance(status, bool) or not isinstance(status, int):
                raise TypeError("RESEND_DUPLICATE_STATUS needs duplicate_status, an int HTTP status")
            if not 400 <= status <= 499:
                raise ValueError("duplicate_status must be a client error status (400 to 499)")
        elif status is not None:
            raise ValueError(f"duplicate_status is only for RESEND_DUPLICATE_STATUS, not {self.mode.name}")

    @classmethod
    def ask_a_person(cls) -> "UncertainCreatePolicy":
        """Send nothing; the answer is ``CREATED_ID_UNKNOWN`` (the default)."""
        return cls()

    @classmethod
    def resend_deduplicating(cls) -> "UncertainCreatePolicy":
        """Re-send with the same request id: only for a server that de-duplicates by
        ``x-origin-request-id`` (the sandbox does, by default)."""
        return cls(UncertainCreateMode.RESEND_DEDUPLICATING)

    @classmethod
    def resend_duplicate_status(cls, status: int) -> "UncertainCreatePolicy":
        """Re-send; ``status`` (400 to 499), the server's answer to a duplicate identifier,
        means "created, logical id unknown"."""
        return cls(UncertainCreateMode.RESEND_DUPLICATE_STATUS, status)


TrustStore = _abi.TrustStore
"""Where the server's certificate is checked when no ``ca_pem`` is given (``PFHIR_TRUST_*``,
generated): ``SYSTEM`` (the default: the Windows and macOS verifiers; on Linux the system
certificates, or the files ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` name) or ``MOZILLA`` (the roots
compiled into pfhir)."""



@dataclass(frozen=True)
class ClientConfig:
    """What a :class:`Client` needs. Secrets and PEMs are left out of ``repr()``.

    Attributes:
        base_url: up to ``/partners/fhir/stu3/api/`` (https only).
        org_id: the organization OID (``org_id`` header).
        client_id, client_secret: the API credentials.
        cert_pem: the client certificate chain (PEM text, leaf first); ``None`` with
            ``pkcs12``.
        key_pem: the client private key (PEM: PKCS#8, PKCS#1, SEC1, or encrypted PKCS#8 with
            ``key_password``); ``None`` with ``pkcs12``.
        key_password: the password of an encrypted ``key_pem`` (a wrong one raises
            :class:`pfhir.WrongPasswordError` when the client is made).
        pkcs12: the client identity as a PKCS#12 file's bytes (``.pfx`` / ``.p12``: AES as
            OpenSSL 3 and current Windows export it, or legacy 3DES/RC2), instead of
            ``cert_pem`` + ``key_pem``; see :meth:`from_pkcs12`.
        pkcs12_password: its password (``""`` for a file exported without one; a wrong one
            raises :class:`pfhir.WrongPasswordError` when the client is made).
        ca_pem: CA certificates to trust for the server (PEM): exactly these, and
            ``trust_store`` is not used; ``None``: the trust store.
        trust_store: where the server's certificate is checked without ``ca_pem``
            (``None``: :attr:`TrustStore.SYSTEM`, the operating system's store).
        api_version: ``"v1"`` or ``"v2"`` (``None``: the library's default, v2).
        connect_timeout: TCP + TLS timeout in seconds (``None``: 10 s).
        request_timeout: timeout of one attempt in seconds (``None``: 30 s).
        retry: the :class:`RetryPolicy` (``None``: 3 attempts).
        validator_options: the local validation run before each create and update
            (``None``: the partner defaults).
        content_type: the ``Content-Type`` of the Bundles sent: ``"application/json"`` or
            ``"application/fhir+json"`` (``None``: the library's default, application/json,
            the guide's).
        uncertain_create: how :meth:`Client.resolve_uncertain_create` settles a v2 create
            whose outcome is unknown (``None``: :meth:`UncertainCreatePolicy.ask_a_person`,
            nothing is sent).
    """

    base_url: str
    org_id: str
    client_id: str
    client_secret: str = field(repr=False)
    cert_pem: Optional[Union[str, bytes]] = field(default=None, repr=False)
    key_pem: Optional[Union[str, bytes]] = field(default=None, repr=False)
    ca_pem: Optional[Union[str, bytes]] = field(default=None, repr=False)
    key_password: Optional[str] = field(default=None, repr=False)
    pkcs12: Optional[bytes] = field(default=None, repr=False)
    pkcs12_password: Optional[str] = field(default=None, repr=False)
    trust_store: Optional[TrustStore] = None
    api_version: Optional[str] = None
    connect_timeout: Optional[float] = None
    request_timeout: Optional[float] = None
    retry: Optional[RetryPolicy] = None
    validator_options: Optional[ValidatorOptions] = None
    content_type: Optional[str] = None
    uncertain_create: Optional[UncertainCreatePolicy] = None

    @classmethod
    def from_files(
        cls,
        *,
        base_url: str,
        org_id: str,
        client_id: str,
        client_secret: str,
        cert_file: Union[str, Path],
        key_file: Union[str, Path],
        ca_file: Union[str, Path, None] = None,
        **kwargs: Any,
    ) -> "ClientConfig":
        """A configuration whose PEMs are read from files."""
        return cls(
            base_url=base_url,
            org_id=org_id,
            client_id=client_id,
            client_secret=client_secret,
            cert_pem=Path(cert_file).read_bytes(),
            key_pem=Path(key_file).read_bytes(),
            ca_pem=None if ca_file is None else Path(ca_file).read_bytes(),
            **kwargs,
        )

    @classmethod
    def from_pkcs12(
        cls,
        *,
        base_url: str,
        org_id: str,
        client_id: str,
        client_secret: str,
        pkcs12_file: Union[str, Path],
        password: str,
        ca_file: Union[str, Path, None] = None,
        **kwargs: Any,
    ) -> "ClientConfig":
        """A configuration whose client identity is a PKCS#12 file (``.pfx`` / ``.p12``)."""
        return cls(
            base_url=base_url,
            org_id=org_id,
            client_id=client_id,
            client_secret=client_secret,
            pkcs12=Path(pkcs12_file).read_bytes(),
            pkcs12_password=password,
            ca_pem=None if ca_file is None else Path(ca_file).read_bytes(),
            **kwargs,
        )

    def _new_handle(self) -> int:
        """Builds a ``pfhir_client_config`` (the caller frees it). Checks types first."""
        texts = [
            ("base_url", self.base_url, "pfhir_client_config_set_base_url"),
            ("org_id", self.org_id, "pfhir_client_config_set_org_id"),
            ("client_id", self.client_id, "pfhir_client_config_set_client_id"),
            ("client_secret", self.client_secret, "pfhir_client_config_set_client_secret"),
        ]
        p12 = None
        if self.pkcs12 is not None:
            if self.cert_pem is not None or self.key_pem is not None:
                raise ValueError("give pkcs12 or cert_pem + key_pem, not both")
            if not isinstance(self.pkcs12, (bytes, bytearray)):
                raise TypeError(f"pkcs12 must be bytes, not {type(self.pkcs12).__name__}")
            if self.pkcs12_password is None:
                raise ValueError('pkcs12_password is required with pkcs12 ("" for none)')
            p12 = (bytes(self.pkcs12), _ffi.encode_text(self.pkcs12_password, "pkcs12_password"))
        else:
            if self.cert_pem is None or self.key_pem is None:
                raise ValueError("cert_pem and key_pem (or pkcs12) are required")
            texts.append(("cert_pem", self.cert_pem, "pfhir_client_config_set_cert_pem"))
            texts.append(("key_pem", self.key_pem, "pfhir_client_config_set_key_pem"))
            if self.key_password is not None:
                texts.append(
                    ("key_password", self.key_password, "pfhir_client_config_set_key_password")
                )
        trust = self.trust_store
        if trust is not None and not isinstance(trust, TrustStore):
            raise TypeError(f"trust_store must be a TrustStore, not {type(trust).__name__}")
        if self.ca_pem is not None:
            texts.append(("ca_pem", self.ca_pem, "pfhir_client_config_set_ca_pem"))
        if self.api_version is not None:
            texts.append(("api_version", self.api_version, "pfhir_client_config_set_api_version"))
        if self.content_type is not None:
            texts.append(
                ("content_type", self.content_type, "pfhir_client_config_set_content_type")
            )
        encoded = [(_ffi.encode_text(v, name), fn) for name, v, fn in texts]
        connect_ms = _ms(self.connect_timeout, "connect_timeout")
        request_ms = _ms(self.request_timeout, "request_timeout")
        retry = self.retry
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a RetryPolicy, not {type(retry).__name__}")
        retry_args = None
        if retry is not None:
            if isinstance(retry.max_attempts, bool) or not isinstance(retry.max_attempts, int):
                raise TypeError("retry.max_attempts must be an int")
            if not 1 <= retry.max_attempts <= _U32_MAX:
                raise ValueError("retry.max_attempts must be at least 1")
            retry_args = (
                retry.max_attempts,
                _ms(retry.initial_backoff, "retry.initial_backoff", allow_zero=True),
                _ms(retry.max_backoff, "retry.max_backoff", allow_zero=True),
                _ms(retry.total_timeout, "retry.total_timeout", allow_zero=True),
            )
        vopts = self.validator_options
        if vopts is not None and not isinstance(vopts, ValidatorOptions):
            raise TypeError(
                f"validator_options must be ValidatorOptions, not {type(vopts).__name__}"
            )

        uncertain = self.uncertain_create
        if uncertain is not None and not isinstance(uncertain, UncertainCreatePolicy):
            raise TypeError(
                f"uncertain_create must be an UncertainCreatePolicy, not {type(uncertain).__name__}"
            )

        lib = _ffi.lib()
        cfg = _ffi.call_out(lib.pfhir_client_config_new)
        try:
            for value, fn in encoded:
                _ffi.check(getattr(lib, fn)(cfg, value, len(value)))
            if p12 is not None:
                _ffi.check(
                    lib.pfhir_client_config_set_pkcs12(
                        cfg, p12[0], len(p12[0]), p12[1], len(p12[1])
                    )
                )
            if trust is not None:
                _ffi.check(lib.pfhir_client_config_set_trust_store(cfg, int(trust)))
            if connect_ms or request_ms:
                _ffi.check(lib.pfhir_client_config_set_timeouts(cfg, connect_ms, request_ms))
            if retry_args is not None:
                _ffi.check(lib.pfhir_client_config_set_retry(cfg, *retry_args))
            if uncertain is not None:
                _ffi.check(
                    lib.pfhir_client_config_set_uncertain_create(
                        cfg, int(uncertain.mode), uncertain.duplicate_status or 0
                    )
                )
            if vopts is not None:
                opts = vopts._new_handle()
                try:
                    _ffi.check(lib.pfhir_client_config_set_validator_options(cfg, opts))
                finally:
                    lib.pfhir_validator_options_free(opts)
        except BaseException:
            lib.pfhir_client_config_free(cfg)
            raise
        return cfg


@dataclass(frozen=True)
class CreateResult:
    """The answer to a create.

    Attributes:
        patient_id: the platform's Patient id (v2: the logical id to update and read with;
            v1: the business id).
        bundle_id: the platform's Bundle id.
        request_id: the ``x-origin-request-id`` sent.
        status: the HTTP status.
        attempts: attempts made (1 = no retry).
        bundle_json: the Bundle the platform answered with (left out of ``repr()``).
    """

    patient_id: str
    bundle_id: str
    request_id: str
    status: int
    attempts: int
    bundle_json: str = field(repr=False)

    @property
    def bundle(self) -> Dict[str, Any]:
        """``bundle_json`` parsed."""
        parsed: Dict[str, Any] = json.loads(self.bundle_json)
        return parsed


CreateState = _abi.CreateState
"""What :meth:`Client.resolve_uncertain_create` found (``PFHIR_CREATE_*``, generated)."""



@dataclass(frozen=True)
class UncertainCreate:
    """The answer of :meth:`Client.resolve_uncertain_create`.

    Attributes:
        state: the :class:`CreateState`.
        patient_id: the patient's id when ``state`` is ``CREATED``, else ``None``.
    """

    state: CreateState
    patient_id: Optional[str] = None


@dataclass(frozen=True)
class UpdateResult:
    """The answer to an update: the id updated, the request id sent, status and attempts."""

    patient_id: str
    request_id: str
    status: int
    attempts: int


@dataclass(frozen=True)
class ReadResult:
    """The answer to a read: the Patient as the platform sent it (left out of ``repr()``)."""

    patient_id: str
    request_id: str
    status: int
    attempts: int
    patient_json: str = field(repr=False)

    @property
    def patient(self) -> Dict[str, Any]:
        """``patient_json`` parsed."""
        parsed: Dict[str, Any] = json.loads(self.patient_json)
        return parsed


def _optional_text(value: Optional[str], what: str) -> Optional[bytes]:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str or None, not {type(value).__name__}")
    return value.encode("utf-8")


def _id(value: object) -> bytes:
    if not isinstance(value, str):
        raise TypeError(f"the patient id must be str, not {type(value).__name__}")
    return value.encode("utf-8")


class Client(_ffi.NativeObject):
    """A client of the Partners FHIR API over mutual TLS.

    Thread-safe: share one per configuration across threads (it keeps its connections
    alive for all of them; calls run in parallel, the GIL is released in libpfhir). Use it as a
    context manager or call :meth:`close`; it is also freed when garbage-collected.

    >>> with Client(base_url=url, org_id="2.16.724.4.2", client_id="1234567890",
    ...             client_secret=secret, cert_pem=cert, key_pem=key, ca_pem=ca) as client:
    ...     created = client.create(build_bundle(patient))

    Every failure raises a :class:`pfhir.PfhirError` subclass (see :mod:`pfhir.errors`).
    """

    _what = "client"

    def __init__(self, config: Optional[ClientConfig] = None, **kwargs: Any) -> None:
        """Pass a :class:`ClientConfig`, or its fields as keyword arguments."""
        self._owned: Optional[_ffi.Owned] = None
        if config is None:
            config = ClientConfig(**kwargs)
        elif kwargs:
            raise TypeError("pass either a ClientConfig or keyword arguments, not both")
        elif not isinstance(config, ClientConfig):
            raise TypeError(f"config must be a ClientConfig, not {type(config).__name__}")
        self.config = config
        lib = _ffi.lib()
        cfg = config._new_handle()
        try:
            ptr = _ffi.call_out(lib.pfhir_client_new, cfg)
        finally:
            lib.pfhir_client_config_free(cfg)
        self._owned = _ffi.Owned(ptr, lib.pfhir_client_free, "client")

    def create(self, bundle: BundleLike, *, request_id: Optional[str] = None) -> CreateResult:
        """Creates a patient: validates the message Bundle locally, POSTs it and returns the
        platform's ids. When a create fails with ``err.may_have_been_processed`` (e.g.
        :class:`pfhir.OutcomeUnknownError`) the patient may exist: do not simply create it
        again, settle it with :meth:`resolve_uncertain_create` (same Bundle,
        ``err.request_id``). ``request_id=err.request_id`` re-sends the same request, which
        is safe only against a server that de-duplicates by ``x-origin-request-id`` (the
        partner guide does not promise it)."""
        body = input_json(bundle, "bundle")
        rid = _optional_text(request_id, "request_id")
        lib = _ffi.lib()
        r = self._call(
            lib.pfhir_client_create_with_request_id, body, len(body), rid, len(rid or b"")
        )
        try:
            return CreateResult(
                patient_id=_ffi.text(lib.pfhir_create_result_patient_id(r)) or "",
                bundle_id=_ffi.text(lib.pfhir_create_result_bundle_id(r)) or "",
                request_id=_ffi.text(lib.pfhir_create_result_request_id(r)) or "",
                status=int(lib.pfhir_create_result_status(r)),
                attempts=int(lib.pfhir_create_result_attempts(r)),
                bundle_json=_ffi.text(lib.pfhir_create_result_bundle_json(r)) or "",
            )
        finally:
            lib.pfhir_create_result_free(r)

    def resolve_uncertain_create(self, bundle: BundleLike, request_id: str) -> UncertainCreate:
        """Settles a create that failed with ``err.may_have_been_processed`` (e.g.
        :class:`pfhir.OutcomeUnknownError`): give the same Bundle and ``err.request_id``.

        API v1 reads ``Patient/{business id}``: ``CREATED`` with the business id, or
        ``NOT_CREATED`` on 404. API v2 follows the config's ``uncertain_create``: by default
        nothing is sent and the answer is ``CREATED_ID_UNKNOWN`` (a person must find the
        patient; never create it again); :meth:`UncertainCreatePolicy.resend_deduplicating`
        re-sends with the same request id; :meth:`UncertainCreatePolicy.resend_duplicate_status`
        re-sends and reads that status as ``CREATED_ID_UNKNOWN`` (another 4xx that was not
        processed: ``NOT_CREATED``). Only ``NOT_CREATED`` allows a new create.

        Raises a :class:`pfhir.PfhirError` when it is still unknown (the read or re-send
        failed), ``ValueError`` for an empty ``request_id``.
        """
        body = input_json(bundle, "bundle")
        if request_id is None:
            raise TypeError("request_id must be str: the failed create's err.request_id")
        rid = _optional_text(request_id, "request_id")
        if not rid:
            raise ValueError("request_id is the failed create's (err.request_id): it cannot be empty")
        lib = _ffi.lib()
        state = c_uint32(0)
        pid = _ffi.PfhirBytes()
        owned = self._handle()
        c = owned.acquire()
        try:
            _ffi.check(
                lib.pfhir_client_resolve_uncertain_create(
                    c, body, len(body), rid, len(rid), byref(state), byref(pid)
                )
            )
        finally:
            owned.release()
        patient_id = _ffi.take_bytes(pid).decode("utf-8")
        try:
            found = CreateState(state.value)
        except ValueError:
            raise error_for(
                ErrorCode.INTERNAL, f"resolve_uncertain_create gave an unknown state {state.value}"
            ) from None
        return UncertainCreate(found, patient_id if found is CreateState.CREATED else None)

    def update(
        self, patient_id: str, bundle: BundleLike, *, request_id: Optional[str] = None
    ) -> UpdateResult:
        """Updates a patient: validates the Bundle locally and PUTs it to ``patient_id``
        (v2: the logical id a create returned, also set as ``ids.patient`` in the input).
        A Bundle that is not for that patient raises :class:`pfhir.UpdateTargetMismatchError`
        before anything is sent (v2: its Patient.id differs; v1: no identifier of an accepted
        authority has the business id ``patient_id`` as its value)."""
        pid = _id(patient_id)
        body = input_json(bundle, "bundle")
        rid = _optional_text(request_id, "request_id")
        lib = _ffi.lib()
        r = self._call(
            lib.pfhir_client_update_with_request_id,
            pid,
            len(pid),
            body,
            len(body),
            rid,
            len(rid or b""),
        )
        try:
            return UpdateResult(
                patient_id=patient_id,
                request_id=_ffi.text(lib.pfhir_update_result_request_id(r)) or "",
                status=int(lib.pfhir_update_result_status(r)),
                attempts=int(lib.pfhir_update_result_attempts(r)),
            )
        finally:
            lib.pfhir_update_result_free(r)

    def read(self, patient_id: str, *, request_id: Optional[str] = None) -> ReadResult:
        """Reads a patient by logical id (v1: by business id). ``request_id`` is the
        ``x-origin-request-id`` to send (default: a fresh UUID)."""
        pid = _id(patient_id)
        rid = _optional_text(request_id, "request_id")
        lib = _ffi.lib()
        r = self._call(
            lib.pfhir_client_read_with_request_id, pid, len(pid), rid, len(rid or b"")
        )
        try:
            return ReadResult(
                patient_id=patient_id,
                request_id=_ffi.text(lib.pfhir_read_result_request_id(r)) or "",
                status=int(lib.pfhir_read_result_status(r)),
                attempts=int(lib.pfhir_read_result_attempts(r)),
                patient_json=_ffi.text(lib.pfhir_read_result_patient_json(r)) or "",
            )
        finally:
            lib.pfhir_read_result_free(r)

    @property
    def connection_count(self) -> int:
        """New TLS connections opened so far (the other requests reused them)."""
        owned = self._handle()
        c = owned.acquire()
        try:
            return int(_ffi.lib().pfhir_client_connection_count(c))
        finally:
            owned.release()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        config = getattr(self, "config", None)
        url = config.base_url if config is not None else None
        return f"Client({url!r}, {state})"
