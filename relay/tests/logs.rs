//! The relay's log records carry message ids, states and codes, never a patient value: every
//! record emitted while messages are stored, refused, re-sent and delivered is captured and
//! searched.

use log::{Level, LevelFilter, Log, Metadata, Record};
use pfhir_core::client::{ApiVersion, Client};
use pfhir_core::hl7v2::{Converter, Hl7Options};
use pfhir_relay::mllp::{write_frame, FrameReader};
use pfhir_relay::store::{Outbox, SqliteOutbox, State};
use pfhir_relay::{Acker, Backoff, Deliverer, Relay, RelayConfig};
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::net::TcpStream;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

const MSG: &str = "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^EVENT^ADT_A01|CTRL|P|2.5.1\rEVN|EVENT|20240315103000\rPID|1||ZQXW4817263950^^^CIP^JHN||XIMENEZQUX^PERPETUA||BIRTH|F|||CALLE ZURBANO 77^^MADRID^MADRID^28013^ES^H\r";

fn msg(event: &str, ctrl: &str, birth: &str) -> Vec<u8> {
    MSG.replace("EVENT", event)
        .replace("CTRL", ctrl)
        .replace("BIRTH", birth)
        .into_bytes()
}

#[test]
fn logs_name_ids_and_states_never_patient_values() {
    log::set_logger(&CAPTURE).expect("logger");
    log::set_max_level(LevelFilter::Trace);
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = sb.client_config(ApiVersion::V2);
    let u = pfhir_core::build::uuid_v4().expect("random");
    let outbox = Arc::new(
        SqliteOutbox::open(&std::env::temp_dir().join(format!("pfhir-relay-logs-{}", &u[..8])))
            .expect("store"),
    );
    let options = Hl7Options::default();
    let relay = Relay::start(
        RelayConfig {
            listen: "127.0.0.1:0".into(),
            ..RelayConfig::default()
        },
        outbox.clone(),
        Acker::new(Converter::new(options.clone()).expect("converter")),
        Deliverer::new(
            Client::new(config).expect("client"),
            options,
            Backoff::default(),
        ),
    )
    .expect("relay");
    let mut s = TcpStream::connect(relay.addr()).expect("connect");
    s.set_read_timeout(Some(Duration::from_millis(100)))
        .expect("timeout");
    let mut r = FrameReader::new(
        s.try_clone().expect("clone"),
        1 << 20,
        Duration::from_secs(20),
    );
    let stop = AtomicBool::new(false);
    for m in [
        msg("A04", "L1", "19750616"),
        msg("A04", "L1", "19750616"),
        msg("A04", "L2", "19751399"),
        msg("A08", "L3", "19750616"),
    ] {
        write_frame(&mut s, &m).expect("send");
        r.next_frame(&stop).expect("ack").expect("ack frame");
    }
    let t0 = Instant::now();
    while outbox.counts().expect("counts").get(State::Delivered) < 2 {
        assert!(t0.elapsed() < Duration::from_secs(20), "delivered");
        std::thread::sleep(Duration::from_millis(20));
    }
    relay.shutdown();
    sb.shutdown();
    let logs = CAPTURE.0.lock().expect("logs").clone();
    let relay_logs: Vec<&String> = logs.iter().filter(|l| l.contains("pfhir::relay")).collect();
    assert!(
        relay_logs.iter().any(|l| l.contains("stored: pending"))
            && relay_logs.iter().any(|l| l.contains("delivered"))
            && relay_logs.iter().any(|l| l.contains("re-send"))
            && relay_logs.iter().any(|l| l.contains("refused: AE")),
        "the relay logs what it does: {relay_logs:#?}"
    );
    for needle in [
        "ZQXW4817263950",
        "XIMENEZQUX",
        "PERPETUA",
        "ZURBANO",
        "19750616",
        "19751399",
        "1975-06-16",
        "sandbox-secret",
    ] {
        for l in &logs {
            assert!(!l.contains(needle), "a log record carries {needle}: {l}");
        }
    }
}
