//! The HTTP front: faults, body limits, the partner headers and the routes of the API.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, CONTENT_TYPE};
use hyper::http::request::Parts;
use hyper::{Request, Response};
use tokio::time::Instant;

use crate::faults::{Fault, Faults};
use crate::operations::{self, WritePolicy};
use crate::reply::{Reply, FHIR_JSON, REQUEST_ID};
use crate::routes::{route_name, Route};
use crate::store::Store;
use crate::validation::ValidationPool;

/// The path of the API base on the sandbox, as on the platform.
pub const BASE_PATH: &str = "/partners/fhir/stu3/api/";
/// The path prefix of the sandbox's own endpoints (faults, stats).
pub const ADMIN_PATH: &str = "/_sandbox/";

/// After a too-long body, read (and discard) at most this much more before answering 413,
/// so that the client sees the answer rather than a reset. The body read timeout still
/// applies.
const DRAIN_CAP: usize = 64 * 1024 * 1024;

/// Everything the request handlers share.
pub(crate) struct State {
    pub org_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub max_body_bytes: usize,
    pub body_read_timeout: Duration,
    pub unique_email: bool,
    /// Replay answers by request id (settable while running).
    pub dedup: AtomicBool,
    pub validation: ValidationPool,
    pub store: Mutex<Store>,
    pub faults: Faults,
    pub handshakes: AtomicU64,
    pub requests: AtomicU64,
}

impl State {
    /// The store, even if a panicking thread poisoned its lock.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The service's error: the connection is closed without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the sandbox")
    }
}

impl std::error::Error for Dropped {}

/// A request body, read within the limit.
pub(crate) enum Body {
    /// The whole body.
    Complete(Bytes),
    /// More than the limit arrived (and was discarded).
    TooLong,
    /// The body did not arrive within the body read timeout.
    TimedOut,
}

