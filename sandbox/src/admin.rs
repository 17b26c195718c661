//! The sandbox's own endpoints under `/_sandbox/`: fault rules, settings and statistics, for
//! tests written in other languages. Same mutual TLS; the partner headers are not required.

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
        (&Method::GET, "settings") => settings(state),
        (&Method::POST, "settings") => change_settings(state, body),
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

fn settings(state: &State) -> Reply {
    Reply::json(
        200,
        &json!({ "dedup": state.dedup.load(Ordering::Relaxed) }),
    )
}

/// Changes the settings given (an object such as `{"dedup": false}`), all or none.
fn change_settings(state: &State, body: &Body) -> Reply {
    let value = match json_body(body) {
        Ok(v) => v,
        Err(reply) => return reply,
    };
    let Value::Object(members) = value else {
        return Reply::outcome(400, "invalid", "The settings must be a JSON object.");
    };
    let mut dedup = None;
    for (name, value) in &members {
        match (name.as_str(), value) {
            ("dedup", Value::Bool(b)) => dedup = Some(*b),
            ("dedup", _) => {
                return Reply::outcome(400, "invalid", "dedup must be true or false.");
            }
            (other, _) => {
                return Reply::outcome(
                    400,
                    "invalid",
                    &format!("unknown setting {other:?} (allowed: dedup)"),
                )
            }
        }
    }
    if let Some(dedup) = dedup {
        state.dedup.store(dedup, Ordering::Relaxed);
        log::info!("sandbox setting: dedup {dedup}");
    }
    settings(state)
}

/// The JSON value of an admin request body, or the answer to give.
fn json_body(body: &Body) -> Result<Value, Reply> {
    let Body::Complete(bytes) = body else {
        return Err(Reply::outcome(
            413,
            "too-long",
            "The request body is too long.",
        ));
    };
    serde_json::from_slice(bytes)
        .map_err(|e| Reply::outcome(400, "structure", &format!("Invalid JSON: {e}.")))
}

/// Pushes one rule (a JSON object) or several (an array), all or none.
fn push_faults(state: &State, body: &Body) -> Reply {
    let value = match json_body(body) {
        Ok(v) => v,
        Err(reply) => return reply,
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
