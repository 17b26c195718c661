//! The embedded outbox against the sandbox over real mutual TLS: Bundles and HL7 messages
//! submitted, the outbox closed (or dropped mid-send) and reopened, and everything delivered
//! once.

mod support;

use pfhir_core::client::{ApiVersion, Client, ClientConfig, RetryPolicy};
use pfhir_core::hl7v2::{Converter, Hl7Options};
use pfhir_relay::store::{Kind, Outbox, SqliteOutbox, State};
use pfhir_relay::{Backoff, EmbeddedOutbox, OutboxError, OutboxOptions, Received};
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::path::Path;
use std::time::{Duration, Instant};
use support::{adt, unique_pid};

/// A ready message Bundle for patient `pid` (the HL7 converter builds it; `logical_id` is
/// Patient.id, for a v2 update).
fn bundle(pid: &str, family: &str, logical_id: Option<&str>) -> Vec<u8> {
    let options = Hl7Options {
        patient_id: logical_id.map(str::to_string),
        ..Hl7Options::default()
    };
    let event = if logical_id.is_some() { "A08" } else { "A04" };
    Converter::new(options)
        .expect("converter")
        .convert(&adt(event, "B", pid, family))
        .bundle_json()
        .expect("a valid Bundle")
}

/// The Bundle without its Patient.id (the converter writes it right after resourceType).
fn without_patient_id(bundle: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(bundle.to_vec()).expect("text");
    let head = "\"resourceType\":\"Patient\",\"id\":\"";
    let at = text.find(head).expect("a Patient with an id") + head.len();
    let end = at + text[at..].find('"').expect("the id's end");
    let mut out = text[..at - "\"id\":\"".len() - 1].to_string();
    out.push_str(&text[end + 1..]);
    out.into_bytes()
}

/// The sandbox's client configuration, without retries (the outbox retries itself).
fn no_retry_config(sb: &Sandbox, version: ApiVersion) -> ClientConfig {
    let mut config = sb.client_config(version);
    config.retry = RetryPolicy::none();
    config
}

/// The same configuration pointed at a loopback port where nothing listens.
fn unreachable(mut config: ClientConfig) -> ClientConfig {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    config.base_url = format!("https://127.0.0.1:{port}/partners/fhir/stu3/api/");
    config
}

fn open(dir: &Path, config: ClientConfig) -> EmbeddedOutbox {
    EmbeddedOutbox::open(
        dir,
        Client::new(config).expect("client"),
        Hl7Options::default(),
        OutboxOptions {
            workers: 2,
            backoff: Backoff {
                initial: Duration::from_millis(50),
                max: Duration::from_millis(200),
            },
        },
    )
    .expect("open")
}

