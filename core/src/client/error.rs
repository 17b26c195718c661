//! [`ClientError`]: every way a request can fail, with what a caller needs to react.

use crate::error::ErrorCode;
use crate::model::OperationOutcome;
use crate::validate::Outcome;
use std::fmt;
use std::time::Duration;

/// Shows a body (or any payload that may hold patient data) as its length only.
pub(crate) struct Redacted<'a>(pub &'a [u8]);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0.len())
    }
}

/// Why the TLS handshake failed, in plain language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsCause {
    /// The server's certificate is not signed by a CA we trust (check `ca_pem` or the trust
    /// store).
    UnknownCa,
    /// The server's certificate is for another host name.
    NameMismatch,
    /// The server's certificate has expired.
    Expired,
    /// The server's certificate is not valid yet (check the clock).
    NotYetValid,
    /// The server refused our client certificate (or we sent none it accepts): it said so
    /// with an alert about the certificate (`bad_certificate`, `unknown_ca`,
    /// `certificate_expired`, `certificate_required`, `access_denied`...).
    ClientCertRejected,
    /// Another TLS failure, or one whose cause the server did not say (`handshake_failure`
    /// may be a refused certificate or no common cipher suite): the detail names the alert.
    Other,
}

impl TlsCause {
    /// A sentence for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            TlsCause::UnknownCa => {
                "the server's certificate is not signed by a trusted CA (check ca_pem or the trust store)"
            }
            TlsCause::NameMismatch => "the server's certificate is for another host name",
            TlsCause::Expired => "the server's certificate has expired",
            TlsCause::NotYetValid => {
                "the server's certificate is not valid yet (check the system clock)"
            }
            TlsCause::ClientCertRejected => "the server did not accept the client certificate",
            TlsCause::Other => "the TLS handshake failed",
        }
    }
}

/// The platform's error kinds (PARTNER_API.md "Errors"), plus HTTP-level refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServerErrorKind {
    /// `required`
    Required,
    /// `structure`
    Structure,
    /// `invalid`
    Invalid,
    /// `too-long`
    TooLong,
    /// `timeout` (transient)
    Timeout,
    /// `exception` (transient)
    Exception,
    /// 403 / `forbidden`
    Forbidden,
    /// 404 / `not-found`
    NotFound,
    /// `not-supported`
    NotSupported,
    /// 429
    RateLimited,
    /// 502 / 503 / 504 without a FHIR answer
    Unavailable,
    /// Any other status
    Other,
}

impl ServerErrorKind {
    /// The shared error code.
    pub fn code(self) -> ErrorCode {
        match self {
            ServerErrorKind::Required => ErrorCode::ServerRequired,
            ServerErrorKind::Structure => ErrorCode::ServerStructure,
            ServerErrorKind::Invalid => ErrorCode::ServerInvalid,
            ServerErrorKind::TooLong => ErrorCode::ServerTooLong,
            ServerErrorKind::Timeout => ErrorCode::ServerTimeout,
            ServerErrorKind::Exception => ErrorCode::ServerException,
            ServerErrorKind::Forbidden => ErrorCode::Forbidden,
            ServerErrorKind::NotFound => ErrorCode::NotFound,
            ServerErrorKind::NotSupported => ErrorCode::NotSupported,
            ServerErrorKind::RateLimited => ErrorCode::RateLimited,
            ServerErrorKind::Unavailable => ErrorCode::Unavailable,
            ServerErrorKind::Other => ErrorCode::HttpStatus,
        }
    }

    /// True for kinds worth retrying (for idempotent requests).
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ServerErrorKind::Timeout
                | ServerErrorKind::Exception
                | ServerErrorKind::RateLimited
                | ServerErrorKind::Unavailable
        )
    }
}

/// An HTTP error answer of the platform. Its `Debug` shows the body's length only.
#[derive(Clone)]
pub struct HttpFailure {
    /// HTTP status.
    pub status: u16,
    /// What kind of refusal.
    pub kind: ServerErrorKind,
    /// The OperationOutcome, when the body is one.
    pub outcome: Option<OperationOutcome>,
    /// The raw body (HTML from a gateway, empty for a bare 403...).
    pub body: Vec<u8>,
    /// `Retry-After`, when given.
    pub retry_after: Option<Duration>,
}

