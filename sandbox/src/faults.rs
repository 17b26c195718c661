//! Fault injection: rules that make the next matching requests slow, failed or cut.
//!
//! Rules are kept in the order they were pushed; a request takes the first rule that
//! matches it, which then counts down its `times` and disappears at zero. The same rules
//! can be pushed over HTTP (`POST /_sandbox/faults`, see the README) by non-Rust tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::{Map, Value};

/// What happens to a request matched by a [`FaultRule`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Wait this long, then handle the request normally.
    Latency(Duration),
    /// Answer with this status instead of handling the request (nothing is stored).
    Status {
        /// The HTTP status (an out-of-range one becomes 500).
        status: u16,
        /// An OperationOutcome body: (issue code, diagnostics).
        outcome: Option<(String, String)>,
        /// A `Retry-After` header, in seconds.
        retry_after: Option<u32>,
        /// A raw body (HTML from a gateway, say); it wins over `outcome`.
        body: Option<String>,
    },
    /// Close the connection without reading the body or answering.
    DropBeforeBody,
    /// Read and process the request normally (storing the patient and recording the
    /// idempotent answer), then close the connection without answering.
    DropAfterBody,
    /// Read the request, wait this long, then handle it normally (for client timeouts).
    Hang(Duration),
}

/// A fault and the requests it applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    /// The HTTP method to match (case-insensitive); `None` matches any.
    pub method: Option<String>,
    /// A prefix of the path relative to the API base (`v2/Bundle`); `None` matches any.
    pub path_prefix: Option<String>,
    /// How many matching requests get the fault; 0 makes the rule a no-op.
    pub times: u32,
    /// The fault.
    pub fault: Fault,
}

impl FaultRule {
    /// A rule applying `fault` once to any request.
    pub fn once(fault: Fault) -> FaultRule {
        FaultRule {
            method: None,
            path_prefix: None,
            times: 1,
            fault,
        }
    }

    fn matches(&self, method: &str, relative_path: Option<&str>) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method));
        let path_ok = match self.path_prefix.as_deref() {
            None => true,
            Some(prefix) => {
                relative_path.is_some_and(|p| p.starts_with(prefix.trim_start_matches('/')))
            }
        };
        method_ok && path_ok
    }

    /// Reads a rule from its JSON form (see the crate README).
    pub fn from_json(value: &Value) -> Result<FaultRule, String> {
        let obj = value
            .as_object()
            .ok_or("a fault rule must be a JSON object")?;
        check_members(obj, &["method", "pathPrefix", "times", "fault"], "rule")?;
        let method = opt_string(obj, "method")?;
        let path_prefix = opt_string(obj, "pathPrefix")?;
        let times = match obj.get("times") {
            None | Some(Value::Null) => 1,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or("times must be a non-negative integer")?,
        };
        let fault = obj.get("fault").ok_or("the member fault is required")?;
        Ok(FaultRule {
            method,
            path_prefix,
            times,
            fault: fault_from_json(fault)?,
        })
    }
}

fn fault_from_json(value: &Value) -> Result<Fault, String> {
    let obj = value.as_object().ok_or("fault must be a JSON object")?;
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("fault.kind is required (latency, status, dropBeforeBody, dropAfterBody, hang)")?;
    let millis = || -> Result<Duration, String> {
        obj.get("millis")
            .and_then(Value::as_u64)
            .map(Duration::from_millis)
            .ok_or_else(|| format!("fault.millis (a non-negative integer) is required for {kind}"))
    };
    match kind {
        "latency" => {
            check_members(obj, &["kind", "millis"], "fault")?;
            Ok(Fault::Latency(millis()?))
        }
        "hang" => {
            check_members(obj, &["kind", "millis"], "fault")?;
            Ok(Fault::Hang(millis()?))
        }
        "dropBeforeBody" => {
            check_members(obj, &["kind"], "fault")?;
            Ok(Fault::DropBeforeBody)
        }
        "dropAfterBody" => {
            check_members(obj, &["kind"], "fault")?;
            Ok(Fault::DropAfterBody)
        }
        "status" => {
            check_members(
                obj,
                &["kind", "status", "retryAfter", "outcome", "body"],
                "fault",
            )?;
            let status = obj
                .get("status")
                .and_then(Value::as_u64)
                .filter(|s| (100..=999).contains(s))
                .and_then(|s| u16::try_from(s).ok())
                .ok_or("fault.status (an HTTP status, 100 to 999) is required")?;
            let retry_after = match obj.get("retryAfter") {
                None | Some(Value::Null) => None,
                Some(v) => Some(
                    v.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or("fault.retryAfter must be a number of seconds")?,
                ),
            };
            let outcome = match obj.get("outcome") {
                None | Some(Value::Null) => None,
                Some(Value::Object(o)) => {
                    check_members(o, &["code", "diagnostics"], "fault.outcome")?;
                    let code = opt_string(o, "code")?.ok_or("fault.outcome.code is required")?;
                    let diagnostics = opt_string(o, "diagnostics")?.unwrap_or_default();
                    Some((code, diagnostics))
                }
                Some(_) => return Err("fault.outcome must be an object".to_string()),
            };
            Ok(Fault::Status {
                status,
                outcome,
                retry_after,
                body: opt_string(obj, "body")?,
            })
        }
        other => Err(format!(
            "unknown fault kind {other:?} (expected latency, status, dropBeforeBody, dropAfterBody or hang)"
        )),
    }
}

