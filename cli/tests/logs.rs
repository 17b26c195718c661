//! Logs never carry the client secret, the private key or patient data: every record emitted
//! during a create, an update, a read and a few failures is captured and searched.
//!
//! Levels captured: everything up to debug for all targets (ureq and rustls included), and
//! trace for pfhir's own targets. (ureq-proto dumps raw wire bytes, headers included, at
//! *trace* level: the client docs tell users not to enable trace for `ureq_proto`.)

use log::{Level, LevelFilter, Log, Metadata, Record};
use pfhir_cli::demo::demo_input;
use pfhir_core::build::build_bundle;
use pfhir_core::client::{ApiVersion, Client};
use pfhir_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
use std::sync::Mutex;

struct Capture(Mutex<Vec<String>>);

impl Log for Capture {
    fn enabled(&self, m: &Metadata<'_>) -> bool {
        m.level() <= Level::Debug || m.target().starts_with("pfhir")
    }
    fn log(&self, r: &Record<'_>) {
        if self.enabled(r.metadata()) {
            if let Ok(mut v) = self.0.lock() {
                v.push(format!("{} {} {}", r.level(), r.target(), r.args()));
            }
        }
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn no_secret_key_or_patient_data_in_logs() {
    log::set_logger(&LOGS).expect("logger");
    log::set_max_level(LevelFilter::Trace);

    let sb = Sandbox::start(SandboxConfig {
        client_secret: "Sup3r-S3cret-Value".into(),
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let client = Client::new(sb.client_config(ApiVersion::V1)).expect("client");
    let business_id = "SECRETID9876543";
    let mut input = demo_input(business_id);
    input.family_name = Some("Zyxwvutsrq".into());
    input.given_names = vec!["Qwertyuiop".into()];
    input.birth_date = Some("1931-02-03".into());
    input.phones[0].value = "555000111222".into();
    let bundle = pfhir_core::model::to_vec(&build_bundle(&input).expect("bundle"));
    let created = client.create(&bundle).expect("create");
    client.update(business_id, &bundle).expect("update");
    client.read(&created.patient_id).expect("read");
    // Failures: a refused duplicate, a 503, a local validation error, an unknown id.
    let _ = client.create(&bundle);
    sb.faults().push(FaultRule::once(Fault::Status {
        status: 503,
        outcome: None,
        retry_after: None,
        body: None,
    }));
    let _ = client.read(&created.patient_id);
    let mut broken = input.clone();
    broken.birth_date = None;
    let _ = client.create(br#"{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Zyxwvutsrq"}]}}]}"#);
    let _ = client.read("no-such-id");

    let logs = LOGS.0.lock().expect("logs").join("\n");
    assert!(logs.contains("pfhir::client"), "the client logs: {logs}");
    let key_line = sb
        .certs()
        .client_key_pem
        .lines()
        .nth(1)
        .expect("key body")
        .to_string();
    for secret in [
        "Sup3r-S3cret-Value",
        &key_line,
        business_id,
        "Zyxwvutsrq",
        "Qwertyuiop",
        "1931-02-03",
        "555000111222",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret:?} leaked into the logs:\n{logs}"
        );
    }
}
