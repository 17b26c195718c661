//! End to end: HL7 v2 over MLLP from a TCP client, the relay with its SQLite outbox, the
//! sandbox over real mutual TLS on loopback.

mod support;

use pfhir_core::client::{ApiVersion, Client, ClientConfig, UncertainCreatePolicy};
use pfhir_core::hl7v2::{Converter, Hl7Options};
use pfhir_relay::mllp::{write_frame, FrameReader};
use pfhir_relay::store::{Outbox, SqliteOutbox, State};
use pfhir_relay::{Acker, Backoff, Deliverer, Relay, RelayConfig};
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{adt, tempdir, unique_pid};

struct Setup {
    sandbox: Sandbox,
    outbox: Arc<SqliteOutbox>,
    relay: Relay,
}

fn start(name: &str, config: ClientConfig, sandbox: Sandbox) -> Setup {
    start_with(name, config, sandbox, 1 << 20)
}

fn start_with(name: &str, config: ClientConfig, sandbox: Sandbox, max_bytes: usize) -> Setup {
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 2,
        max_message_bytes: max_bytes,
        ..RelayConfig::default()
    };
    start_full(name, config, sandbox, relay, false)
}

/// A relay with `relay`'s settings; `as_create`: updates of unknown patients become creates.
fn start_full(
    name: &str,
    config: ClientConfig,
    sandbox: Sandbox,
    relay: RelayConfig,
    as_create: bool,
) -> Setup {
    start_tuned(name, config, sandbox, relay, |d| {
        d.update_unknown_as_create(as_create)
    })
}

/// A relay with `relay`'s settings and a deliverer set up by `tune`.
fn start_tuned(
    name: &str,
    config: ClientConfig,
    sandbox: Sandbox,
    relay: RelayConfig,
    tune: impl FnOnce(Deliverer) -> Deliverer,
) -> Setup {
    let outbox = Arc::new(SqliteOutbox::open(&tempdir("relay-e2e", name)).expect("store"));
    let options = Hl7Options::default();
    let relay = Relay::start(
        relay,
        outbox.clone(),
        Acker::new(Converter::new(options.clone()).expect("converter")).v2_updates(true),
        tune(Deliverer::new(
            Client::new(config).expect("client"),
            options,
            Backoff {
                initial: Duration::from_millis(50),
                max: Duration::from_millis(500),
            },
        )),
    )
    .expect("relay starts");
    Setup {
        sandbox,
        outbox,
        relay,
    }
}

/// An MLLP client connection.
struct Sender {
    stream: TcpStream,
    reader: FrameReader<TcpStream>,
}

