//! `pfhir demo`: the main job end to end, offline. Starts the sandbox in-process with fresh
//! certificates, builds a patient from a PatientInput, validates it, creates it over mutual
//! TLS, updates it, reads it back, and reports ids, request ids and timings.

use crate::CliError;
use pfhir_core::build::{build_bundle, IdsInput, PatientInput, PhoneInput};
use pfhir_core::client::{ApiVersion, Client};
use pfhir_core::model;
use pfhir_core::validate::Validator;
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

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
        Client::new(sandbox.client_config(ApiVersion::V2))
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

/// The ADT messages of the relay demo: fictional data.
const DEMO_A04: &str = "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^A04^ADT_A01|CTRL|P|2.5.1\rEVN|A04|20240315103000\rPID|1||PATIENTID^^^CIP^JHN||FAMILY^MANOLO||19750616|M\rDG1|1||E10^Type 1 diabetes mellitus^I10||20100501|F\r";

fn demo_adt(event: &str, ctrl: &str, pid: &str, family: &str) -> Vec<u8> {
    DEMO_A04
        .replace("ADT^A04", &format!("ADT^{event}"))
        .replace("EVN|A04", &format!("EVN|{event}"))
        .replace("|CTRL|", &format!("|{ctrl}|"))
        .replace("PATIENTID", pid)
        .replace("FAMILY", family)
        .into_bytes()
}

/// Sends one MLLP frame and reads its ACK.
fn mllp_send(
    stream: &mut std::net::TcpStream,
    reader: &mut pfhir_relay::mllp::FrameReader<std::net::TcpStream>,
    msg: &[u8],
) -> Result<String, CliError> {
    let io = |e: &dyn std::fmt::Display| CliError::Io(e.to_string());
    pfhir_relay::mllp::write_frame(stream, msg).map_err(|e| io(&e))?;
    let ack = reader
        .next_frame(&std::sync::atomic::AtomicBool::new(false))
        .map_err(|e| io(&e))?
        .ok_or_else(|| CliError::Io("the relay closed the connection before the ACK".into()))?;
    Ok(String::from_utf8_lossy(&ack).into_owned())
}

/// The ACK's MSA and ERR segments, indented (an ACK carries no patient values).
fn ack_lines(ack: &str) -> String {
    ack.split('\r')
        .filter(|s| s.starts_with("MSA|") || s.starts_with("ERR|"))
        .map(|s| format!("      {s}\n"))
        .collect()
}

