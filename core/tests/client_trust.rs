//! Issue #12 item 5: which trust anchors check the server. The default is the operating
//! system's store; `ca_pem` replaces it with exactly its CAs; the compiled-in Mozilla roots
//! are a named option. The test CA is in no store, so the default and Mozilla fail with an
//! unknown CA. On Linux the system store can be pointed at a file with `SSL_CERT_FILE`
//! (rustls-native-certs honours it): that runs in a child process (the environment is
//! process-wide and tests run on parallel threads), where the System path really succeeds.
#![cfg(feature = "client")]

mod client_support;
mod identity_fixtures;

use client_support::{client_config, start, ServerOptions, TestServer};
use identity_fixtures as fx;
use pfhir_core::client::{Client, ClientConfig, ClientError, TlsCause, TrustStore};
use pfhir_core::ErrorCode;
use std::process::Command;

fn server() -> TestServer {
    start(&fx::pki(), ServerOptions::default())
}

/// A configuration for `server` with the fixture identity and no `ca_pem`.
fn config(server: &TestServer, trust: TrustStore) -> ClientConfig {
    let pki = fx::pki();
    let mut c = client_config(server, &pki, &pki.client_pem, &pki.client_key_pem);
    c.ca_pem = None;
    c.trust_store = trust;
    c
}

fn assert_unknown_ca(result: Result<(), ClientError>, what: &str) {
    let err = result.expect_err(what);
    assert!(
        matches!(
            err,
            ClientError::Tls {
                cause: TlsCause::UnknownCa,
                ..
            }
        ),
        "{what}: {err:?}"
    );
    assert_eq!(err.code(), ErrorCode::Tls, "{what}");
    assert!(err.to_string().contains("trust store"), "{what}: {err}");
}

#[test]
fn the_default_is_the_system_store() {
    assert_eq!(ClientConfig::default().trust_store, TrustStore::System);
    assert_eq!(TrustStore::parse(" System "), Some(TrustStore::System));
    assert_eq!(TrustStore::parse("mozilla"), Some(TrustStore::Mozilla));
    assert_eq!(TrustStore::parse("webpki"), None);
    assert_eq!(TrustStore::Mozilla.as_str(), "mozilla");
}

/// The test CA is not in this machine's store, nor among Mozilla's roots: an unknown CA,
/// before anything is sent. With `ca_pem` (whatever the trust store) the same server is
/// trusted.
#[test]
fn the_system_store_and_mozilla_do_not_know_the_test_ca_and_ca_pem_replaces_them() {
    let server = server();
    for trust in [TrustStore::System, TrustStore::Mozilla] {
        let client = Client::new(config(&server, trust))
            .unwrap_or_else(|e| panic!("{trust:?}: the store cannot be read here: {e}"));
        assert_unknown_ca(client.read("p1").map(|_| ()), trust.as_str());
        let mut with_ca = config(&server, trust);
        with_ca.ca_pem = Some(fx::CA_PEM.to_string());
        let read = Client::new(with_ca)
            .expect("client")
            .read("p1")
            .unwrap_or_else(|e| panic!("ca_pem with {trust:?}: {e}"));
        assert_eq!(read.status, 200);
    }
    assert_eq!(
        server.requests.load(std::sync::atomic::Ordering::Relaxed),
        2,
        "only the ca_pem clients reached the server"
    );
}

/// Runs `child` (a test of this file) in a child process with `env`; returns its output.
fn run_child(child: &str, env: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().expect("the test binary");
    let mut cmd = Command::new(exe);
    cmd.args([
        child,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("PFHIR_TRUST_CHILD", "1")
    .env_remove("SSL_CERT_FILE")
    .env_remove("SSL_CERT_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the child test");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{child} failed:\n{text}");
    assert!(text.contains("1 passed"), "{child} did not run:\n{text}");
    text
}

fn in_child() -> bool {
    let yes = std::env::var_os("PFHIR_TRUST_CHILD").is_some();
    assert!(
        yes,
        "run by its parent test in a child process (it needs SSL_CERT_FILE set)"
    );
    yes
}

/// The System path succeeds when the test CA is in the system store (Linux: the file
/// `SSL_CERT_FILE` names). Not on macOS or Windows, whose verifiers ignore that variable.
#[cfg(all(unix, not(target_vendor = "apple")))]
#[test]
fn the_system_store_is_used_when_it_holds_the_ca() {
    let dir = std::env::temp_dir().join(format!("pfhir-trust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, fx::CA_PEM).expect("write the CA");
    let empty_dir = dir.join("empty");
    std::fs::create_dir_all(&empty_dir).expect("empty dir");
    let ca = ca.to_str().expect("a UTF-8 path");
    let empty_dir = empty_dir.to_str().expect("a UTF-8 path");
    run_child(
        "child_system_store_with_the_test_ca",
        &[("SSL_CERT_FILE", ca), ("SSL_CERT_DIR", empty_dir)],
    );
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "").expect("write an empty store");
    run_child(
        "child_system_store_without_any_certificate",
        &[
            ("SSL_CERT_FILE", empty.to_str().expect("a UTF-8 path")),
            ("SSL_CERT_DIR", empty_dir),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "run in a child process by the_system_store_is_used_when_it_holds_the_ca"]
fn child_system_store_with_the_test_ca() {
    if !in_child() {
        return;
    }
    let server = server();
    let client = Client::new(config(&server, TrustStore::System)).expect("system store");
    assert_eq!(
        client.read("p1").expect("trusted by the system").status,
        200
    );
    // Mozilla's roots still do not know the test CA.
    let mozilla = Client::new(config(&server, TrustStore::Mozilla)).expect("mozilla");
    assert_unknown_ca(mozilla.read("p1").map(|_| ()), "mozilla");
}

#[test]
#[ignore = "run in a child process by the_system_store_is_used_when_it_holds_the_ca"]
fn child_system_store_without_any_certificate() {
    if !in_child() {
        return;
    }
    let server = server();
    let err = Client::new(config(&server, TrustStore::System)).expect_err("an empty store");
    assert_eq!(err.code(), ErrorCode::Config, "{err}");
    assert!(
        err.to_string()
            .contains("the operating system's certificate store cannot be used"),
        "{err}"
    );
    // Mozilla and ca_pem do not need the system store.
    Client::new(config(&server, TrustStore::Mozilla)).expect("mozilla");
    let mut c = config(&server, TrustStore::System);
    c.ca_pem = Some(fx::CA_PEM.to_string());
    Client::new(c).expect("ca_pem");
}