impl fmt::Debug for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpFailure")
            .field("status", &self.status)
            .field("kind", &self.kind)
            .field("outcome", &self.outcome)
            .field("body", &Redacted(&self.body))
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl HttpFailure {
    /// The first text of the OperationOutcome (details.text, else diagnostics, else the issue
    /// code), **as the platform sent it**: it may quote what the request held, patient data
    /// included. For screens and logs that may show patient data; [`HttpFailure::describe`]
    /// is the value-free form that error messages use.
    pub fn summary(&self) -> String {
        let first = self
            .outcome
            .as_ref()
            .and_then(|o| o.issue.first())
            .and_then(|i| {
                i.details
                    .as_ref()
                    .and_then(|d| d.text.clone())
                    .or_else(|| i.diagnostics.clone())
                    .or_else(|| i.code.clone())
            });
        match first {
            Some(t) => t,
            None => self.describe(),
        }
    }

    /// What the answer held, without any of the platform's free text: the issue codes of its
    /// OperationOutcome (`invalid`), or the kind and size of a body that is not one.
    pub fn describe(&self) -> String {
        match &self.outcome {
            Some(o) => {
                let codes: Vec<&str> = o
                    .issue
                    .iter()
                    .filter_map(|i| i.code.as_deref())
                    .filter(|c| is_code(c))
                    .collect();
                match codes.as_slice() {
                    [] => format!("an OperationOutcome with {} issue(s)", o.issue.len()),
                    codes => format!("OperationOutcome issue code(s) {}", codes.join(", ")),
                }
            }
            None if self.body.is_empty() => "empty body".to_string(),
            None => format!(
                "a body of {} bytes that is not an OperationOutcome",
                self.body.len()
            ),
        }
    }
}

/// True for a FHIR code token (`business-rule`): letters, digits and `-`, short.
fn is_code(c: &str) -> bool {
    !c.is_empty() && c.len() <= 32 && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Why a request failed. Every variant knows its [`ErrorCode`], its request id (when a request
/// was made) and whether retrying is safe.
///
/// `Display` and `Debug` never show a secret, a response body or the platform's free text
/// (an OperationOutcome's `diagnostics` and `details.text` may quote patient data): an HTTP
/// error names its status, kind and issue codes; the text itself is in
/// [`ClientError::server_outcome`], [`ClientError::outcome_json`] and
/// [`HttpFailure::summary`], as the platform sent it. Bodies show as their length in `Debug`.
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The configuration is wrong; nothing was sent.
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The password of the client identity does not open it (a PKCS#12 file whose integrity
    /// check fails, an encrypted key that does not decrypt); nothing was sent. The message
    /// names the setting, never the password.
    #[error("wrong password: {0}")]
    WrongPassword(String),
    /// The Bundle failed local validation; nothing was sent.
    #[error("the Bundle failed local validation with {} error(s); nothing was sent", .outcome.error_count())]
    Validation {
        /// The validator's findings.
        outcome: Outcome,
    },
    /// An update whose Bundle is not for the patient its id names; nothing was sent.
    #[error("the update Bundle is not for the patient named by the id: {0}; nothing was sent")]
    UpdateTarget(String),
    /// TLS failed: the platform processed nothing (the connection was refused before any
    /// request could be read).
    #[error("TLS failure: {}: {detail} (request {request_id})", .cause.describe())]
    Tls {
        /// Why, in plain language.
        cause: TlsCause,
        /// What the failure says: the alert the server sent and what it means, or what was
        /// wrong with the server's certificate.
        detail: String,
        /// The request id.
        request_id: String,
    },
    /// The server could not be reached; nothing was sent.
    #[error("cannot connect: {detail} (request {request_id})")]
    Connect {
        /// The underlying error.
        detail: String,
        /// The request id.
        request_id: String,
    },
    /// A timeout.
    #[error("timed out {phase} (request {request_id})")]
    Timeout {
        /// Where: "connecting", "waiting for the answer"...
        phase: &'static str,
        /// True when the request may have reached the server.
        sent: bool,
        /// Whether a retry is safe for this request (not sent, or idempotent).
        retry_safe: bool,
        /// The request id.
        request_id: String,
    },
    /// The connection failed after sending: the platform may have processed the request.
    #[error("the connection failed after the request was sent; the outcome is unknown: the platform may have processed it (request {request_id}; {detail}). For a create, do not simply create again: on v1 read Patient/<business id>; a re-send with the same request id is safe only against a server that de-duplicates by it")]
    OutcomeUnknown {
        /// The underlying error.
        detail: String,
        /// The request id to re-send with.
        request_id: String,
    },
    /// The platform answered with an error status.
    #[error("the platform answered HTTP {} ({}): {} (request {request_id})", .failure.status, .failure.kind.code(), .failure.describe())]
    Http {
        /// The answer.
        failure: Box<HttpFailure>,
        /// The request id.
        request_id: String,
        /// Whether a retry is safe for this request.
        retry_safe: bool,
    },
    /// A success answer pfhir cannot use.
    #[error("unusable answer (HTTP {status}): {detail} (request {request_id})")]
    InvalidResponse {
        /// HTTP status.
        status: u16,
        /// What is wrong.
        detail: String,
        /// The raw body.
        body: Vec<u8>,
        /// The request id.
        request_id: String,
    },
}

impl fmt::Debug for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Config(m) => f.debug_tuple("Config").field(m).finish(),
            ClientError::WrongPassword(m) => f.debug_tuple("WrongPassword").field(m).finish(),
            ClientError::UpdateTarget(m) => f.debug_tuple("UpdateTarget").field(m).finish(),
            ClientError::Validation { outcome } => f
                .debug_struct("Validation")
                .field("outcome", outcome)
                .finish(),
            ClientError::Tls {
                cause,
                detail,
                request_id,
            } => f
                .debug_struct("Tls")
                .field("cause", cause)
                .field("detail", detail)
                .field("request_id", request_id)
                .finish(),
            ClientError::Connect { detail, request_id } => f
                .debug_struct("Connect")
                .field("detail", detail)
                .field("request_id", request_id)
                .finish(),
            ClientError::Timeout {
                phase,
                sent,
                retry_safe,
                request_id,
            } => f
                .debug_struct("Timeout")
                .field("phase", phase)
                .field("sent", sent)
                .field("retry_safe", retry_safe)
                .field("request_id", request_id)
                .finish(),
            ClientError::OutcomeUnknown { detail, request_id } => f
                .debug_struct("OutcomeUnknown")
                .field("detail", detail)
                .field("request_id", request_id)
                .finish(),
            ClientError::Http {
                failure,
                request_id,
                retry_safe,
            } => f
                .debug_struct("Http")
                .field("failure", failure)
                .field("request_id", request_id)
                .field("retry_safe", retry_safe)
                .finish(),
            ClientError::InvalidResponse {
                status,
                detail,
                body,
                request_id,
            } => f
                .debug_struct("InvalidResponse")
                .field("status", status)
                .field("detail", detail)
                .field("body", &Redacted(body))
                .field("request_id", request_id)
                .finish(),
        }
    }
}

