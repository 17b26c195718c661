//! `pfhir relay` as a process: MLLP in, the sandbox over real mutual TLS behind it; SIGTERM
//! stops it gracefully, SIGKILL at a kill point loses nothing and creates nothing twice.

use pfhir_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");

const A04: &str = "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^A04^ADT_A01|CTRL|P|2.5.1\rEVN|A04|20240315103000\rPID|1||PATIENTID^^^CIP^JHN||GARCIA^MARIA||19750616|F\r";

fn a04(ctrl: &str, pid: &str) -> Vec<u8> {
    A04.replace("|CTRL|", &format!("|{ctrl}|"))
        .replace("PATIENTID", pid)
        .into_bytes()
}

fn unique_pid() -> String {
    let u = pfhir_core::build::uuid_v4().expect("random");
    let digits: String = u
        .bytes()
        .filter(u8::is_ascii_hexdigit)
        .map(|b| char::from(b'0' + b % 10))
        .take(10)
        .collect();
    format!("RCLI{digits}")
}

fn tempdir(name: &str) -> PathBuf {
    let u = pfhir_core::build::uuid_v4().expect("random");
    let dir = std::env::temp_dir().join(format!("pfhir-relay-cli-{name}-{}", &u[..8]));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

/// Writes the sandbox's certificates and a config file for it into `dir`.
fn config_for(sb: &Sandbox, dir: &Path) -> String {
    sb.certs().write(dir.join("certs")).expect("certs");
    let c = sb.config();
    let path = dir.join("pfhir.toml");
    std::fs::write(
        &path,
        format!(
            "base_url = \"{}\"\napi_version = \"v2\"\norg_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\ncert = \"certs/client.pem\"\nkey = \"certs/client-key.pem\"\nca = \"certs/ca.pem\"\nmax_attempts = 1\n",
            sb.base_url(),
            c.org_id,
            c.client_id,
            c.client_secret
        ),
    )
    .expect("config");
    path.to_string_lossy().into_owned()
}

/// A relay process and the address it printed.
struct RelayProc {
    child: Child,
    addr: String,
    /// The metrics address, when --metrics was given.
    metrics: Option<String>,
}

fn start_relay(config: &str, store: &Path, extra: &[&str]) -> RelayProc {
    let mut child = Command::new(PFHIR)
        .args(["relay", "--listen", "127.0.0.1:0", "--store"])
        .arg(store)
        .args(["--config", config, "--backoff-ms", "50"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pfhir relay starts");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("first line");
    let addr = line
        .trim()
        .strip_prefix("listening on mllp://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    let metrics = extra.contains(&"--metrics").then(|| {
        let mut line = String::new();
        out.read_line(&mut line).expect("second line");
        line.trim()
            .strip_prefix("metrics on http://")
            .unwrap_or_else(|| panic!("unexpected second line {line:?}"))
            .to_string()
    });
    // Keep reading stdout so the process never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
    });
    RelayProc {
        child,
        addr,
        metrics,
    }
}

/// Sends one message over MLLP and returns MSA-1.
fn send(addr: &str, msg: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut frame = vec![0x0b];
    frame.extend_from_slice(msg);
    frame.extend_from_slice(&[0x1c, 0x0d]);
    s.write_all(&frame).expect("send");
    let mut ack = Vec::new();
    let mut byte = [0u8; 1];
    while !ack.ends_with(&[0x1c, 0x0d]) {
        let n = s.read(&mut byte).expect("read the ACK");
        assert_eq!(n, 1, "the connection closed before the ACK");
        ack.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&ack).into_owned();
    text.split('\r')
        .find_map(|seg| seg.strip_prefix("MSA|"))
        .and_then(|m| m.split('|').next())
        .expect("MSA")
        .to_string()
}