/// Waits until message `id` is in `state`.
fn wait_state(o: &EmbeddedOutbox, id: i64, state: State) -> pfhir_relay::store::MessageInfo {
    let t0 = Instant::now();
    loop {
        let m = o.status(id).expect("status");
        if m.state == state {
            return m;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "waited 20 s for message {id} to be {}: {m:?}",
            state.as_str()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stored(r: &Received) -> i64 {
    match r {
        Received::Stored(id) => *id,
        other => panic!("stored expected, got {other:?}"),
    }
}

#[test]
fn submitted_while_the_platform_is_down_is_delivered_after_close_and_reopen() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = no_retry_config(&sb, ApiVersion::V2);
    let dir = support::tempdir("outbox", "reopen");
    let (p1, p2) = (unique_pid("EMBD"), unique_pid("EMBD"));

    let o = open(&dir, unreachable(config.clone()));
    let b = o
        .submit_bundle(&bundle(&p1, "GARCIA", None), Kind::Create)
        .expect("submit bundle");
    assert!(!b.duplicate);
    let (ack, received) = o.submit_hl7(&adt("A04", "E1", &p2, "LOPEZ"));
    assert!(
        String::from_utf8_lossy(&ack).contains("MSA|AA|E1"),
        "AA once stored"
    );
    let h = stored(&received);
    // The platform cannot be reached: both wait, nothing is lost.
    wait_state(&o, b.id, State::Waiting);
    wait_state(&o, h, State::Waiting);
    o.close();
    assert_eq!(sb.stats().patients, 0);

    let o = open(&dir, config.clone());
    let mb = wait_state(&o, b.id, State::Delivered);
    let mh = wait_state(&o, h, State::Delivered);
    assert_eq!(sb.stats().patients, 2);
    let client = Client::new(config).expect("client");
    let l1 = mb.logical_id.expect("the Bundle create's logical id");
    let read = client.read(&l1).expect("read");
    assert_eq!(read.patient.name[0].family.as_deref(), Some("GARCIA"));
    assert!(mh.logical_id.is_some());

    // An update as a ready Bundle goes to the Patient.id it carries; an HL7 update of the
    // same patient follows it through the id map the Bundle create filled.
    let u = o
        .submit_bundle(&bundle(&p1, "MARTIN", Some(&l1)), Kind::Update)
        .expect("submit update");
    wait_state(&o, u.id, State::Delivered);
    assert_eq!(
        client.read(&l1).expect("read").patient.name[0]
            .family
            .as_deref(),
        Some("MARTIN")
    );
    let (_, r) = o.submit_hl7(&adt("A08", "E2", &p1, "RUIZ"));
    wait_state(&o, stored(&r), State::Delivered);
    assert_eq!(
        client.read(&l1).expect("read").patient.name[0]
            .family
            .as_deref(),
        Some("RUIZ")
    );
    assert_eq!(sb.stats().patients, 2, "updates create nothing");
    o.close();
}

#[test]
fn a_create_left_sending_when_the_outbox_died_is_resolved_and_delivered_once_after_reopen() {
    // v1: an uncertain create is resolved by reading Patient/{business id}.
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = no_retry_config(&sb, ApiVersion::V1);
    let dir = support::tempdir("outbox", "crash");
    let pid = unique_pid("EMBD");
    let id = {
        let o = open(&dir, unreachable(config.clone()));
        let id = o
            .submit_bundle(&bundle(&pid, "GARCIA", None), Kind::Create)
            .expect("submit")
            .id;
        wait_state(&o, id, State::Waiting);
        drop(o);
        id
    };
    // A worker took it and the process died before the answer was recorded.
    {
        let store = SqliteOutbox::open(&dir).expect("store");
        let far = pfhir_relay::store::now_ms() + 60_000;
        let c = store
            .claim(far)
            .expect("claim")
            .expect("the waiting create");
        assert_eq!(c.id, id);
        assert!(c.is_ready_bundle());
    }
    let o = open(&dir, config);
    let m = wait_state(&o, id, State::Delivered);
    assert_eq!(
        m.logical_id.as_deref(),
        Some(pid.as_str()),
        "v1: the business id"
    );
    assert!(m.attempts >= 2, "tried, then resolved and sent: {m:?}");
    assert_eq!(sb.stats().patients, 1);
    o.close();
}

#[test]
fn what_cannot_be_delivered_is_refused_at_submit_and_not_stored() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let dir = support::tempdir("outbox", "refused");
    let o = open(&dir, unreachable(no_retry_config(&sb, ApiVersion::V2)));
    let pid = unique_pid("EMBD");

    // Invalid: the OperationOutcome comes back, without the patient's values.
    let bad = String::from_utf8(bundle(&pid, "GARCIA", None))
        .expect("text")
        .replace("1975-06-16", "1975-13-99");
    match o.submit_bundle(bad.as_bytes(), Kind::Create) {
        Err(OutboxError::Invalid { outcome }) => {
            let outcome_json = outcome.to_json();
            assert!(outcome_json.contains("birthDate"), "{outcome_json}");
            assert!(!outcome_json.contains("1975-13-99"), "{outcome_json}");
        }
        other => panic!("invalid expected, got {other:?}"),
    }
    match o.submit_bundle(b"{not json", Kind::Create) {
        Err(OutboxError::Invalid { .. }) => {}
        other => panic!("invalid expected, got {other:?}"),
    }
    // A v2 update must name its target.
    match o.submit_bundle(
        &without_patient_id(&bundle(&pid, "GARCIA", None)),
        Kind::Update,
    ) {
        Err(e @ OutboxError::UpdateTarget) => {
            assert!(e.to_string().contains("Patient.id"), "{e}");
            assert!(!e.to_string().contains(&pid));
        }
        other => panic!("unusable expected, got {other:?}"),
    }
    // An HL7 message that cannot become a Bundle: AR/AE now, nothing stored.
    let oru = String::from_utf8(adt("A04", "R1", &pid, "GARCIA"))
        .expect("text")
        .replace("ADT^A04^ADT_A01", "ORU^R01^ORU_R01");
    let (ack, r) = o.submit_hl7(oru.as_bytes());
    assert!(matches!(r, Received::Refused(_)), "{r:?}");
    assert!(String::from_utf8_lossy(&ack).contains("MSA|AR"));
    let counts = o.counts().expect("counts");
    assert_eq!(
        counts.0.iter().map(|(_, n)| n).sum::<u64>(),
        0,
        "{counts:?}"
    );

    // The same Bundle twice (same Bundle.id) is stored once.
    let b = bundle(&pid, "GARCIA", None);
    let first = o.submit_bundle(&b, Kind::Create).expect("first");
    let again = o.submit_bundle(&b, Kind::Create).expect("again");
    assert_eq!((again.id, again.duplicate), (first.id, true));
    assert!(matches!(
        o.status(first.id + 100),
        Err(OutboxError::Store(_))
    ));
    o.close();
}

#[test]
fn a_folder_is_delivered_from_by_one_outbox_at_a_time() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = unreachable(no_retry_config(&sb, ApiVersion::V2));
    let dir = support::tempdir("outbox", "lock");
    let first = open(&dir, config.clone());
    let second = EmbeddedOutbox::open(
        &dir,
        Client::new(config.clone()).expect("client"),
        Hl7Options::default(),
        OutboxOptions::default(),
    );
    match second {
        Err(pfhir_relay::outbox::OutboxError::Locked(e)) => {
            assert!(e.to_string().contains("in use"), "{e}")
        }
        Err(e) => panic!("expected the folder to be locked, got {e}"),
        Ok(_) => panic!("a second outbox opened a folder the first delivers from"),
    }
    first.close();
    open(&dir, config).close();
    let _ = std::fs::remove_dir_all(&dir);
}
