"""Error codes and exceptions.

Every fallible libpfhir call returns a ``pfhir_error``; the binding raises it as an instance
of the :class:`PfhirError` subclass of its :class:`ErrorCode` (see :data:`ERROR_CLASSES`).
A code this binding does not know (a newer library) is raised as a plain :class:`PfhirError`
whose ``code`` is the raw number.

Validation findings are not errors: :meth:`pfhir.Validator.validate` returns them in an
:class:`pfhir.Outcome`. A client refuses to send an invalid Bundle with :class:`ValidationError`.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Type, Union

from ._abi import ErrorCode

__all__ = [
    "ErrorCode",
    "FieldError",
    "LibraryError",
    "PfhirError",
    "ArgumentError",
    "NullArgumentError",
    "InvalidUtf8Error",
    "InvalidArgumentError",
    "InternalError",
    "PanicError",
    "ConfigError",
    "WrongPasswordError",
    "InputError",
    "JsonError",
    "ValidationError",
    "UpdateTargetMismatchError",
    "TransportError",
    "TlsError",
    "ConnectError",
    "PfhirTimeoutError",
    "OutcomeUnknownError",
    "ApiError",
    "ServerError",
    "ServerRequiredError",
    "ServerStructureError",
    "ServerInvalidError",
    "ServerTooLongError",
    "ServerTimeoutError",
    "ServerExceptionError",
    "ForbiddenError",
    "NotFoundError",
    "NotSupportedError",
    "RateLimitedError",
    "UnavailableError",
    "HttpStatusError",
    "InvalidResponseError",
    "ERROR_CLASSES",
    "error_class",
]


class LibraryError(OSError):
    """libpfhir could not be found or loaded, or is not the ABI version this binding needs."""


@dataclass(frozen=True)
class FieldError:
    """One wrong PatientInput field: its name (``birthDate``, ``phones[1].use``) and what is
    wrong with it (never its value)."""

    field: str
    message: str


class PfhirError(Exception):
    """Base class of every error libpfhir reports.

    Attributes:
        code: the :class:`ErrorCode` (a plain ``int`` for a code newer than this binding).
        code_name: its snake-case name (``server_invalid``), from the library.
        message: what failed and why (English; never a secret or a patient value).
        http_status: the HTTP status the platform answered with, 0 when none was received.
        outcome_json: the OperationOutcome JSON (the platform's, or the local validation's
            for :class:`ValidationError`), or ``None``.
        outcome: ``outcome_json`` parsed (a ``dict``), or ``None``.
        request_id: the ``x-origin-request-id`` of the failed request, ``None`` when no
            request was made (see ``may_have_been_processed`` before re-sending with it).
        retry_safe: ``True`` when sending the same request again cannot harm and may succeed.
        may_have_been_processed: ``True`` when the platform may have processed the failed
            request: the connection broke or timed out after it was sent
            (:class:`OutcomeUnknownError`, some :class:`PfhirTimeoutError`), or the platform
            answered an internal ``timeout`` or ``exception``. For a create the patient may
            exist: do not simply create it again (v1: read ``Patient/{business id}``; v2: a
            re-send with the same ``request_id`` is safe only against a server that
            de-duplicates by ``x-origin-request-id``, which the partner guide does not
            promise). ``False`` when nothing was sent or the platform refused the request.
        body: the raw HTTP error body (a gateway's HTML, say), or ``None``.
        fields: for :class:`InputError`, every wrong input field; empty otherwise.
        tls_cause: for :class:`TlsError`, why the handshake failed (``PFHIR_TLS_CAUSE_*``:
            1 unknown CA, 2 name mismatch, 3 expired, 4 not yet valid, 5 client certificate
            refused, 6 other); 0 otherwise.
        retry_after: the platform's ``Retry-After`` in seconds, or ``None``.
    """

    code: Union[ErrorCode, int]

    def __init__(
        self,
        message: str,
        *,
        code: Union[ErrorCode, int],
        code_name: Optional[str] = None,
        http_status: int = 0,
        outcome_json: Optional[str] = None,
        request_id: Optional[str] = None,
        retry_safe: bool = False,
        may_have_been_processed: bool = False,
        body: Optional[str] = None,
        fields: Tuple[FieldError, ...] = (),
        tls_cause: int = 0,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.tls_cause = tls_cause
        self.retry_after = retry_after
        self.code = code
        self.code_name = code_name or (
            code.snake_name if isinstance(code, ErrorCode) else f"code_{int(code)}"
        )
        self.message = message
        self.http_status = http_status
        self.outcome_json = outcome_json
        self.request_id = request_id
        self.retry_safe = retry_safe
        self.may_have_been_processed = may_have_been_processed
        self.body = body
        self.fields = tuple(fields)
        self.outcome: Optional[Dict[str, Any]] = None
        if outcome_json:
            try:
                parsed = json.loads(outcome_json)
            except ValueError:
                parsed = None
            self.outcome = parsed if isinstance(parsed, dict) else None

    def __str__(self) -> str:
        extra = f", HTTP {self.http_status}" if self.http_status else ""
        return f"{self.message} [{self.code_name}{extra}]"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code_name}, http_status={self.http_status}, "
            f"request_id={self.request_id!r}, message={self.message!r})"
        )


# --- arguments and internal failures -------------------------------------------------------


class ArgumentError(PfhirError, ValueError):
    """An argument libpfhir refused (also a :class:`ValueError`)."""


class NullArgumentError(ArgumentError):
    """A required argument was NULL (the binding's type checks normally prevent it)."""


class InvalidUtf8Error(ArgumentError):
    """A text argument was not valid UTF-8."""


class InvalidArgumentError(ArgumentError):
    """An argument is out of range or malformed (an unknown rule id, a bad limit)."""


class InternalError(PfhirError):
    """An internal failure of pfhir (no randomness from the OS, or a bug)."""


class PanicError(InternalError):
    """pfhir panicked (a bug); the call had no effect."""


# --- configuration and input ---------------------------------------------------------------


class ConfigError(PfhirError):
    """The client configuration is incomplete or wrong (URL, certificate, key...)."""


class WrongPasswordError(ConfigError):
    """The password of the client identity is wrong: a PKCS#12 file whose integrity check or
    decryption fails, an encrypted key that does not decrypt. The message names the setting
    (``pkcs12_password``, ``key_password``), never the password."""


class InputError(PfhirError, ValueError):
    """A PatientInput is wrong; :attr:`fields` names every wrong field."""


class JsonError(PfhirError, ValueError):
    """A JSON text could not be read."""


class ValidationError(PfhirError):
    """The Bundle failed local validation and was not sent; :attr:`outcome` says why, and
    :attr:`validation_outcome` gives the same findings as :class:`pfhir.Outcome` (typed issues
    with line and column, as :meth:`pfhir.Validator.validate` returns them)."""

    #: The local validation's findings (``pfhir_error_outcome``).
    validation_outcome: Optional[Any] = None


class UpdateTargetMismatchError(PfhirError, ValueError):
    """An update whose Bundle is not for the patient its id names; nothing was sent (also a
    :class:`ValueError`). v2: the Bundle's Patient.id must equal the id (build the update
    with ``ids={"patient": created.patient_id}``); v1: the value of one of the Patient's
    identifiers of an accepted authority must equal it (the business id). The message never
    repeats an id."""


# --- transport -----------------------------------------------------------------------------


class TransportError(PfhirError):
    """The exchange with the platform failed below HTTP."""


class TlsError(TransportError):
    """The TLS handshake failed (unknown CA, name mismatch, expiry, client certificate refused)."""


class ConnectError(TransportError):
    """The server could not be reached; nothing was sent."""


class PfhirTimeoutError(TransportError):
    """A timeout (named so as not to shadow the builtin ``TimeoutError``)."""


class OutcomeUnknownError(TransportError):
    """The connection failed after the request was sent: the platform may have processed it
    (:attr:`may_have_been_processed` is ``True``). For a create the patient may exist: do not
    simply create it again. On v1 read ``Patient/{business id}`` to find out; on v2 a re-send
    with the same :attr:`request_id` is safe only against a server that de-duplicates by
    ``x-origin-request-id``, which the partner guide does not promise."""


# --- answers of the platform ---------------------------------------------------------------


class ApiError(PfhirError):
    """The platform answered with an error (see :attr:`http_status` and :attr:`outcome`)."""


class ServerError(ApiError):
    """The platform refused the request with an OperationOutcome issue code, :attr:`kind`:
    ``required``, ``structure``, ``invalid``, ``too-long``, ``timeout`` or ``exception``."""

    kind: str = ""


class ServerRequiredError(ServerError):
    """``required``: a required element is missing."""

    kind = "required"


class ServerStructureError(ServerError):
    """``structure``: the message is structurally wrong."""

    kind = "structure"


class ServerInvalidError(ServerError):
    """``invalid``: e.g. a duplicate identifier or e-mail (409 on the sandbox)."""

    kind = "invalid"


class ServerTooLongError(ServerError):
    """``too-long``: the message is too large."""

    kind = "too-long"


class ServerTimeoutError(ServerError):
    """``timeout``: an internal timeout of the platform (transient)."""

    kind = "timeout"


class ServerExceptionError(ServerError):
    """``exception``: an unexpected internal error of the platform (transient)."""

    kind = "exception"


class ForbiddenError(ApiError):
    """403: the organization id or the client credentials were refused."""


class NotFoundError(ApiError):
    """404: no such patient."""


class NotSupportedError(ApiError):
    """``not-supported`` (e.g. a read without id)."""


class RateLimitedError(ApiError):
    """429: too many requests."""


class UnavailableError(ApiError):
    """502, 503 or 504 without a FHIR answer: a gateway or the service is unavailable."""


class HttpStatusError(ApiError):
    """Another HTTP error status."""


class InvalidResponseError(ApiError):
    """A success status with a body pfhir cannot use (not the expected resource, no ids)."""


#: The exception class of every error code (every code but ``OK``).
ERROR_CLASSES: Mapping[ErrorCode, Type[PfhirError]] = {
    ErrorCode.NULL_ARGUMENT: NullArgumentError,
    ErrorCode.INVALID_UTF8: InvalidUtf8Error,
    ErrorCode.INVALID_ARGUMENT: InvalidArgumentError,
    ErrorCode.PANIC: PanicError,
    ErrorCode.INTERNAL: InternalError,
    ErrorCode.CONFIG: ConfigError,
    ErrorCode.WRONG_PASSWORD: WrongPasswordError,
    ErrorCode.INPUT: InputError,
    ErrorCode.JSON: JsonError,
    ErrorCode.VALIDATION: ValidationError,
    ErrorCode.UPDATE_TARGET_MISMATCH: UpdateTargetMismatchError,
    ErrorCode.TLS: TlsError,
    ErrorCode.CONNECT: ConnectError,
    ErrorCode.TIMEOUT: PfhirTimeoutError,
    ErrorCode.OUTCOME_UNKNOWN: OutcomeUnknownError,
    ErrorCode.SERVER_REQUIRED: ServerRequiredError,
    ErrorCode.SERVER_STRUCTURE: ServerStructureError,
    ErrorCode.SERVER_INVALID: ServerInvalidError,
    ErrorCode.SERVER_TOO_LONG: ServerTooLongError,
    ErrorCode.SERVER_TIMEOUT: ServerTimeoutError,
    ErrorCode.SERVER_EXCEPTION: ServerExceptionError,
    ErrorCode.FORBIDDEN: ForbiddenError,
    ErrorCode.NOT_FOUND: NotFoundError,
    ErrorCode.NOT_SUPPORTED: NotSupportedError,
    ErrorCode.RATE_LIMITED: RateLimitedError,
    ErrorCode.UNAVAILABLE: UnavailableError,
    ErrorCode.HTTP_STATUS: HttpStatusError,
    ErrorCode.INVALID_RESPONSE: InvalidResponseError,
}


def error_class(code: int) -> Type[PfhirError]:
    """The exception class of a code number; :class:`PfhirError` for an unknown number."""
    try:
        return ERROR_CLASSES[ErrorCode(code)]
    except (ValueError, KeyError):
        return PfhirError


def error_for(code: int, message: str, **kwargs: Any) -> PfhirError:
    """An exception for a code that did not come from the library."""
    known: Union[ErrorCode, int]
    try:
        known = ErrorCode(code)
    except ValueError:
        known = int(code)
    return error_class(code)(message, code=known, **kwargs)


def error_from_handle(err: int) -> PfhirError:
    """Reads a ``pfhir_error *`` into its exception and frees it (always)."""
    from . import _ffi

    lib = _ffi.lib()
    try:
        raw = int(lib.pfhir_error_code(err))
        code: Union[ErrorCode, int]
        try:
            code = ErrorCode(raw)
        except ValueError:
            code = raw  # a code newer than this binding: still an error
        if raw == ErrorCode.OK:
            # pfhir_error_code gives OK only for NULL; never expected for a live error.
            code = ErrorCode.INTERNAL
        message = _ffi.text(lib.pfhir_error_message(err)) or "unknown pfhir error"
        fields = tuple(
            FieldError(
                _ffi.text(lib.pfhir_error_field_name(err, i)) or "",
                _ffi.text(lib.pfhir_error_field_message(err, i)) or "",
            )
            for i in range(int(lib.pfhir_error_field_count(err)))
        )
        exc = error_class(int(code))(
            message,
            code=code,
            code_name=_ffi.text(lib.pfhir_code_name(int(code))),
            http_status=int(lib.pfhir_error_http_status(err)),
            outcome_json=_ffi.text(lib.pfhir_error_outcome_json(err)),
            request_id=_ffi.text(lib.pfhir_error_request_id(err)),
            retry_safe=bool(lib.pfhir_error_retry_safe(err)),
            may_have_been_processed=bool(lib.pfhir_error_may_have_been_processed(err)),
            body=_ffi.text(lib.pfhir_error_body(err)),
            fields=fields,
            tls_cause=int(lib.pfhir_error_tls_cause(err)),
            retry_after=(int(lib.pfhir_error_retry_after_ms(err)) / 1000.0) or None,
        )
        if isinstance(exc, ValidationError):
            from .validation import Outcome

            o = _ffi.call_out(lib.pfhir_error_outcome, err)
            try:
                exc.validation_outcome = Outcome._from_handle(o)
            finally:
                lib.pfhir_outcome_free(o)
        return exc
    finally:
        lib.pfhir_error_free(err)