/// `pfhir demo --relay`: a few ADT messages over MLLP through a relay (a SQLite outbox in a
/// temporary folder) to the embedded sandbox; prints each ACK, each message's state and the
/// store's counts.
pub fn run_relay() -> Result<String, CliError> {
    use pfhir_core::hl7v2::{Converter, Hl7Options};
    use pfhir_relay::store::{Outbox, SqliteOutbox, State};
    use pfhir_relay::{Acker, Backoff, Deliverer, Relay, RelayConfig};
    use std::sync::Arc;

    let io = |e: &dyn std::fmt::Display| CliError::Io(e.to_string());
    let mut report = String::from(
        "pfhir demo --relay: HL7 v2 over MLLP, stored before the ACK, delivered to the platform\n\n",
    );
    let total = Instant::now();
    let (sandbox, _) = step(&mut report, "start sandbox (new PKI)", || {
        Sandbox::start(SandboxConfig::default()).map_err(|e| io(&e))
    })?;
    let suffix = pfhir_core::build::uuid_v4().map_err(|e| io(&e))?;
    let dir = std::env::temp_dir().join(format!("pfhir-demo-relay-{}", &suffix[..8]));
    let options = Hl7Options::default();
    let (relay, _) = step(&mut report, "start relay", || {
        let outbox: Arc<dyn Outbox> = Arc::new(SqliteOutbox::open(&dir).map_err(|e| io(&e))?);
        let client = Client::new(sandbox.client_config(ApiVersion::V2))
            .map_err(|e| CliError::Usage(e.to_string()))?;
        let converter = Converter::new(options.clone()).map_err(|e| io(&e))?;
        let relay = Relay::start(
            RelayConfig {
                listen: "127.0.0.1:0".into(),
                workers: 2,
                ..RelayConfig::default()
            },
            outbox.clone(),
            Acker::new(converter).v2_updates(true),
            Deliverer::new(client, options.clone(), Backoff::default()),
        )
        .map_err(|e| io(&e))?;
        Ok((relay, outbox))
    })?;
    let (relay, outbox) = relay;
    let _ = writeln!(
        report,
        "    listening on mllp://{}, store {} (WAL, synchronous=FULL)",
        relay.addr(),
        dir.display()
    );

    let pid = format!("DEMO{}", &suffix[..8]).to_uppercase();
    let messages: [(&str, Vec<u8>); 4] = [
        ("A04 create", demo_adt("A04", "DEMO-1", &pid, "PEREZ")),
        (
            "A08 update",
            demo_adt("A08", "DEMO-2", &pid, "PEREZ FUSTER"),
        ),
        ("A04 re-sent", demo_adt("A04", "DEMO-1", &pid, "PEREZ")),
        (
            "A04 bad birth date",
            String::from_utf8_lossy(&demo_adt("A04", "DEMO-3", &pid, "PEREZ"))
                .replace("19750616", "19751399")
                .into_bytes(),
        ),
    ];
    let mut stream = std::net::TcpStream::connect(relay.addr()).map_err(|e| io(&e))?;
    let mut reader = pfhir_relay::mllp::FrameReader::new(
        stream.try_clone().map_err(|e| io(&e))?,
        1 << 20,
        Duration::from_secs(30),
    );
    let _ = writeln!(report, "\n  messages over one MLLP connection:");
    for (label, msg) in &messages {
        let t0 = Instant::now();
        let ack = mllp_send(&mut stream, &mut reader, msg)?;
        let code = ack
            .split('\r')
            .find_map(|s| s.strip_prefix("MSA|"))
            .and_then(|m| m.split('|').next())
            .unwrap_or("?")
            .to_string();
        let _ = writeln!(
            report,
            "    {label:<20} ACK {code}  {:>10}",
            ms(t0.elapsed())
        );
        report.push_str(&ack_lines(&ack));
    }
    drop(stream);

    let (_, _) = step(&mut report, "wait for delivery", || {
        let t0 = Instant::now();
        while outbox.counts().map_err(|e| io(&e))?.get(State::Delivered) < 2 {
            if t0.elapsed() > Duration::from_secs(30) {
                return Err(CliError::Io(
                    "the messages were not delivered within 30 s".into(),
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    })?;
    let _ = writeln!(report, "\n  the outbox (pfhir relay show ID --store DIR):");
    for id in 1..=2 {
        let m = outbox.show(id).map_err(|e| io(&e))?;
        let _ = writeln!(
            report,
            "    message {id}  {:<6}  {:<9}  attempts {}  logical id {}",
            m.kind.as_str(),
            m.state.as_str(),
            m.attempts,
            m.logical_id.as_deref().unwrap_or("-")
        );
    }
    let counts = outbox.counts().map_err(|e| io(&e))?;
    let _ = writeln!(
        report,
        "    status: {}",
        counts
            .0
            .iter()
            .map(|(s, n)| format!("{} {n}", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let logical = outbox
        .show(1)
        .map_err(|e| io(&e))?
        .logical_id
        .ok_or_else(|| CliError::Io("the create has no logical id".into()))?;
    let client = Client::new(sandbox.client_config(ApiVersion::V2))
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let read = client.read(&logical).map_err(|e| io(&e))?;
    let updated =
        read.patient.name.first().and_then(|n| n.family.as_deref()) == Some("PEREZ FUSTER");
    let _ = writeln!(
        report,
        "\n  platform: {} patient(s); GET Patient/{logical}: the update is there: {}",
        sandbox.stats().patients,
        if updated { "yes" } else { "NO" }
    );
    relay.shutdown();
    sandbox.shutdown();
    let _ = std::fs::remove_dir_all(&dir);
    if !updated {
        return Err(CliError::Io(
            "the read Patient does not carry the update".into(),
        ));
    }
    let _ = writeln!(report, "  total {}", ms(total.elapsed()));
    Ok(report)
}