impl ClientError {
    /// The shared error code.
    pub fn code(&self) -> ErrorCode {
        match self {
            ClientError::Config(_) => ErrorCode::Config,
            ClientError::WrongPassword(_) => ErrorCode::WrongPassword,
            ClientError::Validation { .. } => ErrorCode::Validation,
            ClientError::UpdateTarget(_) => ErrorCode::UpdateTargetMismatch,
            ClientError::Tls { .. } => ErrorCode::Tls,
            ClientError::Connect { .. } => ErrorCode::Connect,
            ClientError::Timeout { .. } => ErrorCode::Timeout,
            ClientError::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            ClientError::Http { failure, .. } => failure.kind.code(),
            ClientError::InvalidResponse { .. } => ErrorCode::InvalidResponse,
        }
    }

    /// The request id sent as `x-origin-request-id`, when a request was made.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ClientError::Config(_)
            | ClientError::WrongPassword(_)
            | ClientError::Validation { .. }
            | ClientError::UpdateTarget(_) => None,
            ClientError::Tls { request_id, .. }
            | ClientError::Connect { request_id, .. }
            | ClientError::Timeout { request_id, .. }
            | ClientError::OutcomeUnknown { request_id, .. }
            | ClientError::Http { request_id, .. }
            | ClientError::InvalidResponse { request_id, .. } => Some(request_id),
        }
    }

    /// The HTTP status, when the platform answered.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            ClientError::Http { failure, .. } => Some(failure.status),
            ClientError::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The platform's OperationOutcome, when it sent one.
    pub fn server_outcome(&self) -> Option<&OperationOutcome> {
        match self {
            ClientError::Http { failure, .. } => failure.outcome.as_ref(),
            _ => None,
        }
    }

    /// The OperationOutcome as JSON: the platform's, or the local validation's.
    pub fn outcome_json(&self) -> Option<String> {
        match self {
            ClientError::Validation { outcome } => Some(outcome.to_json()),
            ClientError::Http { failure, .. } => failure
                .outcome
                .as_ref()
                .map(|o| String::from_utf8(crate::model::to_vec(o)).unwrap_or_default()),
            _ => None,
        }
    }

    /// The raw response body, when there was one.
    pub fn body(&self) -> Option<&[u8]> {
        match self {
            ClientError::Http { failure, .. } => Some(&failure.body),
            ClientError::InvalidResponse { body, .. } => Some(body),
            _ => None,
        }
    }

    /// True when the platform may have processed the request although it failed: the
    /// connection broke or timed out after the request was sent, or the platform answered an
    /// internal `timeout` or `exception`. For a create this means the patient may exist: do
    /// not simply create again (see the client's docs on uncertain creates).
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            ClientError::OutcomeUnknown { .. } => true,
            ClientError::Timeout { sent, .. } => *sent,
            ClientError::Http { failure, .. } => matches!(
                failure.kind,
                ServerErrorKind::Timeout | ServerErrorKind::Exception
            ),
            _ => false,
        }
    }

    /// True when sending the same request again cannot do harm and may succeed.
    pub fn retry_safe(&self) -> bool {
        match self {
            ClientError::Connect { .. } => true,
            ClientError::Timeout { retry_safe, .. } => *retry_safe,
            ClientError::Http { retry_safe, .. } => *retry_safe,
            _ => false,
        }
    }
}