impl Sender {
    fn connect(addr: SocketAddr) -> Sender {
        let stream = TcpStream::connect(addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        let reader = FrameReader::new(
            stream.try_clone().expect("clone"),
            1 << 20,
            Duration::from_secs(20),
        );
        Sender { stream, reader }
    }

    fn send(&mut self, msg: &[u8]) -> String {
        write_frame(&mut self.stream, msg).expect("send");
        let ack = self
            .reader
            .next_frame(&AtomicBool::new(false))
            .expect("an ACK")
            .expect("an ACK frame");
        String::from_utf8(ack).expect("utf-8 ACK")
    }
}

fn msa(ack: &str) -> &str {
    ack.split('\r')
        .find(|s| s.starts_with("MSA|"))
        .and_then(|s| s.split('|').nth(1))
        .expect("an MSA segment")
}

fn wait_for(outbox: &dyn Outbox, state: State, n: u64) {
    let t0 = Instant::now();
    loop {
        let counts = outbox.counts().expect("counts");
        if counts.get(state) == n {
            return;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "waited 20 s for {n} {}: {counts:?}",
            state.as_str()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn create_then_update_over_mllp_is_delivered_once_each() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    let s = start("create-update", config.clone(), sb);
    let pid = unique_pid("RELA");
    let mut tx = Sender::connect(s.relay.addr());
    let a04 = adt("A04", "M1", &pid, "GARCIA");
    let ack1 = tx.send(&a04);
    assert_eq!(msa(&ack1), "AA", "{ack1}");
    assert!(ack1.contains("|M1"), "MSA-2 echoes MSH-10");
    let ack2 = tx.send(&adt("A08", "M2", &pid, "LOPEZ"));
    assert_eq!(msa(&ack2), "AA", "{ack2}");
    assert!(
        !ack2.contains("ERR|"),
        "a v2 update's ACK has no v1 note (PFHIR-H0403): {ack2}"
    );
    wait_for(&*s.outbox, State::Delivered, 2);
    assert_eq!(s.sandbox.stats().patients, 1, "one patient created");

    // The create's answer went into the id map; the update was sent to that logical id.
    let m1 = s.outbox.show(1).expect("show");
    let logical = m1.logical_id.expect("the create's logical id");
    let read = Client::new(config)
        .expect("client")
        .read(&logical)
        .expect("read");
    assert_eq!(read.patient.name[0].family.as_deref(), Some("LOPEZ"));
    assert_eq!(s.outbox.show(2).expect("show").state, State::Delivered);

    // The HIS lost the first ACK and sends again: the same ACK, nothing processed again,
    // also on another connection.
    let mut tx2 = Sender::connect(s.relay.addr());
    assert_eq!(tx2.send(&a04), ack1);
    assert_eq!(tx.send(&a04), ack1);
    std::thread::sleep(Duration::from_millis(300));
    let counts = s.outbox.counts().expect("counts");
    assert_eq!(counts.get(State::Delivered), 2);
    assert_eq!(counts.get(State::Pending), 0);
    assert_eq!(s.sandbox.stats().patients, 1);
    s.relay.shutdown();
}

#[test]
fn what_cannot_become_a_bundle_is_answered_at_once_and_not_stored() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let s = start("refused", sb.client_config(ApiVersion::V2), sb);
    let mut tx = Sender::connect(s.relay.addr());
    let pid = unique_pid("RELA");
    // Not an ADT message: AR.
    let oru = adt("A04", "R1", &pid, "GARCIA");
    let oru = String::from_utf8(oru)
        .expect("text")
        .replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01");
    let ack = tx.send(oru.as_bytes());
    assert_eq!(msa(&ack), "AR", "{ack}");
    // A wrong birth date: AE, with an ERR at PID-7, and no patient value in the ACK.
    let bad = String::from_utf8(adt("A04", "R2", &pid, "GARCIA"))
        .expect("text")
        .replace("19750616", "19751399");
    let ack = tx.send(bad.as_bytes());
    assert_eq!(msa(&ack), "AE", "{ack}");
    assert!(ack.contains("ERR|"), "{ack}");
    assert!(!ack.contains(&pid) && !ack.contains("19751399"), "{ack}");
    // The connection still serves: a good message after the bad ones.
    assert_eq!(msa(&tx.send(&adt("A04", "R3", &pid, "GARCIA"))), "AA");
    wait_for(&*s.outbox, State::Delivered, 1);
    let counts = s.outbox.counts().expect("counts");
    assert_eq!(
        counts.0.iter().map(|(_, n)| n).sum::<u64>(),
        1,
        "only the good message is stored: {counts:?}"
    );
    s.relay.shutdown();
}

#[test]
fn a_v2_update_of_an_unknown_patient_is_held_until_its_id_is_set() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    // Create the patient outside the relay (the id map does not know it).
    let pid = unique_pid("RELA");
    let direct = Client::new(config.clone()).expect("client");
    let conv = Converter::new(Hl7Options::default())
        .expect("converter")
        .convert(&adt("A04", "X0", &pid, "GARCIA"));
    let created = direct
        .create(&conv.bundle_json().expect("bundle"))
        .expect("create");
    let s = start("held", config, sb);
    let mut tx = Sender::connect(s.relay.addr());
    assert_eq!(msa(&tx.send(&adt("A08", "H1", &pid, "MARTIN"))), "AA");
    wait_for(&*s.outbox, State::Held, 1);
    // A later message of the same patient waits behind the held one.
    assert_eq!(msa(&tx.send(&adt("A08", "H2", &pid, "RUIZ"))), "AA");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(s.outbox.show(2).expect("show").state, State::Pending);
    // A person finds the logical id and records it: both updates go, in order.
    s.outbox.set_id(1, &created.patient_id).expect("set-id");
    wait_for(&*s.outbox, State::Delivered, 2);
    let read = direct.read(&created.patient_id).expect("read");
    assert_eq!(read.patient.name[0].family.as_deref(), Some("RUIZ"));
    assert_eq!(s.sandbox.stats().patients, 1);
    s.relay.shutdown();
}

#[test]
fn an_uncertain_create_is_resolved_without_a_second_patient() {
    use pfhir_sandbox::{Fault, FaultRule};
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let mut config = sb.client_config(ApiVersion::V2);
    config.uncertain_create = UncertainCreatePolicy::ResendDeduplicating;
    config.retry.max_attempts = 1;
    // The platform processes the create, then the connection drops before the answer.
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: None,
        times: 1,
        fault: Fault::DropAfterBody,
    });
    let s = start("uncertain", config, sb);
    let mut tx = Sender::connect(s.relay.addr());
    let pid = unique_pid("RELA");
    assert_eq!(msa(&tx.send(&adt("A04", "U1", &pid, "GARCIA"))), "AA");
    wait_for(&*s.outbox, State::Delivered, 1);
    let m = s.outbox.show(1).expect("show");
    assert!(m.attempts >= 2, "sent, then resolved: {m:?}");
    assert!(m.logical_id.is_some());
    assert_eq!(s.sandbox.stats().patients, 1, "never created twice");
    s.relay.shutdown();
}

