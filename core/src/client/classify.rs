//! What a failed attempt means: an HTTP error answer read into its kind
//! ([`http_failure`]), or a transport error (no answer) classified by whether the request
//! can have been sent and may be retried ([`transport_failure`]). The retry loop in
//! [`super::Client`] acts on the [`Failure`] these give.

use super::error::{ClientError, HttpFailure, ServerErrorKind};
use super::tls;
use super::transport::{self, ConnectPhase};
use crate::model::{self, OperationOutcome, ReadMode};
use std::time::Duration;

/// One attempt's failure, with whether another attempt may follow.
pub(super) struct Failure {
    /// The error the caller gets if no attempt follows.
    pub(super) error: ClientError,
    /// Whether another attempt may follow.
    pub(super) retry: bool,
    /// How long the platform asked to wait first.
    pub(super) retry_after: Option<Duration>,
}

/// Classifies a transport error (no HTTP answer) of a request that is idempotent or not.
pub(super) fn transport_failure(
    idempotent: bool,
    e: &ureq::Error,
    phase: ConnectPhase,
    request_id: &str,
) -> Failure {
    let request_id = request_id.to_string();
    let detail = e.to_string();
    let never_sent = phase == ConnectPhase::Failed
        || (phase == ConnectPhase::NotCalled && transport::is_unreachable(e));
    if let Some((cause, detail)) = tls::tls_failure(e) {
        // A certificate problem does not heal by retrying; nothing was sent (a refusal
        // after the handshake is caught before the request, or read when the write fails).
        return Failure {
            error: ClientError::Tls {
                cause,
                detail,
                request_id,
            },
            retry: false,
            retry_after: None,
        };
    }
    if let ureq::Error::Timeout(t) = e {
        let (label, sent) = match t {
            ureq::Timeout::Resolve => ("resolving the host", false),
            ureq::Timeout::Connect => ("connecting", false),
            _ if never_sent => ("connecting", false),
            ureq::Timeout::SendRequest | ureq::Timeout::SendBody => ("sending the request", true),
            _ => ("waiting for the answer", true),
        };
        let retry = !sent || idempotent;
        return Failure {
            error: ClientError::Timeout {
                phase: label,
                sent,
                retry_safe: retry,
                request_id,
            },
            retry,
            retry_after: None,
        };
    }
    if never_sent {
        return Failure {
            error: ClientError::Connect { detail, request_id },
            retry: true,
            retry_after: None,
        };
    }
    if idempotent {
        return Failure {
            error: ClientError::OutcomeUnknown { detail, request_id },
            retry: true,
            retry_after: None,
        };
    }
    let detail = if phase == ConnectPhase::Established && transport::is_connection_closed(e) {
        format!(
            "{detail}; the server closed a new connection without a TLS alert: a server \
             that refuses the client certificate silently looks the same"
        )
    } else {
        detail
    };
    Failure {
        error: ClientError::OutcomeUnknown { detail, request_id },
        retry: false,
        retry_after: None,
    }
}

/// Reads an error answer: the OperationOutcome if the body is one, and the kind.
pub(super) fn http_failure(
    status: u16,
    body: Vec<u8>,
    retry_after: Option<Duration>,
) -> HttpFailure {
    let outcome: Option<OperationOutcome> = model::from_slice(&body, ReadMode::Tolerant).ok();
    let first_code = outcome.as_ref().and_then(|o| {
        o.issue
            .iter()
            .find(|i| matches!(i.severity.as_deref(), Some("error" | "fatal")))
            .or_else(|| o.issue.first())
            .and_then(|i| i.code.clone())
    });
    let kind = match (first_code.as_deref(), status) {
        (Some("required"), _) => ServerErrorKind::Required,
        (Some("structure"), _) => ServerErrorKind::Structure,
        (Some("too-long"), _) => ServerErrorKind::TooLong,
        (Some("timeout"), _) => ServerErrorKind::Timeout,
        (Some("exception"), _) => ServerErrorKind::Exception,
        (Some("forbidden" | "security" | "login"), _) | (None, 403) => ServerErrorKind::Forbidden,
        (Some("not-found"), _) | (None, 404) => ServerErrorKind::NotFound,
        (Some("not-supported"), _) => ServerErrorKind::NotSupported,
        (
            Some(
                "invalid" | "value" | "invariant" | "code-invalid" | "business-rule" | "duplicate"
                | "conflict",
            ),
            _,
        ) => ServerErrorKind::Invalid,
        (_, 429) => ServerErrorKind::RateLimited,
        (_, 502..=504) => ServerErrorKind::Unavailable,
        (_, 500) => ServerErrorKind::Exception,
        (_, 413) => ServerErrorKind::TooLong,
        (_, 403) => ServerErrorKind::Forbidden,
        (_, 404) => ServerErrorKind::NotFound,
        _ => ServerErrorKind::Other,
    };
    HttpFailure {
        status,
        kind,
        outcome,
        body,
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_failures_are_classified() {
        let oo = |code: &str| {
            format!(r#"{{"resourceType":"OperationOutcome","issue":[{{"severity":"error","code":"{code}"}}]}}"#).into_bytes()
        };
        assert_eq!(
            http_failure(400, oo("required"), None).kind,
            ServerErrorKind::Required
        );
        assert_eq!(
            http_failure(400, oo("structure"), None).kind,
            ServerErrorKind::Structure
        );
        assert_eq!(
            http_failure(400, oo("invalid"), None).kind,
            ServerErrorKind::Invalid
        );
        assert_eq!(
            http_failure(413, oo("too-long"), None).kind,
            ServerErrorKind::TooLong
        );
        assert_eq!(
            http_failure(504, oo("timeout"), None).kind,
            ServerErrorKind::Timeout
        );
        assert_eq!(
            http_failure(500, oo("exception"), None).kind,
            ServerErrorKind::Exception
        );
        assert_eq!(
            http_failure(403, Vec::new(), None).kind,
            ServerErrorKind::Forbidden
        );
        assert_eq!(
            http_failure(502, b"<html>bad gateway</html>".to_vec(), None).kind,
            ServerErrorKind::Unavailable
        );
        assert_eq!(
            http_failure(429, Vec::new(), None).kind,
            ServerErrorKind::RateLimited
        );
        assert!(http_failure(502, b"<html/>".to_vec(), None)
            .outcome
            .is_none());
    }
}