fn status(store: &Path) -> serde_json::Value {
    let out = Command::new(PFHIR)
        .args(["relay", "status", "--json", "--store"])
        .arg(store)
        .output()
        .expect("status runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).expect("status JSON")
}

fn wait_status(store: &Path, key: &str, n: u64) -> serde_json::Value {
    let t0 = Instant::now();
    loop {
        let s = status(store);
        if s[key] == n {
            return s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "waited for {n} {key}: {s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(ok.success(), "kill {sig}");
}

#[test]
fn relay_delivers_reports_status_and_stops_on_sigterm() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let dir = tempdir("sigterm");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    let mut relay = start_relay(&config, &store, &[]);
    let pid = unique_pid();
    assert_eq!(send(&relay.addr, &a04("T1", &pid)), "AA");
    let s = wait_status(&store, "delivered", 1);
    for key in [
        "pending",
        "sending",
        "delivered",
        "rejected",
        "waiting",
        "uncertain",
        "held",
    ] {
        assert!(s[key].is_u64(), "status has {key}: {s}");
    }
    assert_eq!(sb.stats().patients, 1);
    let show = Command::new(PFHIR)
        .args(["relay", "show", "1", "--store"])
        .arg(&store)
        .output()
        .expect("show");
    let shown = String::from_utf8_lossy(&show.stdout);
    assert!(shown.contains("\"delivered\""), "{shown}");
    assert!(
        !shown.contains(&pid),
        "show prints no patient value: {shown}"
    );
    signal(&relay.child, "-TERM");
    let t0 = Instant::now();
    let code = loop {
        if let Some(st) = relay.child.try_wait().expect("wait") {
            break st.code();
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "no exit on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, Some(0), "a graceful stop exits 0");
}

#[test]
fn sigkill_after_the_ack_and_before_delivery_loses_nothing() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let dir = tempdir("sigkill");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    // First run: the platform cannot be reached (a closed port), so the message is stored
    // and acknowledged but cannot be delivered.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!(
        "https://127.0.0.1:{}/partners/fhir/stu3/api/",
        closed.local_addr().expect("addr").port()
    );
    drop(closed);
    let mut relay = start_relay(&config, &store, &["--base-url", &dead]);
    let pid = unique_pid();
    assert_eq!(send(&relay.addr, &a04("K1", &pid)), "AA");
    wait_status(&store, "waiting", 1);
    signal(&relay.child, "-KILL");
    let _ = relay.child.wait();
    assert_eq!(sb.stats().patients, 0);
    // Restart against the platform: delivered exactly once.
    let mut relay = start_relay(&config, &store, &[]);
    wait_status(&store, "delivered", 1);
    // The HIS re-sends (it never saw the ACK, say): recognised, not processed again.
    assert_eq!(send(&relay.addr, &a04("K1", &pid)), "AA");
    std::thread::sleep(Duration::from_millis(300));
    let s = status(&store);
    assert_eq!(
        (s["delivered"].as_u64(), s["pending"].as_u64()),
        (Some(1), Some(0)),
        "{s}"
    );
    assert_eq!(sb.stats().patients, 1, "created exactly once");
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
}

/// Kills a relay while the sandbox holds its create (read, not yet answered), and returns
/// the sandbox's request count after the kill.
fn kill_mid_create(sb: &Sandbox, config: &str, store: &Path, pid: &str) -> u64 {
    // The platform reads the create and would answer only after 3 s.
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: None,
        times: 1,
        fault: Fault::Hang(Duration::from_secs(3)),
    });
    let mut relay = start_relay(config, store, &["--request-timeout", "30"]);
    assert_eq!(send(&relay.addr, &a04("S1", pid)), "AA");
    wait_status(store, "sending", 1);
    let before = sb.stats().requests;
    let t0 = Instant::now();
    while sb.stats().requests == before && t0.elapsed() < Duration::from_millis(500) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    signal(&relay.child, "-KILL");
    let _ = relay.child.wait();
    std::thread::sleep(Duration::from_millis(200));
    sb.stats().requests
}

