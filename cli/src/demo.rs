//! `pfhir demo`: the main job end to end, offline. Starts the sandbox in-process with fresh
//! certificates, builds a patient from a PatientInput, validates it, creates it over mutual
//! TLS, updates it, reads it back, and reports ids, request ids and timings.

use crate::CliError;
use pfhir_core::build::{build_bundle, IdsInput, PatientInput, PhoneInput};
use pfhir_core::client::{ApiVersion, Client, ClientConfig, Secret};
use pfhir_core::model;
use pfhir_core::validate::Validator;
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

/// A client configured for a sandbox (its CA, its client certificate, its credentials).
pub fn client_config_for(sandbox: &Sandbox, version: ApiVersion) -> ClientConfig {
    let c = sandbox.config();
    let mut config = ClientConfig::new(sandbox.base_url());
    config.api_version = version;
    config.org_id = c.org_id.clone();
    config.client_id = c.client_id.clone();
    config.client_secret = Secret::new(c.client_secret.clone());
    config.cert_pem = c.certs.client_pem.clone();
    config.key_pem = Secret::new(c.certs.client_key_pem.clone());
    config.ca_pem = Some(c.certs.ca_pem.clone());
    config
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn step<T>(
    report: &mut String,
    label: &str,
    f: impl FnOnce() -> Result<T, CliError>,
) -> Result<(T, Duration), CliError> {
    let t0 = Instant::now();
    let r = f();
    let took = t0.elapsed();
    match &r {
        Ok(_) => {
            let _ = writeln!(report, "  {label:<28} ok    {:>10}", ms(took));
        }
        Err(e) => {
            let _ = writeln!(report, "  {label:<28} FAILED: {e}");
        }
    }
    r.map(|v| (v, took))
}

/// The demo patient: fictional data of the guide's example.
pub fn demo_input(patient_id: &str) -> PatientInput {
    PatientInput {
        authority: "cip".into(),
        patient_id: patient_id.into(),
        family_name: Some("Pérez Fuster".into()),
        given_names: vec!["Manolo".into()],
        gender: Some("male".into()),
        birth_date: Some("1975-06-16".into()),
        phones: vec![PhoneInput {
            value: "123456789".into(),
            use_: Some("home".into()),
        }],
        diabetes: Some("type1".into()),
        onset: Some("2010-05-01".into()),
        organization_oid: pfhir_sandbox::config::DEFAULT_ORG_ID.into(),
        software_name: Some("pfhir-demo".into()),
        ..Default::default()
    }
}

/// Runs the demo; returns the report text.
pub fn run() -> Result<String, CliError> {
    let mut report =
        String::from("pfhir demo: an EMR patient goes in, the platform's ids come out\n\n");
    let total = Instant::now();
    let (sandbox, _) = step(&mut report, "start sandbox (new PKI)", || {
        Sandbox::start(SandboxConfig::default()).map_err(|e| CliError::Io(e.to_string()))
    })?;
    let _ = writeln!(
        report,
        "    sandbox at {} (mutual TLS, client certificate required)",
        sandbox.base_url()
    );
    let (client, _) = step(&mut report, "configure client", || {
        Client::new(client_config_for(&sandbox, ApiVersion::V2))
            .map_err(|e| CliError::Usage(e.to_string()))
    })?;
    let business_id = format!(
        "DEMO{}",
        &pfhir_core::build::uuid_v4().map_err(|e| CliError::Io(e.to_string()))?[..8]
    )
    .to_uppercase();
    let mut input = demo_input(&business_id);
    let (bundle, _) = step(&mut report, "build Bundle from input", || {
        build_bundle(&input).map_err(|e| CliError::Usage(e.to_string()))
    })?;
    let json = model::to_vec(&bundle);
    let (outcome, _) = step(&mut report, "validate (partner profile)", || {
        Ok(Validator::partner().validate(&json))
    })?;
    let _ = writeln!(
        report,
        "    {} bytes, {}",
        json.len(),
        crate::render::summary(&outcome)
    );
    let (created, _) = step(&mut report, "create  POST v2/Bundle", || {
        client
            .create(&json)
            .map_err(|e| CliError::Io(e.to_string()))
    })?;
    let _ = writeln!(
        report,
        "    patient id {}  bundle id {}  request id {}  HTTP {}",
        created.patient_id, created.bundle_id, created.request_id, created.status
    );
    input.phones[0].value = "987654321".into();
    input.ids = IdsInput {
        patient: Some(created.patient_id.clone()),
        ..Default::default()
    };
    let updated_bundle = build_bundle(&input).map_err(|e| CliError::Usage(e.to_string()))?;
    let (updated, _) = step(&mut report, "update  PUT v2/Bundle/{id}", || {
        client
            .update(&created.patient_id, &model::to_vec(&updated_bundle))
            .map_err(|e| CliError::Io(e.to_string()))
    })?;
    let _ = writeln!(
        report,
        "    request id {}  HTTP {}",
        updated.request_id, updated.status
    );
    let (read, _) = step(&mut report, "read    GET Patient/{id}", || {
        client
            .read(&created.patient_id)
            .map_err(|e| CliError::Io(e.to_string()))
    })?;
    let phone = read
        .patient
        .telecom
        .first()
        .and_then(|t| t.value.clone())
        .unwrap_or_default();
    let _ = writeln!(
        report,
        "    request id {}  HTTP {}  Patient.id {}  phone updated: {}",
        read.request_id,
        read.status,
        read.patient.id.as_deref().unwrap_or("?"),
        if phone == "987654321" { "yes" } else { "NO" }
    );
    if phone != "987654321" {
        return Err(CliError::Io(
            "the read Patient does not carry the update".into(),
        ));
    }
    let stats = client.stats();
    let s = sandbox.stats();
    let _ = writeln!(
        report,
        "\n  {} requests over {} TLS connection(s) (sandbox saw {} handshakes); total {}",
        stats.attempts,
        stats.connections,
        s.tls_handshakes,
        ms(total.elapsed())
    );
    sandbox.shutdown();
    Ok(report)
}