#[test]
fn an_oversized_frame_closes_the_connection_and_stores_nothing() {
    use std::io::{Read, Write};
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let s = start_with("oversized", sb.client_config(ApiVersion::V2), sb, 600);
    let pid = unique_pid("RELA");
    // Under the limit: served.
    let mut tx = Sender::connect(s.relay.addr());
    assert_eq!(msa(&tx.send(&adt("A04", "O1", &pid, "GARCIA"))), "AA");
    // Over it: the connection is closed without an ACK.
    let mut big = adt("A04", "O2", &pid, "GARCIA");
    big.extend(std::iter::repeat_n(b'X', 1000));
    let mut raw = TcpStream::connect(s.relay.addr()).expect("connect");
    raw.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut frame = vec![0x0b];
    frame.extend_from_slice(&big);
    frame.extend_from_slice(&[0x1c, 0x0d]);
    let _ = raw.write_all(&frame);
    let mut buf = [0u8; 64];
    let n = raw.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "no ACK for an oversized frame, the connection closes");
    wait_for(&*s.outbox, State::Delivered, 1);
    let counts = s.outbox.counts().expect("counts");
    assert_eq!(
        counts.0.iter().map(|(_, n)| n).sum::<u64>(),
        1,
        "{counts:?}"
    );
    s.relay.shutdown();
}

/// A relay that ACKs after the platform's answer, waiting at most `timeout`.
fn start_answering(name: &str, sb: Sandbox, timeout: Duration) -> Setup {
    let config = sb.client_config(ApiVersion::V2);
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 2,
        ack_after_answer: Some(timeout),
        ..RelayConfig::default()
    };
    start_full(name, config, sb, relay, false)
}

/// The ERR segments of an ACK.
fn errs(ack: &str) -> Vec<&str> {
    ack.split('\r').filter(|s| s.starts_with("ERR|")).collect()
}

#[test]
fn ack_after_answer_maps_the_platforms_refusal_into_ae_with_err_segments() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    // The patient exists already (made outside the relay): the platform refuses a second
    // create with the same identifier.
    let pid = unique_pid("RELA");
    let direct = Client::new(sb.client_config(ApiVersion::V2)).expect("client");
    let conv = Converter::new(Hl7Options::default())
        .expect("converter")
        .convert(&adt("A04", "X0", &pid, "GARCIA"));
    direct
        .create(&conv.bundle_json().expect("bundle"))
        .expect("create");
    let s = start_answering("answer-refused", sb, Duration::from_secs(20));
    let mut tx = Sender::connect(s.relay.addr());
    let ack = tx.send(&adt("A04", "N1", &pid, "GARCIA"));
    assert_eq!(msa(&ack), "AE", "the platform's refusal: {ack}");
    assert_eq!(s.outbox.show(1).expect("show").state, State::Rejected);
    let refused = errs(&ack);
    assert!(!refused.is_empty(), "ERR segments: {ack}");
    assert!(
        refused
            .iter()
            .all(|e| e.contains("|E|") && e.contains("the platform refused the Bundle")),
        "{refused:?}"
    );
    // The sandbox's 409 OperationOutcome has one issue of code `invalid`.
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].ends_with("|the platform refused the Bundle: invalid"),
        "{refused:?}"
    );
    assert!(refused[0].contains("|207^"), "ERR-3 is 207: {refused:?}");
    // No patient value in the ACK (the OperationOutcome's free text is not copied).
    for value in [pid.as_str(), "GARCIA", "MARIA", "19750616", "CALLE MAYOR"] {
        assert!(!ack.contains(value), "{value} in {ack}");
    }
    // A new patient: AA once delivered (the outcome is already recorded when the ACK comes).
    let ack = tx.send(&adt("A04", "N2", &unique_pid("RELA"), "GARCIA"));
    assert_eq!(msa(&ack), "AA", "{ack}");
    assert!(errs(&ack).is_empty(), "{ack}");
    assert_eq!(s.outbox.show(2).expect("show").state, State::Delivered);
    assert_eq!(s.sandbox.stats().patients, 2);
    s.relay.shutdown();
}

