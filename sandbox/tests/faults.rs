//! Fault injection, observed from a real ureq client.

mod common;

use std::time::{Duration, Instant};

use common::{agent, agent_with, bundle, sandbox, Req};
use pfhir_sandbox::{Fault, FaultRule};

#[test]
fn status_fault_with_retry_after_then_normal() {
    let sb = sandbox();
    let agent = agent(&sb);
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: Some("v2/Bundle".into()),
        times: 1,
        fault: Fault::Status {
            status: 503,
            outcome: None,
            retry_after: Some(2),
            body: Some("<html><body>Service Unavailable</body></html>".into()),
        },
    });
    let req = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("F1"));
    // Another path does not consume the rule.
    assert_eq!(Req::new(&sb, "GET", "Patient/x").ok(&agent).status, 404);
    let failed = req.ok(&agent);
    assert_eq!(failed.status, 503);
    assert_eq!(failed.header("retry-after"), Some("2"));
    assert!(failed
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(String::from_utf8_lossy(&failed.body).contains("Service Unavailable"));
    assert_eq!(sb.stats().patients, 0);
    // The fault was not recorded: the retry with the same request id is processed.
    let retried = req.ok(&agent);
    assert_eq!(retried.status, 200);
    assert_eq!(sb.stats().patients, 1);
}

#[test]
fn status_fault_with_outcome_and_429() {
    let sb = sandbox();
    let agent = agent(&sb);
    sb.faults().push(FaultRule {
        method: None,
        path_prefix: None,
        times: 2,
        fault: Fault::Status {
            status: 429,
            outcome: Some(("throttled".into(), "slow down".into())),
            retry_after: Some(1),
            body: None,
        },
    });
    for _ in 0..2 {
        let answer = Req::new(&sb, "GET", "Patient/x").ok(&agent);
        assert_eq!(answer.status, 429);
        assert_eq!(answer.header("retry-after"), Some("1"));
        assert_eq!(answer.issue_codes(), ["throttled"]);
        assert_eq!(answer.json()["issue"][0]["diagnostics"], "slow down");
    }
    assert_eq!(Req::new(&sb, "GET", "Patient/x").ok(&agent).status, 404);
}

#[test]
fn latency_delays_then_answers() {
    let sb = sandbox();
    let agent = agent(&sb);
    sb.faults()
        .push(FaultRule::once(Fault::Latency(Duration::from_millis(300))));
    let start = Instant::now();
    let answer = Req::new(&sb, "GET", "Patient/x").ok(&agent);
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, 404);
}

#[test]
fn drop_before_body_is_a_client_error_and_stores_nothing() {
    let sb = sandbox();
    let agent = agent(&sb);
    sb.faults().push(FaultRule::once(Fault::DropBeforeBody));
    let req = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("B1"));
    assert!(req.send(&agent).is_err());
    assert_eq!(sb.stats().patients, 0);
    let retried = req.ok(&agent);
    assert_eq!(retried.status, 200);
    assert_eq!(sb.stats().patients, 1);
}

#[test]
fn drop_after_body_processes_and_the_retry_replays() {
    let sb = sandbox();
    let agent = agent(&sb);
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: Some("v2/Bundle".into()),
        times: 1,
        fault: Fault::DropAfterBody,
    });
    let req = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("A1"));
    assert!(req.send(&agent).is_err());
    // The platform did create the patient...
    assert_eq!(sb.stats().patients, 1);
    // ...and the retry with the same request id gets the first answer, not a second patient.
    let retried = req.ok(&agent);
    assert_eq!(retried.status, 200);
    let id = retried.json()["id"].as_str().unwrap().to_string();
    assert_eq!(retried.json()["entry"][1]["resource"]["id"], id.as_str());
    assert_eq!(sb.stats().patients, 1);
    let again = req.ok(&agent);
    assert_eq!(again.body, retried.body);
    // A new request id with the same Bundle is a duplicate.
    let fresh = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("A1")).ok(&agent);
    assert_eq!(fresh.status, 409);
    assert_eq!(sb.stats().patients, 1);
}

#[test]
fn hang_makes_the_client_time_out() {
    let sb = sandbox();
    let short = agent_with(
        sb.certs(),
        Some(sb.certs()),
        Some(Duration::from_millis(400)),
    );
    sb.faults()
        .push(FaultRule::once(Fault::Hang(Duration::from_secs(5))));
    let start = Instant::now();
    let err = Req::new(&sb, "GET", "Patient/x").send(&short).unwrap_err();
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
    // The sandbox still answers, and shuts down promptly despite the hanging request.
    assert_eq!(
        Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb)).status,
        404
    );
    let start = Instant::now();
    sb.shutdown();
    assert!(start.elapsed() < Duration::from_secs(3));
}
