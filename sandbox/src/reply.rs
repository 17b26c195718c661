//! [`Reply`]: an answer before it becomes a hyper response, so that it can be recorded
//! for idempotent replays; and the OperationOutcome bodies.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderValue, CONNECTION, CONTENT_TYPE, RETRY_AFTER};
use hyper::{Response, StatusCode};
use pfhir_core::model::{to_vec, OperationOutcome, OperationOutcomeIssue};
use pfhir_core::validate::{Issue, Outcome};

/// The FHIR JSON media type of every FHIR body the sandbox sends.
pub(crate) const FHIR_JSON: &str = "application/fhir+json";
/// The header carrying the caller's request id.
pub(crate) const REQUEST_ID: &str = "x-origin-request-id";

/// An answer: status, body and the few headers the sandbox sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: Option<&'static str>,
    pub body: Bytes,
    pub retry_after: Option<u32>,
    /// Close the connection after this answer.
    pub close: bool,
}

impl Reply {
    /// An answer without a body.
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: None,
            body: Bytes::new(),
            retry_after: None,
            close: false,
        }
    }

    /// A FHIR JSON answer.
    pub fn fhir(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            content_type: Some(FHIR_JSON),
            body: Bytes::from(body),
            retry_after: None,
            close: false,
        }
    }

    /// A plain JSON answer (the admin endpoints).
    pub fn json(status: u16, value: &serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: Some("application/json"),
            body: Bytes::from(value.to_string()),
            retry_after: None,
            close: false,
        }
    }

    /// An OperationOutcome with one error issue.
    pub fn outcome(status: u16, code: &str, diagnostics: &str) -> Reply {
        Reply::fhir(status, outcome_json(code, diagnostics, None))
    }

    /// An OperationOutcome with one error issue about the element at `expression` (a
    /// FHIRPath such as `Bundle.entry[1].resource.id`).
    pub fn outcome_at(status: u16, code: &str, diagnostics: &str, expression: &str) -> Reply {
        Reply::fhir(status, outcome_json(code, diagnostics, Some(expression)))
    }

    /// An OperationOutcome holding the error-level issues of a validation.
    pub fn issues(status: u16, issues: &[Issue]) -> Reply {
        let errors: Vec<Issue> = issues
            .iter()
            .filter(|i| i.severity.is_error())
            .cloned()
            .collect();
        Reply::fhir(status, Outcome { issues: errors }.to_json().into_bytes())
    }

    /// The hyper response, echoing the request id when there is one.
    pub fn into_response(self, request_id: Option<&HeaderValue>) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        if let Some(ct) = self.content_type {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.close {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        if let Some(id) = request_id {
            headers.insert(REQUEST_ID, id.clone());
        }
        response
    }
}

/// A valid STU3 OperationOutcome with one issue of severity `error`, as compact JSON.
pub(crate) fn outcome_json(code: &str, diagnostics: &str, expression: Option<&str>) -> Vec<u8> {
    let issue = OperationOutcomeIssue {
        severity: Some("error".to_string()),
        code: Some(code.to_string()),
        diagnostics: (!diagnostics.is_empty()).then(|| diagnostics.to_string()),
        expression: expression
            .map(|e| Some(e.to_string()))
            .into_iter()
            .collect(),
        ..Default::default()
    };
    to_vec(&OperationOutcome {
        issue: vec![issue],
        ..Default::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfhir_core::validate::Validator;

    #[test]
    fn outcomes_are_valid_stu3() {
        for code in ["not-found", "forbidden", "required", "too-long", "invalid"] {
            for expression in [None, Some("Bundle.entry[1].resource.id")] {
                let json = outcome_json(code, "some text", expression);
                let outcome = Validator::base().validate(&json);
                assert!(!outcome.has_errors(), "{}", outcome.to_json());
            }
        }
    }
}