#[test]
fn ack_after_answer_without_an_answer_in_time_is_aa_with_a_warning_and_still_delivers() {
    use pfhir_sandbox::{Fault, FaultRule};
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    // The platform answers the create after 3 s; the ACK waits at most 300 ms.
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: None,
        times: 1,
        fault: Fault::Latency(Duration::from_secs(3)),
    });
    let s = start_answering("answer-timeout", sb, Duration::from_millis(300));
    let mut tx = Sender::connect(s.relay.addr());
    let t0 = Instant::now();
    let ack = tx.send(&adt("A04", "T1", &unique_pid("RELA"), "GARCIA"));
    let waited = t0.elapsed();
    assert_eq!(msa(&ack), "AA", "{ack}");
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(2500),
        "the ACK waited the timeout, not the answer: {waited:?}"
    );
    let warned = errs(&ack);
    assert_eq!(warned.len(), 1, "{ack}");
    assert!(
        warned[0].contains("|W|") && warned[0].contains("do not send it again"),
        "{warned:?}"
    );
    wait_for(&*s.outbox, State::Delivered, 1);
    assert_eq!(s.sandbox.stats().patients, 1);
    s.relay.shutdown();
}

#[test]
fn an_update_of_an_unknown_patient_is_sent_as_a_create_when_the_option_says_so() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 2,
        ..RelayConfig::default()
    };
    let s = start_full("as-create", config.clone(), sb, relay, true);
    let pid = unique_pid("RELA");
    let mut tx = Sender::connect(s.relay.addr());
    // The relay never saw this patient's create: the A08 creates it, the next A08 updates it.
    assert_eq!(msa(&tx.send(&adt("A08", "U1", &pid, "MARTIN"))), "AA");
    assert_eq!(msa(&tx.send(&adt("A08", "U2", &pid, "RUIZ"))), "AA");
    wait_for(&*s.outbox, State::Delivered, 2);
    assert_eq!(s.sandbox.stats().patients, 1, "one patient created");
    let m1 = s.outbox.show(1).expect("show");
    assert_eq!(m1.kind, pfhir_relay::store::Kind::Create, "{m1:?}");
    let logical = m1
        .logical_id
        .expect("the create's logical id in the id map");
    assert_eq!(
        s.outbox.show(2).expect("show").kind,
        pfhir_relay::store::Kind::Update
    );
    let read = Client::new(config)
        .expect("client")
        .read(&logical)
        .expect("read");
    assert_eq!(read.patient.name[0].family.as_deref(), Some("RUIZ"));
    s.relay.shutdown();
}