fn check_members(obj: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!(
            "unknown member {k:?} in {what} (allowed: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn opt_string(obj: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("{key} must be a string")),
    }
}

/// A handle on a sandbox's fault rules; cheap to clone, shared across threads.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    rules: Arc<Mutex<VecDeque<FaultRule>>>,
}

impl Faults {
    /// Adds a rule after the existing ones.
    pub fn push(&self, rule: FaultRule) {
        if rule.times > 0 {
            self.lock().push_back(rule);
        }
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many rules are still waiting for requests.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Takes one use of the first rule matching the request, if any.
    pub(crate) fn take(&self, method: &str, relative_path: Option<&str>) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules
            .iter()
            .position(|r| r.matches(method, relative_path))?;
        let rule = rules.get_mut(index)?;
        rule.times = rule.times.saturating_sub(1);
        let fault = rule.fault.clone();
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<FaultRule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules_apply_in_order_and_count_down() {
        let faults = Faults::default();
        faults.push(FaultRule {
            method: Some("put".to_string()),
            path_prefix: Some("v2/Bundle".to_string()),
            times: 2,
            fault: Fault::DropBeforeBody,
        });
        faults.push(FaultRule::once(Fault::DropAfterBody));
        assert_eq!(
            faults.take("GET", Some("Patient/1")),
            Some(Fault::DropAfterBody)
        );
        assert_eq!(faults.take("GET", Some("Patient/1")), None);
        assert_eq!(
            faults.take("PUT", Some("v2/Bundle/x")),
            Some(Fault::DropBeforeBody)
        );
        assert_eq!(
            faults.take("PUT", Some("v2/Bundle/x")),
            Some(Fault::DropBeforeBody)
        );
        assert_eq!(faults.take("PUT", Some("v2/Bundle/x")), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn json_forms() {
        let rule = FaultRule::from_json(&json!({
            "method": "PUT", "pathPrefix": "v2/Bundle", "times": 1,
            "fault": {"kind": "status", "status": 503, "retryAfter": 1,
                      "outcome": {"code": "transient", "diagnostics": "busy"}, "body": null}
        }))
        .unwrap();
        assert_eq!(
            rule.fault,
            Fault::Status {
                status: 503,
                outcome: Some(("transient".to_string(), "busy".to_string())),
                retry_after: Some(1),
                body: None
            }
        );
        let hang = FaultRule::from_json(&json!({"fault": {"kind": "hang", "millis": 5}})).unwrap();
        assert_eq!(hang.times, 1);
        assert_eq!(hang.fault, Fault::Hang(Duration::from_millis(5)));
        assert!(FaultRule::from_json(&json!({"fault": {"kind": "explode"}})).is_err());
        assert!(FaultRule::from_json(&json!({"fault": {"kind": "latency"}})).is_err());
        assert!(FaultRule::from_json(&json!({"fault": {"kind": "status", "status": 42}})).is_err());
        assert!(
            FaultRule::from_json(&json!({"fault": {"kind": "hang", "millis": 1, "x": 1}})).is_err()
        );
    }
}
