//! ACK after the platform's answer (`--ack-after-answer`): the connection that stored a
//! message waits (at most the ACK timeout) for its delivery's outcome and answers with it:
//!
//! | outcome | ACK |
//! |---|---|
//! | delivered | `AA` |
//! | rejected | `AE`, one ERR per OperationOutcome issue: its code, expression and coded detail (never its free text, which may quote patient values) |
//! | dropped by an operator | `AE` |
//! | held, or no final answer within the timeout | `AA` with an ERR warning: stored, the relay goes on delivering it, do not send it again |
//!
//! The message is stored before the wait either way, so a timeout never loses it.

use crate::store::{MessageInfo, Outbox, State, StoreError};
use crate::workers::Bell;
use pfhir_core::hl7v2::{ack, AckCode, Conversion, ErrorCode0357, Hl7Issue, Hl7MessageId};
use pfhir_core::hl7v2::{Hl7Options, Location};
use pfhir_core::model::{from_slice, OperationOutcome, ReadMode};
use pfhir_core::validate::Severity;
use std::time::{Duration, Instant};

/// Waits until message `id` is delivered, rejected, dropped or held, or `timeout` passes;
/// returns it as it is then. `recorded` rings when a worker records an outcome.
pub fn wait_for_answer(
    outbox: &dyn Outbox,
    id: i64,
    timeout: Duration,
    recorded: &Bell,
) -> Result<MessageInfo, StoreError> {
    let start = Instant::now();
    loop {
        let m = outbox.show(id)?;
        let left = timeout.saturating_sub(start.elapsed());
        if m.state.is_final() || m.state == State::Held || left.is_zero() {
            return Ok(m);
        }
        // A record between show and wait is caught by the short wait.
        recorded.wait(left.min(Duration::from_millis(50)));
    }
}

/// The ACK of a stored message once `m` says what became of it (see the module table).
/// `conv` is the message's accept-time conversion (its header and informational issues).
pub fn answer_ack(mut conv: Conversion, m: &MessageInfo, options: &Hl7Options) -> Vec<u8> {
    conv.issues.retain(|i| !i.severity.is_error());
    match m.state {
        State::Delivered => {}
        State::Rejected => {
            conv.ack_code = AckCode::Error;
            let issues = m
                .detail
                .as_deref()
                .map(|d| platform_issues(d.as_bytes()))
                .unwrap_or_default();
            if issues.is_empty() {
                conv.issues.push(issue(
                    Severity::Error,
                    format!(
                        "the platform refused the Bundle (relay show {} has its answer)",
                        m.id
                    ),
                ));
            }
            conv.issues.extend(issues);
        }
        State::Dropped => {
            conv.ack_code = AckCode::Error;
            conv.issues.push(issue(
                Severity::Error,
                format!("message {} was dropped by an operator: not sent", m.id),
            ));
        }
        other => {
            let why = if other == State::Held {
                "held for a person (relay show)"
            } else {
                "no answer from the platform within the ACK timeout"
            };
            conv.issues.push(issue(
                Severity::Warning,
                format!(
                    "stored as message {}, {}: {why}; the relay goes on delivering it, do not send it again",
                    m.id,
                    other.as_str()
                ),
            ));
        }
    }
    ack(&conv, options)
}

/// One ERR per issue of the platform's OperationOutcome: its code, its expression (a
/// FHIRPath, no values) and its coded detail; not its free text.
fn platform_issues(outcome: &[u8]) -> Vec<Hl7Issue> {
    let Ok(o) = from_slice::<OperationOutcome>(outcome, ReadMode::Tolerant) else {
        return Vec::new();
    };
    o.issue
        .iter()
        .map(|i| {
            let mut text = format!(
                "the platform refused the Bundle: {}",
                i.code.as_deref().unwrap_or("unknown")
            );
            let codes: Vec<&str> = i
                .details
                .iter()
                .flat_map(|d| d.coding.iter())
                .filter_map(|c| c.code.as_deref())
                .collect();
            if !codes.is_empty() {
                text.push_str(&format!(" [{}]", codes.join(", ")));
            }
            let paths: Vec<&str> = i.expression.iter().flatten().map(String::as_str).collect();
            if !paths.is_empty() {
                text.push_str(&format!(" at {}", paths.join(", ")));
            }
            let severity = match i.severity.as_deref() {
                Some("warning") => Severity::Warning,
                Some("information") => Severity::Information,
                _ => Severity::Error,
            };
            issue(severity, text)
        })
        .collect()
}

fn issue(severity: Severity, text: String) -> Hl7Issue {
    let mut i = Hl7Issue::new(Hl7MessageId::Internal, None::<Location>, text);
    i.severity = severity;
    i.hl7_code = if severity.is_error() {
        ErrorCode0357::Internal
    } else {
        ErrorCode0357::Accepted
    };
    i
}