/// One GET over HTTP/1.1: (status code, body).
fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut s = TcpStream::connect(addr).expect("connect to the metrics endpoint");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: relay\r\nAccept: */*\r\n\r\n"
    )
    .expect("request");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("a status code");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("Content-Length");
    assert_eq!(body.len(), length, "the body is Content-Length bytes");
    (status, body.to_string())
}

/// The value of one sample (`name{labels}` exactly as exposed) in a text exposition.
fn sample(exposition: &str, name: &str) -> f64 {
    exposition
        .lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let (n, v) = l.rsplit_once(' ')?;
            (n == name).then(|| v.parse().expect("a number"))
        })
        .unwrap_or_else(|| panic!("no sample {name} in:\n{exposition}"))
}

#[test]
fn metrics_and_health_are_served_over_http_and_move_with_the_traffic() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 2,
        metrics: Some("127.0.0.1:0".into()),
        ..RelayConfig::default()
    };
    let s = start_full("metrics", config, sb, relay, false);
    let at = s.relay.metrics_addr().expect("a metrics address");
    let (status, body) = http_get(at, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok\n"));
    let (status, before) = http_get(at, "/metrics");
    assert_eq!(status, 200);
    assert_eq!(sample(&before, "pfhir_relay_received_total"), 0.0);
    assert_eq!(sample(&before, "pfhir_relay_up"), 1.0);
    assert_eq!(
        sample(&before, "pfhir_relay_messages{state=\"delivered\"}"),
        0.0
    );

    let mut tx = Sender::connect(s.relay.addr());
    let pid = unique_pid("RELA");
    let a04 = adt("A04", "P1", &pid, "GARCIA");
    assert_eq!(msa(&tx.send(&a04)), "AA");
    assert_eq!(msa(&tx.send(&a04)), "AA", "a re-send");
    let bad = String::from_utf8(adt("A04", "P2", &pid, "GARCIA"))
        .expect("text")
        .replace("19750616", "19751399");
    assert_eq!(msa(&tx.send(bad.as_bytes())), "AE");
    wait_for(&*s.outbox, State::Delivered, 1);

    let (_, after) = http_get(at, "/metrics");
    assert_eq!(sample(&after, "pfhir_relay_received_total"), 3.0);
    assert_eq!(sample(&after, "pfhir_relay_acked_total"), 2.0);
    assert_eq!(
        sample(&after, "pfhir_relay_refused_total{code=\"AE\"}"),
        1.0
    );
    assert_eq!(
        sample(&after, "pfhir_relay_messages{state=\"delivered\"}"),
        1.0
    );
    assert_eq!(
        sample(&after, "pfhir_relay_messages{state=\"pending\"}"),
        0.0
    );
    assert_eq!(
        sample(
            &after,
            "pfhir_relay_deliveries_total{outcome=\"delivered\"}"
        ),
        1.0
    );
    assert_eq!(sample(&after, "pfhir_relay_delivery_seconds_count"), 1.0);
    assert!(sample(&after, "pfhir_relay_delivery_seconds_sum") > 0.0);
    assert!(after.contains("pfhir_relay_delivery_seconds_bucket{le=\"0.001\"}"));
    assert!(!after.contains(&pid), "no patient value in the metrics");
    assert_eq!(http_get(at, "/nope").0, 404);
    s.relay.shutdown();
}

#[test]
fn the_rate_limit_spaces_deliveries_across_workers() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 4,
        ..RelayConfig::default()
    };
    let s = start_tuned("rate", config, sb, relay, |d| d.rate_limit(Some(10)));
    let mut tx = Sender::connect(s.relay.addr());
    let t0 = Instant::now();
    for i in 0..8 {
        let ack = tx.send(&adt(
            "A04",
            &format!("RL{i}"),
            &unique_pid("RELA"),
            "GARCIA",
        ));
        assert_eq!(msa(&ack), "AA", "{ack}");
    }
    wait_for(&*s.outbox, State::Delivered, 8);
    // 10 per second, evenly: eight deliveries take at least seven intervals of 100 ms
    // (unlimited, four workers deliver them in a few tens of ms).
    let took = t0.elapsed();
    assert!(took >= Duration::from_millis(690), "{took:?}");
    assert_eq!(s.sandbox.stats().patients, 8);
    s.relay.shutdown();
}

/// A TLS MLLP client: trusts `ca_pem`; presents `client` (certificate, key PEM) if given.
fn tls_send(
    addr: SocketAddr,
    ca_pem: &str,
    client: Option<(&str, &str)>,
    msg: &[u8],
) -> std::io::Result<String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(c.expect("CA PEM")).expect("CA");
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots);
    let config = match client {
        None => builder.with_no_client_auth(),
        Some((cert, key)) => builder
            .with_client_auth_cert(
                CertificateDer::pem_slice_iter(cert.as_bytes())
                    .map(|c| c.expect("cert"))
                    .collect(),
                PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("key"),
            )
            .expect("client auth"),
    };
    let name = ServerName::try_from("localhost").expect("name");
    let session = rustls::ClientConnection::new(Arc::new(config), name).expect("session");
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut tls = rustls::StreamOwned::new(session, tcp);
    write_frame(&mut tls, msg)?;
    let mut reader = FrameReader::new(tls, 1 << 20, Duration::from_secs(10));
    let ack = reader
        .next_frame(&AtomicBool::new(false))
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .ok_or_else(|| std::io::Error::other("closed without an ACK"))?;
    Ok(String::from_utf8(ack).expect("utf-8 ACK"))
}

#[test]
fn mllp_over_tls_with_client_certificates() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let certs = sb.config().certs.clone();
    let config = sb.client_config(ApiVersion::V2);
    // The relay serves MLLP with the sandbox PKI's server certificate and requires a client
    // certificate of the same CA.
    let tls = pfhir_relay::tls::MllpTls::from_pem(
        certs.server_pem.as_bytes(),
        certs.server_key_pem.as_bytes(),
        Some(certs.ca_pem.as_bytes()),
    )
    .expect("TLS settings");
    let relay = RelayConfig {
        listen: "127.0.0.1:0".into(),
        workers: 2,
        tls: Some(tls),
        ..RelayConfig::default()
    };
    let s = start_full("tls", config, sb, relay, false);
    let addr = s.relay.addr();
    let client = Some((certs.client_pem.as_str(), certs.client_key_pem.as_str()));
    let ack = tls_send(
        addr,
        &certs.ca_pem,
        client,
        &adt("A04", "S1", &unique_pid("RELA"), "GARCIA"),
    )
    .expect("an ACK over TLS");
    assert_eq!(msa(&ack), "AA", "{ack}");
    wait_for(&*s.outbox, State::Delivered, 1);
    // Without a client certificate: no ACK, nothing stored.
    assert!(
        tls_send(
            addr,
            &certs.ca_pem,
            None,
            &adt("A04", "S2", &unique_pid("RELA"), "GARCIA")
        )
        .is_err(),
        "a client without a certificate is refused"
    );
    // Plain MLLP on the TLS port: no ACK.
    let mut plain = TcpStream::connect(addr).expect("connect");
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write_frame(&mut plain, &adt("A04", "S3", &unique_pid("RELA"), "GARCIA")).expect("send");
    let mut reader = FrameReader::new(plain, 1 << 20, Duration::from_secs(10));
    assert!(
        !matches!(reader.next_frame(&AtomicBool::new(false)), Ok(Some(_))),
        "no ACK to plain MLLP"
    );
    let counts = s.outbox.counts().expect("counts");
    assert_eq!(
        counts.0.iter().map(|(_, n)| n).sum::<u64>(),
        1,
        "{counts:?}"
    );
    // Key material that does not fit is refused at start, naming no key bytes.
    let err = pfhir_relay::tls::MllpTls::from_pem(certs.server_pem.as_bytes(), b"nope", None)
        .expect_err("no key");
    assert!(err.to_string().contains("no readable private key"), "{err}");
    s.relay.shutdown();
}

#[test]
fn healthz_is_503_with_the_reason_when_a_worker_is_gone() {
    use pfhir_relay::metrics::{Health, Metrics, MetricsServer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let outbox: Arc<dyn Outbox> =
        Arc::new(SqliteOutbox::open(&tempdir("relay-e2e", "health")).expect("store"));
    let alive = Arc::new(AtomicUsize::new(2));
    let stop = Arc::new(AtomicBool::new(false));
    let server = MetricsServer::start(
        "127.0.0.1:0",
        Arc::new(Metrics::default()),
        Health {
            outbox,
            workers: 2,
            alive: alive.clone(),
        },
        stop.clone(),
    )
    .expect("metrics server");
    assert_eq!(http_get(server.addr(), "/healthz").0, 200);
    alive.store(1, Ordering::SeqCst);
    let (status, body) = http_get(server.addr(), "/healthz");
    assert_eq!(status, 503);
    assert_eq!(body, "unhealthy: 1 of 2 delivery workers run\n");
    let (_, metrics) = http_get(server.addr(), "/metrics");
    assert_eq!(sample(&metrics, "pfhir_relay_up"), 0.0);
    assert_eq!(
        http_get(server.addr(), "/healthz").0,
        503,
        "still unhealthy"
    );
    stop.store(true, Ordering::SeqCst);
    server.join();
}
