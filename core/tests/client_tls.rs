//! The client against TLS servers that behave unlike the sandbox: no TLS 1.3 session tickets,
//! a late verdict on the client certificate, no usable cipher suite. A refused certificate
//! must be a TLS error with its cause, never "outcome unknown", and a server that sends no
//! ticket must cost one bounded wait per new connection, nothing more.
#![cfg(feature = "client")]

mod client_support;

use client_support::{bundle, client_config, pki, start, ServerOptions, LOGICAL_ID};
use pfhir_core::client::{Client, ClientError, TlsCause};
use pfhir_core::ErrorCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn assert_refused(result: Result<(), ClientError>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        matches!(
            err,
            ClientError::Tls {
                cause: TlsCause::ClientCertRejected,
                ..
            }
        ),
        "{what}: {err:?}"
    );
    assert_eq!(err.code(), ErrorCode::Tls);
    assert!(
        err.to_string().contains("(alert unknown_ca)"),
        "{what}: {err}"
    );
}

/// Issue #10 item 4: a server that sends no session ticket and refuses the certificate.
#[test]
fn a_refusal_from_a_server_without_tickets_is_a_tls_error() {
    let (ours, theirs) = (pki(), pki());
    let server = start(
        &ours,
        ServerOptions {
            tickets: false,
            ..Default::default()
        },
    );
    let mut config = client_config(&server, &ours, &theirs.client_pem, &theirs.client_key_pem);
    config.keep_alive = false;
    let client = Client::new(config).expect("client");
    let body = bundle("NOTICKET1");
    for run in 0..6 {
        assert_refused(client.create(&body).map(|_| ()), &format!("create {run}"));
        assert_refused(
            client.update(LOGICAL_ID, &body).map(|_| ()),
            &format!("update {run}"),
        );
        assert_refused(client.read("p1").map(|_| ()), &format!("read {run}"));
    }
    assert_eq!(server.requests.load(Ordering::Relaxed), 0);
}

/// Issue #10 item 4: the verdict comes after the client stopped waiting for it (the request
/// is then on its way): the alert is still found and reported.
#[test]
fn a_late_refusal_is_still_a_tls_error() {
    let (ours, theirs) = (pki(), pki());
    let server = start(
        &ours,
        ServerOptions {
            tickets: false,
            verdict_delay: Duration::from_millis(800),
            ..Default::default()
        },
    );
    let mut config = client_config(&server, &ours, &theirs.client_pem, &theirs.client_key_pem);
    config.keep_alive = false;
    let client = Client::new(config).expect("client");
    let body = bundle("LATE1");
    for run in 0..2 {
        assert_refused(client.create(&body).map(|_| ()), &format!("create {run}"));
        assert_refused(
            client.update(LOGICAL_ID, &body).map(|_| ()),
            &format!("update {run}"),
        );
    }
    assert_eq!(server.requests.load(Ordering::Relaxed), 0);
}

/// Issue #10 item 4: without session tickets the wait for the server's verdict is bounded,
/// happens once per new connection, and a kept-alive connection does not pay it again.
#[test]
fn a_server_without_tickets_costs_one_bounded_wait_per_new_connection() {
    let ours = pki();
    for tickets in [false, true] {
        let server = start(
            &ours,
            ServerOptions {
                tickets,
                ..Default::default()
            },
        );
        let config = client_config(&server, &ours, &ours.client_pem, &ours.client_key_pem);
        let client = Client::new(config).expect("client");
        let t0 = Instant::now();
        client.read("p1").expect("first read");
        let first = t0.elapsed();
        let t1 = Instant::now();
        for _ in 0..5 {
            client.read("p1").expect("kept-alive read");
        }
        let next = t1.elapsed() / 5;
        assert_eq!(client.stats().connections, 1, "tickets {tickets}");
        assert!(
            first < Duration::from_secs(2),
            "tickets {tickets}: {first:?}"
        );
        assert!(
            next < Duration::from_millis(250),
            "tickets {tickets}: {next:?}"
        );
        if !tickets {
            assert!(
                first >= Duration::from_millis(50),
                "the wait happened: {first:?}"
            );
        }
    }
}

/// Issue #10 item 4: `handshake_failure` before the server asked for a certificate means no
/// usable parameters, not a refused certificate (seen against `openssl s_server -tls1_2
/// -cipher AES128-SHA`; here a TLS 1.2 server whose only suite needs an RSA key it has not).
#[test]
fn handshake_failure_is_not_called_a_refused_certificate() {
    let ours = pki();
    let server = start(
        &ours,
        ServerOptions {
            no_usable_suite: true,
            ..Default::default()
        },
    );
    let config = client_config(&server, &ours, &ours.client_pem, &ours.client_key_pem);
    let err = Client::new(config)
        .expect("client")
        .read("p1")
        .expect_err("no common suite");
    let ClientError::Tls { cause, detail, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*cause, TlsCause::Other, "{err}");
    assert!(
        detail.contains("no acceptable security parameters")
            && detail.contains("handshake_failure"),
        "{detail}"
    );
    assert!(!err.to_string().contains("client certificate"), "{err}");
}
