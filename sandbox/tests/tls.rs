//! Mutual TLS: the client certificate is required and must come from the sandbox CA.

mod common;

use std::time::Duration;

use common::{agent, agent_with, bundle, sandbox, Req};
use pfhir_sandbox::{CertOptions, Certs, Sandbox, SandboxConfig};

#[test]
fn no_client_certificate_fails() {
    let sb = sandbox();
    let anonymous = agent_with(sb.certs(), None, None);
    assert!(Req::new(&sb, "GET", "Patient/x").send(&anonymous).is_err());
    assert!(Req::with_body(&sb, "POST", "v2/Bundle", &bundle("T1"))
        .send(&anonymous)
        .is_err());
    assert_eq!(sb.stats().tls_handshakes, 0);
    assert_eq!(sb.stats().requests, 0);
}

#[test]
fn client_certificate_from_another_ca_fails() {
    let sb = sandbox();
    let other = Certs::generate().unwrap();
    let stranger = agent_with(sb.certs(), Some(&other), None);
    assert!(Req::new(&sb, "GET", "Patient/x").send(&stranger).is_err());
    assert_eq!(sb.stats().tls_handshakes, 0);
    // The server is still fine for a good client.
    assert_eq!(
        Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb)).status,
        404
    );
}

#[test]
fn expired_client_certificate_fails() {
    let certs = Certs::generate_with(&CertOptions {
        expired_client: true,
        ..Default::default()
    })
    .unwrap();
    let sb = Sandbox::start(SandboxConfig::with_certs(certs)).unwrap();
    assert!(Req::new(&sb, "GET", "Patient/x").send(&agent(&sb)).is_err());
}

#[test]
fn server_certificate_checks_are_observable() {
    // Expired server certificate.
    let certs = Certs::generate_with(&CertOptions {
        expired_server: true,
        ..Default::default()
    })
    .unwrap();
    let sb = Sandbox::start(SandboxConfig::with_certs(certs)).unwrap();
    let err = Req::new(&sb, "GET", "Patient/x")
        .send(&agent(&sb))
        .unwrap_err();
    assert!(format!("{err:?}").contains("Expired"), "{err:?}");

    // A certificate for another name.
    let certs = Certs::generate_with(&CertOptions {
        server_names: vec!["api.example.org".into()],
        ..Default::default()
    })
    .unwrap();
    let sb = Sandbox::start(SandboxConfig::with_certs(certs)).unwrap();
    let err = Req::new(&sb, "GET", "Patient/x")
        .send(&agent(&sb))
        .unwrap_err();
    assert!(format!("{err:?}").contains("NotValidForName"), "{err:?}");

    // And the CA of another sandbox is not trusted.
    let good = sandbox();
    let other = Certs::generate().unwrap();
    let wrong_roots = agent_with(&other, Some(good.certs()), None);
    let err = Req::new(&good, "GET", "Patient/x")
        .send(&wrong_roots)
        .unwrap_err();
    assert!(format!("{err:?}").contains("UnknownIssuer"), "{err:?}");
}

#[test]
fn fixed_port_and_cert_folder() {
    let dir = std::env::temp_dir().join(format!("pfhir-sandbox-tls-{}", std::process::id()));
    let certs = Certs::load_or_generate(&dir).unwrap();
    let first = Sandbox::start(SandboxConfig::with_certs(certs.clone())).unwrap();
    let port = first.port();
    first.shutdown();
    // The same certificates load again, and the port can be reused after shutdown.
    let again = Certs::load_or_generate(&dir).unwrap();
    assert_eq!(again, certs);
    let sb = Sandbox::start(SandboxConfig {
        port,
        ..SandboxConfig::with_certs(again)
    })
    .unwrap();
    assert_eq!(sb.port(), port);
    assert!(sb
        .base_url()
        .ends_with(&format!(":{port}/partners/fhir/stu3/api/")));
    assert_eq!(
        Req::new(&sb, "GET", "Patient/x").ok(&agent(&sb)).status,
        404
    );
    // A port in use is a start error.
    let busy = Sandbox::start(SandboxConfig {
        port,
        ..SandboxConfig::default()
    });
    assert!(matches!(
        busy,
        Err(pfhir_sandbox::SandboxError::Bind { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shutdown_is_prompt_with_idle_connections() {
    let sb = sandbox();
    let agent = agent(&sb);
    assert_eq!(Req::new(&sb, "GET", "Patient/x").ok(&agent).status, 404);
    let start = std::time::Instant::now();
    sb.shutdown();
    sb.shutdown();
    drop(sb);
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn handles_are_thread_safe() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Sandbox>();
    send_sync::<pfhir_sandbox::Faults>();
    send_sync::<Certs>();
    send_sync::<SandboxConfig>();
    let sb = sandbox();
    let debug = format!("{sb:?}");
    assert!(!debug.contains("sandbox-secret") && !debug.contains("PRIVATE KEY"));
}