/// Handles one HTTP request.
pub(crate) async fn handle(
    state: &State,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let (parts, incoming) = request.into_parts();
    let request_id = parts.headers.get(REQUEST_ID).cloned();
    let path = parts.uri.path();

    if path.starts_with(ADMIN_PATH) {
        let body = read_body(incoming, state.max_body_bytes, state.body_read_timeout).await?;
        let reply = match body {
            Body::TimedOut => body_timed_out(state),
            body => crate::admin::handle(state, &parts, &body),
        };
        log::info!("{} {} -> {}", parts.method, path, reply.status);
        return Ok(reply.into_response(request_id.as_ref()));
    }

    let relative = path.strip_prefix(BASE_PATH);
    let fault = state.faults.take(parts.method.as_str(), relative);
    if let Some(Fault::Latency(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    if let Some(Fault::DropBeforeBody) = &fault {
        log::info!(
            "{} {}: fault, dropped before the body",
            parts.method,
            route_name(&parts)
        );
        return Err(Dropped);
    }
    let drop_after = matches!(fault, Some(Fault::DropAfterBody));
    let body = read_body(incoming, state.max_body_bytes, state.body_read_timeout).await?;
    let reply = match fault {
        // Whatever the fault: a client that does not send its body in time gets a 408.
        _ if matches!(body, Body::TimedOut) => body_timed_out(state),
        Some(Fault::Status {
            status,
            outcome,
            retry_after,
            body,
        }) => {
            let mut reply = match (body, outcome) {
                (Some(raw), _) => Reply {
                    content_type: Some(raw_content_type(&raw)),
                    body: Bytes::from(raw),
                    ..Reply::empty(status)
                },
                (None, Some((code, diagnostics))) => Reply::outcome(status, &code, &diagnostics),
                (None, None) => Reply::empty(status),
            };
            reply.retry_after = retry_after;
            reply
        }
        Some(Fault::Hang(d)) => {
            tokio::time::sleep(d).await;
            route(state, &parts, body).await
        }
        _ => route(state, &parts, body).await,
    };
    if drop_after {
        log::info!(
            "{} {} -> {}, then dropped (fault)",
            parts.method,
            route_name(&parts),
            reply.status
        );
        return Err(Dropped);
    }
    log::info!(
        "{} {} -> {}",
        parts.method,
        route_name(&parts),
        reply.status
    );
    Ok(reply.into_response(request_id.as_ref()))
}

/// The answer to a body that did not arrive in time; the connection is closed after it.
fn body_timed_out(state: &State) -> Reply {
    Reply {
        close: true,
        ..Reply::outcome(
            408,
            "timeout",
            &format!(
                "The request body did not arrive within {} ms.",
                state.body_read_timeout.as_millis()
            ),
        )
    }
}

/// Answers a request of the API: headers, route, then the operation.
async fn route(state: &State, parts: &Parts, body: Body) -> Reply {
    let not_found = || Reply::outcome(404, "not-found", "Unknown operation.");
    let Some(relative) = parts.uri.path().strip_prefix(BASE_PATH) else {
        return not_found();
    };
    let request_id = match check_headers(state, &parts.headers) {
        Ok(id) => id,
        Err(reply) => return reply,
    };
    match Route::parse(&parts.method, relative) {
        Route::NotFound => not_found(),
        Route::MissingId => Reply::outcome(400, "not-supported", "The id is missing."),
        Route::Read(id) => operations::read(&state.store(), &id),
        Route::Write(op) => {
            if !is_json(&parts.headers) {
                return Reply::outcome(
                    415,
                    "not-supported",
                    "The Content-Type must be application/json or application/fhir+json.",
                );
            }
            let bytes = match body {
                Body::Complete(bytes) => bytes,
                Body::TimedOut => return body_timed_out(state),
                Body::TooLong => {
                    return Reply {
                        close: true,
                        ..Reply::outcome(
                            413,
                            "too-long",
                            &format!(
                                "The request body is larger than {} bytes.",
                                state.max_body_bytes
                            ),
                        )
                    }
                }
            };
            let fingerprint = operations::fingerprint(
                parts.method.as_str(),
                parts.uri.path_and_query().map_or("", |p| p.as_str()),
                &bytes,
            );
            // Off the reactor: a slow validation must not stall other connections.
            let prepared = state.validation.prepare(bytes).await;
            let policy = WritePolicy {
                unique_email: state.unique_email,
                dedup: state.dedup.load(Ordering::Relaxed),
            };
            operations::write(
                &mut state.store(),
                &op,
                request_id,
                fingerprint,
                prepared,
                policy,
            )
        }
    }
}

/// Checks the partner headers; returns the request id.
fn check_headers<'h>(state: &State, headers: &'h HeaderMap) -> Result<&'h str, Reply> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let client_ok = get("client_id") == Some(state.client_id.as_str());
    let secret_ok = get("client_secret")
        .is_some_and(|s| constant_time_eq(s.as_bytes(), state.client_secret.as_bytes()));
    if !(client_ok && secret_ok) {
        // Client id enforcement: an empty 403, as documented for the read API.
        return Err(Reply::empty(403));
    }
    if get("org_id") != Some(state.org_id.as_str()) {
        return Err(Reply::outcome(
            403,
            "forbidden",
            "The organization id (org_id) is not valid for this client.",
        ));
    }
    match get(REQUEST_ID).map(str::trim) {
        Some(id) if !id.is_empty() => Ok(id),
        _ => Err(Reply::outcome(
            400,
            "required",
            "The header x-origin-request-id is required.",
        )),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// True when the Content-Type is JSON or FHIR JSON (parameters allowed).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let media = value.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/json")
        || media.eq_ignore_ascii_case("application/fhir+json")
}

/// Reads a body within `max` bytes and `timeout`; a longer one is drained (up to a cap,
/// within the same timeout) and reported.
pub(crate) async fn read_body(
    mut incoming: Incoming,
    max: usize,
    timeout: Duration,
) -> Result<Body, Dropped> {
    let deadline = Instant::now() + timeout;
    let collected = tokio::time::timeout_at(deadline, Limited::new(&mut incoming, max).collect());
    match collected.await {
        Err(_elapsed) => Ok(Body::TimedOut),
        Ok(Ok(collected)) => Ok(Body::Complete(collected.to_bytes())),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => {
            let drain = async {
                let mut seen = 0usize;
                while let Some(frame) = incoming.frame().await {
                    let Ok(frame) = frame else { break };
                    seen += frame.data_ref().map_or(0, Bytes::len);
                    if seen > DRAIN_CAP {
                        break;
                    }
                }
            };
            let _ = tokio::time::timeout_at(deadline, drain).await;
            Ok(Body::TooLong)
        }
        Ok(Err(_)) => Err(Dropped),
    }
}

/// The Content-Type of a fault's raw body: HTML if it starts with `<`, FHIR JSON if it
/// starts with `{` or `[` (well-formed or not: clients are fed odd 200 bodies this way),
/// plain text otherwise.
fn raw_content_type(body: &str) -> &'static str {
    let start = body.trim_start();
    if start.starts_with('<') {
        "text/html; charset=utf-8"
    } else if start.starts_with('{') || start.starts_with('[') {
        FHIR_JSON
    } else {
        "text/plain; charset=utf-8"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, v.parse().unwrap());
            is_json(&h)
        };
        assert!(with("application/fhir+json"));
        assert!(with("Application/JSON; charset=UTF-8"));
        assert!(!with("application/fhir+xml"));
        assert!(!with("text/plain"));
        assert!(!is_json(&HeaderMap::new()));
    }

    #[test]
    fn raw_bodies_are_typed_by_their_first_character() {
        assert_eq!(raw_content_type(" <html>"), "text/html; charset=utf-8");
        assert_eq!(raw_content_type("\n{\"resourceType\""), FHIR_JSON);
        assert_eq!(raw_content_type("[1"), FHIR_JSON);
        assert_eq!(raw_content_type("busy"), "text/plain; charset=utf-8");
    }
}