#[test]
fn sigkill_mid_send_of_a_create_holds_it_instead_of_sending_it_again() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    // De-duplication off: a re-sent create could make a second patient.
    sb.set_dedup(false);
    let dir = tempdir("midsend");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    let requests = kill_mid_create(&sb, &config, &store, &unique_pid());
    // Restart: the create may have been processed; v2 without de-duplication cannot find
    // out, so it is held for a person and nothing is sent.
    let mut relay = start_relay(&config, &store, &[]);
    let s = wait_status(&store, "held", 1);
    assert_eq!(s["delivered"], 0, "{s}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        sb.stats().requests,
        requests,
        "nothing sent after the restart"
    );
    assert!(sb.stats().patients <= 1);
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
}

#[test]
fn sigkill_mid_send_against_a_deduplicating_server_delivers_once() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    assert!(sb.dedup());
    let dir = tempdir("midsend-dedup");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    kill_mid_create(&sb, &config, &store, &unique_pid());
    // Restart knowing the server de-duplicates: the create is re-sent with its request id.
    let mut relay = start_relay(&config, &store, &["--server-dedup"]);
    wait_status(&store, "delivered", 1);
    assert_eq!(sb.stats().patients, 1, "exactly one patient");
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
}

/// Runs a relay that aborts right after the platform answered its first request (before the
/// answer is recorded), sends one create, and waits for the process to die.
fn abort_after_answer(config: &str, store: &Path, pid: &str, extra: &[&str]) {
    let mut args = vec!["--test-abort-after-answer"];
    args.extend_from_slice(extra);
    let mut relay = start_relay(config, store, &args);
    assert_eq!(send(&relay.addr, &a04("A1", pid)), "AA");
    let t0 = Instant::now();
    while relay.child.try_wait().expect("wait").is_none() {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the relay aborts after the answer"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn killed_after_the_answer_before_recording_it_v2_holds_without_a_second_create() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    sb.set_dedup(false);
    let dir = tempdir("after-answer-v2");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    abort_after_answer(&config, &store, &unique_pid(), &[]);
    assert_eq!(sb.stats().patients, 1, "the platform created it");
    assert_eq!(
        status(&store)["sending"],
        1,
        "the answer was never recorded"
    );
    let requests = sb.stats().requests;
    let mut relay = start_relay(&config, &store, &[]);
    wait_status(&store, "held", 1);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sb.stats().requests, requests, "nothing sent again");
    assert_eq!(sb.stats().patients, 1, "never created twice");
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
}

#[test]
fn killed_after_the_answer_before_recording_it_v1_resolves_by_reading_and_delivers_once() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    sb.set_dedup(false);
    let dir = tempdir("after-answer-v1");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    let pid = unique_pid();
    abort_after_answer(&config, &store, &pid, &["--api-version", "v1"]);
    assert_eq!(sb.stats().patients, 1);
    // Restart: v1 reads Patient/{business id}, finds it: delivered, with its id mapped.
    let mut relay = start_relay(&config, &store, &["--api-version", "v1"]);
    wait_status(&store, "delivered", 1);
    assert_eq!(sb.stats().patients, 1, "never created twice");
    // The patient's update goes through (v1: to the business id).
    let a08 = String::from_utf8(a04("A2", &pid))
        .expect("text")
        .replace("ADT^A04", "ADT^A08")
        .replace("EVN|A04", "EVN|A08")
        .replace("GARCIA", "LOPEZ");
    assert_eq!(send(&relay.addr, a08.as_bytes()), "AA");
    wait_status(&store, "delivered", 2);
    assert_eq!(sb.stats().patients, 1);
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
}

