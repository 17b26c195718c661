"""pfhir: build, validate and submit FHIR STU3 patient messages to the Partners FHIR API.

A thin, idiomatic binding over the C ABI of libpfhir (ctypes). The library is loaded on
first use from ``$PFHIR_LIBRARY`` when set, else from the library a wheel bundles next to
this package (``libpfhir.so``; ``pfhir.dll`` on Windows).

* :class:`Validator` -> :class:`Outcome` of :class:`Issue` (findings are data, not errors);
* :func:`build_bundle` turns a PatientInput into the partner message Bundle;
* :func:`hl7_to_bundle` turns an HL7 v2 ADT message into one (issues at HL7 fields), and
  :func:`hl7_ack` answers it;
* :class:`Client` creates, updates and reads patients over mutual TLS;
* :class:`Outbox` stores Bundles and HL7 messages durably and delivers them in the
  background (the relay's outbox, embedded);
* every failure is a :class:`PfhirError` subclass chosen by its :class:`ErrorCode`.
"""

from __future__ import annotations

from . import _abi, _ffi
from .build import PatientInputLike, build_bundle
from .client import (
    BundleLike,
    Client,
    ClientConfig,
    TrustStore,
    CreateResult,
    CreateState,
    ReadResult,
    RetryPolicy,
    UncertainCreate,
    UncertainCreateMode,
    UncertainCreatePolicy,
    UpdateResult,
)
from .errors import (
    ERROR_CLASSES,
    ApiError,
    ArgumentError,
    ConfigError,
    WrongPasswordError,
    ConnectError,
    ErrorCode,
    FieldError,
    ForbiddenError,
    HttpStatusError,
    InputError,
    InternalError,
    InvalidArgumentError,
    InvalidResponseError,
    InvalidUtf8Error,
    JsonError,
    LibraryError,
    NotFoundError,
    NotSupportedError,
    NullArgumentError,
    OutcomeUnknownError,
    PanicError,
    PfhirError,
    PfhirTimeoutError,
    RateLimitedError,
    ServerError,
    ServerExceptionError,
    ServerInvalidError,
    ServerRequiredError,
    ServerStructureError,
    ServerTimeoutError,
    ServerTooLongError,
    TlsError,
    TransportError,
    UnavailableError,
    UpdateTargetMismatchError,
    ValidationError,
    error_class,
)
from .hl7 import Hl7Issue, Hl7Options, Hl7Result, hl7_ack, hl7_to_bundle
from .outbox import MessageStatus, Outbox, Submission
from .validation import (
    Document,
    Issue,
    Outcome,
    Profile,
    RuleSeverity,
    Severity,
    Validator,
    ValidatorOptions,
)

__version__ = _abi.VERSION


def library_version() -> str:
    """The version of the loaded libpfhir (``pfhir_version()``)."""
    raw: bytes = _ffi.lib().pfhir_version()
    return raw.decode("ascii")


__all__ = [
    "__version__",
    "library_version",
    # validation
    "Validator",
    "ValidatorOptions",
    "Outcome",
    "Issue",
    "Profile",
    "Severity",
    "RuleSeverity",
    "Document",
    # building
    "build_bundle",
    # HL7 v2 in
    "hl7_to_bundle",
    "hl7_ack",
    "Hl7Options",
    "Hl7Result",
    "Hl7Issue",
    "PatientInputLike",
    # client
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
    # the embedded outbox
    "Outbox",
    "Submission",
    "MessageStatus",
    # errors
    "ErrorCode",
    "ERROR_CLASSES",
    "error_class",
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
]
