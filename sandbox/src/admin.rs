//! The sandbox's own endpoints under `/_sandbox/`: fault rules and statistics, for tests
//! written in other languages. Same mutual TLS; the partner headers are not required.

use std::sync::atomic::Ordering;

use hyper::http::request::Parts;
use hyper::Method;
use serde_json::{json, Value};

use crate::api::{Body, State, ADMIN_PATH};
use crate::faults::FaultRule;
use crate::reply::Reply;

/// Answers a request under [`ADMIN_PATH`].
pub(crate) fn handle(state: &State, parts: &Parts, body: &Body) -> Reply {
    let what = parts.uri.path().strip_prefix(ADMIN_PATH).unwrap_or("");
    match (&parts.method, what.trim_end_matches('/')) {
        (&Method::POST, "faults") => push_faults(state, body),
        (&Method::DELETE, "faults") => {
            state.faults.clear();
            pending(state)
        }
        (&Method::GET, "faults") => pending(state),
        (&Method::GET, "stats") => Reply::json(
            200,
            &json!({
                "tlsHandshakes": state.handshakes.load(Ordering::Relaxed),
                "requests": state.requests.load(Ordering::Relaxed),
                "patients": state.store().len(),
            }),
        ),
        _ => Reply::outcome(404, "not-found", "Unknown sandbox endpoint."),
    }
}

fn pending(state: &State) -> Reply {
    Reply::json(200, &json!({ "pending": state.faults.pending() }))
}

/// Pushes one rule (a JSON object) or several (an array), all or none.
fn push_faults(state: &State, body: &Body) -> Reply {
    let Body::Complete(bytes) = body else {
        return Reply::outcome(413, "too-long", "The fault rules are too long.");
    };
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Reply::outcome(400, "structure", &format!("Invalid JSON: {e}.")),
    };
    let items = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    let rules: Result<Vec<FaultRule>, String> = items.iter().map(FaultRule::from_json).collect();
    match rules {
        Ok(rules) => {
            for rule in rules {
                state.faults.push(rule);
            }
            pending(state)
        }
        Err(message) => Reply::outcome(400, "invalid", &message),
    }
}