#[test]
fn operator_commands_refuse_a_missing_store_and_wrong_states() {
    let dir = tempdir("operator");
    let missing = dir.join("nothing-here");
    let out = Command::new(PFHIR)
        .args(["relay", "status", "--store"])
        .arg(&missing)
        .output()
        .expect("status runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        !missing.exists(),
        "no empty store is created at a wrong path"
    );
    // A store with one delivered message: retry and drop refuse it, an unknown id is named.
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    let mut relay = start_relay(&config, &store, &[]);
    assert_eq!(send(&relay.addr, &a04("O1", &unique_pid())), "AA");
    wait_status(&store, "delivered", 1);
    signal(&relay.child, "-TERM");
    let _ = relay.child.wait();
    for (args, needle) in [
        (vec!["retry", "1"], "delivered"),
        (vec!["drop", "1"], "delivered"),
        (vec!["set-id", "1", "abc"], "delivered"),
        (vec!["show", "42"], "no message 42"),
    ] {
        let out = Command::new(PFHIR)
            .arg("relay")
            .args(&args)
            .arg("--store")
            .arg(&store)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn demo_relay_sends_adt_messages_through_a_relay_and_prints_acks_and_states() {
    let out = Command::new(PFHIR)
        .args(["demo", "--relay"])
        .output()
        .expect("pfhir demo --relay runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}\n{out:?}");
    for expected in [
        "A04 create           ACK AA",
        "A08 update           ACK AA",
        "A04 re-sent          ACK AA",
        "A04 bad birth date   ACK AE",
        "ERR||PID^1^7^1|102^Data type error",
        "message 1  create  delivered",
        "message 2  update  delivered",
        "delivered 2",
        "platform: 1 patient(s)",
        "the update is there: yes",
    ] {
        assert!(text.contains(expected), "{expected:?} missing in:\n{text}");
    }
    // The ACKs and states carry no patient values (the demo's names and birth date).
    for value in ["PEREZ", "MANOLO", "19750616"] {
        assert!(!text.contains(value), "{value} in:\n{text}");
    }
}

/// GET over HTTP/1.1: (status, body).
fn http_get(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(s, "GET {path} HTTP/1.1\r\nHost: relay\r\n\r\n").expect("request");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("response");
    let (head, body) = raw.split_once("\r\n\r\n").expect("HTTP response");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    (status, body.to_string())
}

#[test]
fn relay_options_metrics_health_answer_ack_rate_and_tls_refusals() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let dir = tempdir("options");
    let config = config_for(&sb, &dir);
    let store = dir.join("store");
    let mut relay = start_relay(
        &config,
        &store,
        &[
            "--metrics",
            "127.0.0.1:0",
            "--ack-after-answer",
            "--ack-timeout",
            "20",
            "--rate",
            "50",
            "--update-unknown-as-create",
        ],
    );
    let metrics = relay.metrics.clone().expect("metrics address printed");
    assert_eq!(http_get(&metrics, "/healthz"), (200, "ok\n".to_string()));
    // ACK after answer: the ACK comes once delivered.
    assert_eq!(send(&relay.addr, &a04("O1", &unique_pid())), "AA");
    assert_eq!(status(&store)["delivered"], 1, "delivered before the ACK");
    let (code, body) = http_get(&metrics, "/metrics");
    assert_eq!(code, 200);
    assert!(body.contains("pfhir_relay_acked_total 1\n"), "{body}");
    assert!(
        body.contains("pfhir_relay_deliveries_total{outcome=\"delivered\"} 1\n"),
        "{body}"
    );
    signal(&relay.child, "-TERM");
    assert_eq!(relay.child.wait().expect("exit").code(), Some(0));

    // TLS settings that cannot work are refused at start (exit 2), naming no key bytes.
    std::fs::write(dir.join("bad-key.pem"), "not a key").expect("write");
    let out = Command::new(PFHIR)
        .args(["relay", "--listen", "127.0.0.1:0", "--store"])
        .arg(&store)
        .args(["--config", &config, "--tls-cert"])
        .arg(dir.join("certs/ca.pem"))
        .arg("--tls-key")
        .arg(dir.join("bad-key.pem"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no readable private key"), "{err}");
    assert!(!err.contains("not a key"), "{err}");
}
