//! The relay's SIGKILL matrix (issue 16, item 4): many patients, each a create and several
//! updates, sent over MLLP from three connections to a `pfhir relay` process in front of the
//! sandbox with its de-duplication switched off (and on, with `--server-dedup`, in a third run). The relay is killed again and again, at the
//! kill points (hidden `--test-abort-*` flags: after the commit before the ACK, after the ACK,
//! after the claim before the request, after the answer before recording it), at seeded
//! random moments (SIGKILL) and after runs with the platform down (a backlog per patient),
//! and restarted on the same store; the senders re-send what was
//! not acknowledged, as an HIS does (same MSH-10). At the end every patient exists exactly
//! once on the platform with its last update, every message is stored once and delivered,
//! and the held ones are exactly those docs/relay.md says need a person (resolved here with
//! `pfhir relay set-id` or `retry`, as that person would).
//!
//! `PFHIR_MATRIX_SEED=N` replays a run's schedule; a failure prints the seed and the patient
//! that differs (the values are synthetic test data).
//!
//! Also here: `relay status` reports the age of the oldest waiting message.

use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");

/// Patients, updates per patient (after the create), sender connections.
const PATIENTS: usize = 24;
const UPDATES: usize = 5;
const CONNECTIONS: usize = 3;
/// New messages the senders may send during one killed relay run.
const RUN_BUDGET: u64 = 5;

/// A small seeded generator (xorshift64*), so that a run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn seed() -> u64 {
    std::env::var("PFHIR_MATRIX_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        })
}

fn tempdir(name: &str) -> PathBuf {
    let u = pfhir_core::build::uuid_v4().expect("random");
    let dir = std::env::temp_dir().join(format!("pfhir-relay-matrix-{name}-{}", &u[..8]));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

/// Writes the sandbox's certificates and a config file for it into `dir`.
fn config_for(sb: &Sandbox, dir: &Path, api: &str) -> String {
    sb.certs().write(dir.join("certs")).expect("certs");
    let c = sb.config();
    let path = dir.join("pfhir.toml");
    std::fs::write(
        &path,
        format!(
            "base_url = \"{}\"\napi_version = \"{api}\"\norg_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\ncert = \"certs/client.pem\"\nkey = \"certs/client-key.pem\"\nca = \"certs/ca.pem\"\nmax_attempts = 1\n",
            sb.base_url(),
            c.org_id,
            c.client_id,
            c.client_secret
        ),
    )
    .expect("config");
    path.to_string_lossy().into_owned()
}

/// One HL7 message of the plan.
#[derive(Clone)]
struct Msg {
    control: String,
    bytes: Vec<u8>,
}

/// The synthetic family name of `patient`'s version `v` (letters only).
fn family(patient: usize, v: usize) -> String {
    let l = |n: usize| char::from(b'A' + u8::try_from(n % 26).expect("small"));
    format!("APELLIDO{}{}", l(patient), l(v))
}

fn message(patient: usize, v: usize, pid: &str) -> Msg {
    let (event, structure) = if v == 0 {
        ("A04", "ADT_A01")
    } else {
        ("A08", "ADT_A01")
    };
    let control = format!("P{patient}V{v}");
    let family = family(patient, v);
    let text = format!(
        "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^{event}^{structure}|{control}|P|2.5.1\rEVN|{event}|20240315103000\rPID|1||{pid}^^^CIP^JHN||{family}^MARIA||19750616|F\r"
    );
    Msg {
        control,
        bytes: text.into_bytes(),
    }
}

/// Connection `c`'s messages: its patients' creates and updates, interleaved across them
/// (each patient's own messages in order, on this one connection).
fn plan(pids: &[String], c: usize) -> Vec<Msg> {
    let mine: Vec<usize> = (0..PATIENTS).filter(|p| p % CONNECTIONS == c).collect();
    let mut out = Vec::new();
    for v in 0..=UPDATES {
        for &p in &mine {
            out.push(message(p, v, &pids[p]));
        }
    }
    out
}

/// How many new messages the senders may still send in this relay run (so that every run
/// has traffic while it lives, whatever the machine's speed); `None`: no limit.
#[derive(Default)]
struct Gate {
    budget: Mutex<Option<u64>>,
    cv: Condvar,
}

impl Gate {
    fn set(&self, budget: Option<u64>) {
        *self.budget.lock().expect("gate") = budget;
        self.cv.notify_all();
    }

    /// Takes one message from the budget, waiting for the next run when it is spent.
    fn take(&self, deadline: Instant) -> Result<(), String> {
        let mut b = self.budget.lock().expect("gate");
        loop {
            match *b {
                None => return Ok(()),
                Some(n) if n > 0 => {
                    *b = Some(n - 1);
                    return Ok(());
                }
                Some(_) => {
                    if Instant::now() > deadline {
                        return Err("the gate never opened".into());
                    }
                    b = self
                        .cv
                        .wait_timeout(b, Duration::from_millis(100))
                        .expect("gate")
                        .0;
                }
            }
        }
    }
}

/// What one sender saw.
#[derive(Default, Debug)]
struct Sent {
    /// Messages answered AA (with their own control id in MSA-2).
    acked: usize,
    /// Sends that got no ACK (the relay died) and were sent again.
    resends: usize,
    /// Acknowledged messages sent again as if the ACK had been lost, answered with the
    /// same ACK byte for byte.
    lost_acks: usize,
}

/// An HIS link: sends each message until it is acknowledged, re-sending the same bytes
/// (same MSH-10) after a connection that died before the ACK.
/// Every `lose_every`th acknowledged message is sent once more as if its ACK had been lost;
/// with `same_bytes` its answer must be the first ACK byte for byte (not so with
/// `--ack-after-answer`, where the first ACK carries the platform's answer and a re-send
/// gets the ACK stored at accept time).
#[allow(clippy::too_many_arguments)]
fn sender(
    msgs: Vec<Msg>,
    addr: Arc<Mutex<String>>,
    gate: Arc<Gate>,
    pace_ms: u64,
    lose_every: usize,
    same_bytes: bool,
    deadline: Instant,
) -> Result<Sent, String> {
    let mut sent = Sent::default();
    let mut conn: Option<TcpStream> = None;
    let mut first_ack: Option<String> = None;
    let mut queue: Vec<(Msg, bool)> = Vec::new();
    for (n, m) in msgs.into_iter().enumerate() {
        queue.push((m.clone(), false));
        if n % lose_every == lose_every - 1 {
            queue.push((m, true));
        }
    }
    for (m, again) in queue {
        if !again {
            gate.take(deadline)?;
        }
        loop {
            if Instant::now() > deadline {
                return Err(format!("message {} never acknowledged", m.control));
            }
            if conn.is_none() {
                let a = addr.lock().expect("addr").clone();
                conn = TcpStream::connect(&a).ok();
                if let Some(s) = &conn {
                    s.set_read_timeout(Some(Duration::from_secs(10)))
                        .expect("timeout");
                } else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            }
            let Some(s) = conn.as_mut() else { continue };
            match exchange(s, &m.bytes) {
                Ok(ack) => {
                    let msa: Vec<&str> = ack
                        .split('\r')
                        .find_map(|seg| seg.strip_prefix("MSA|"))
                        .map(|m| m.split('|').collect())
                        .unwrap_or_default();
                    if msa.first() == Some(&"AR") {
                        // "Send it again" (the store failed): an HIS re-sends.
                        sent.resends += 1;
                        continue;
                    }
                    if msa.first() != Some(&"AA") || msa.get(1) != Some(&m.control.as_str()) {
                        return Err(format!("message {}: ACK {msa:?}", m.control));
                    }
                    if again {
                        // The HIS lost this ACK and sent the message again: the stored ACK.
                        if same_bytes && first_ack.as_deref() != Some(ack.as_str()) {
                            return Err(format!(
                                "message {}: a re-send after its ACK got another ACK",
                                m.control
                            ));
                        }
                        sent.lost_acks += 1;
                    } else {
                        sent.acked += 1;
                        first_ack = Some(ack);
                    }
                    break;
                }
                Err(_) => {
                    // No ACK: the relay died. Re-send the same message on a new connection.
                    sent.resends += 1;
                    conn = None;
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        std::thread::sleep(Duration::from_millis(pace_ms));
    }
    Ok(sent)
}

/// Sends one MLLP frame and reads the ACK.
fn exchange(s: &mut TcpStream, msg: &[u8]) -> std::io::Result<String> {
    let mut frame = vec![0x0b];
    frame.extend_from_slice(msg);
    frame.extend_from_slice(&[0x1c, 0x0d]);
    s.write_all(&frame)?;
    let mut ack = Vec::new();
    let mut byte = [0u8; 1];
    while !ack.ends_with(&[0x1c, 0x0d]) {
        if s.read(&mut byte)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        ack.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&ack).into_owned())
}

/// How a relay run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    /// `--test-abort-before-ack N`: the Nth new message is committed, its ACK not written.
    BeforeAck(u64),
    /// `--test-abort-after-ack N`.
    AfterAck(u64),
    /// `--test-abort-before-send N`: the Nth claim is committed, its request not sent.
    BeforeSend(u64),
    /// `--test-abort-after-answer N`: the Nth answer is not recorded.
    AfterAnswer(u64),
    /// `--test-abort-in-commit N`: the Nth group commit (accepts, claims, outcomes) dies
    /// before its COMMIT.
    InCommit(u64),
    /// SIGKILL after this many milliseconds.
    After(u64),
    /// The platform unreachable (a closed port) for the whole run, SIGKILL after this many
    /// milliseconds: a backlog of several messages per patient builds up, delivered by the
    /// next runs with every worker at once (per-patient order is then what keeps each
    /// patient's last update last).
    Down(u64),
}

impl Kill {
    fn args(self, dead: &str) -> Vec<String> {
        let (flag, n) = match self {
            Kill::BeforeAck(n) => ("--test-abort-before-ack", n),
            Kill::AfterAck(n) => ("--test-abort-after-ack", n),
            Kill::BeforeSend(n) => ("--test-abort-before-send", n),
            Kill::AfterAnswer(n) => ("--test-abort-after-answer", n),
            Kill::InCommit(n) => ("--test-abort-in-commit", n),
            Kill::After(_) => return Vec::new(),
            Kill::Down(_) => return vec!["--base-url".into(), dead.into()],
        };
        vec![flag.to_string(), n.to_string()]
    }

    fn kind(self) -> usize {
        match self {
            Kill::BeforeAck(_) => 0,
            Kill::AfterAck(_) => 1,
            Kill::BeforeSend(_) => 2,
            Kill::AfterAnswer(_) => 3,
            Kill::InCommit(_) => 4,
            Kill::After(_) | Kill::Down(_) => 5,
        }
    }
}

/// Starts `pfhir relay` on `store` (its log into `log`) and returns it with its address;
/// `None` when it died before listening (a kill point armed on a delivery can fire on the
/// backlog right after the start).
fn start_relay(
    config: &str,
    store: &Path,
    log: &Path,
    extra: &[String],
) -> (Child, Option<String>) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    let mut child = Command::new(PFHIR)
        .args(["relay", "--listen", "127.0.0.1:0", "--store"])
        .arg(store)
        .args(["--config", config, "--backoff-ms", "50"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .expect("pfhir relay starts");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut line).expect("first line");
    if line.is_empty() {
        return (child, None);
    }
    let addr = line
        .trim()
        .strip_prefix("listening on mllp://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
    });
    (child, Some(addr))
}

/// The URL of a platform that cannot be reached (a port just closed).
fn dead_platform() -> String {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    format!("https://127.0.0.1:{port}/partners/fhir/stu3/api/")
}

fn relay_json(args: &[&str], store: &Path) -> serde_json::Value {
    let out = Command::new(PFHIR)
        .arg("relay")
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .expect("pfhir relay runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn operator(args: &[&str], store: &Path) {
    let out = Command::new(PFHIR)
        .arg("relay")
        .args(args)
        .arg("--store")
        .arg(store)
        .output()
        .expect("pfhir relay runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
}

fn total(status: &serde_json::Value) -> u64 {
    pfhir_relay::store::State::ALL
        .iter()
        .map(|state| status[state.as_str()].as_u64().unwrap_or(0))
        .sum()
}

/// Every stored message as `relay show` prints it, by control id.
fn messages(store: &Path, n: u64) -> HashMap<String, serde_json::Value> {
    (1..=n)
        .map(|id| {
            let m = relay_json(&["show", &id.to_string()], store);
            (m["controlId"].as_str().expect("controlId").to_string(), m)
        })
        .collect()
}

fn patient_of(control: &str) -> usize {
    control
        .strip_prefix('P')
        .and_then(|r| r.split('V').next())
        .and_then(|p| p.parse().ok())
        .expect("control id P{patient}V{version}")
}

/// The platform's patients with business id `pid`: (logical id, family name).
fn on_platform(sb: &Sandbox, pid: &str) -> Vec<(String, String)> {
    sb.patients()
        .into_iter()
        .filter(|p| p.identifier.iter().any(|i| i.value.as_deref() == Some(pid)))
        .map(|p| {
            let family = p
                .name
                .first()
                .and_then(|n| n.family.clone())
                .unwrap_or_default();
            (p.id.unwrap_or_default(), family)
        })
        .collect()
}

/// The kill schedule: first after the first answer (a create's: on v2 it must be held),
/// then every kill point four times with a seeded N, and seeded random SIGKILLs, in a
/// seeded order.
fn schedule(rng: &mut Rng) -> Vec<Kill> {
    let mut kills = Vec::new();
    for _ in 0..4 {
        kills.push(Kill::BeforeAck(1 + rng.below(4)));
        kills.push(Kill::AfterAck(1 + rng.below(4)));
        kills.push(Kill::BeforeSend(1 + rng.below(4)));
        kills.push(Kill::AfterAnswer(1 + rng.below(4)));
        kills.push(Kill::InCommit(1 + rng.below(8)));
        kills.push(Kill::After(50 + rng.below(400)));
    }
    kills.push(Kill::Down(400 + rng.below(300)));
    kills.push(Kill::Down(400 + rng.below(300)));
    for i in (1..kills.len()).rev() {
        let j = usize::try_from(rng.below(i as u64 + 1)).expect("small");
        kills.swap(i, j);
    }
    kills.insert(0, Kill::AfterAnswer(1));
    kills
}

/// One matrix run on `api`; `server_dedup`: the sandbox de-duplicates by request id and the
/// relay is told so (`--server-dedup`), else the sandbox's de-duplication is off;
/// `ack_after_answer`: the relay runs with `--ack-after-answer`.
fn matrix(api: &str, server_dedup: bool, ack_after_answer: bool) {
    let seed = seed();
    let mut rng = Rng(seed);
    let t0 = Instant::now();
    let dedup = match (server_dedup, ack_after_answer) {
        (true, _) => "dedup on",
        (false, false) => "dedup off",
        (false, true) => "dedup off, ack after answer",
    };
    let ctx =
        |what: String| format!("seed {seed} (PFHIR_MATRIX_SEED={seed}), {api}, {dedup}: {what}");
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    // De-duplication off: a create sent twice would make a second patient (or a conflict).
    sb.set_dedup(server_dedup);
    let mut always: Vec<String> = Vec::new();
    if server_dedup {
        always.push("--server-dedup".into());
    }
    if ack_after_answer {
        always.extend(["--ack-after-answer", "--ack-timeout", "2"].map(String::from));
    }
    let with = |kill: &[String]| [always.clone(), kill.to_vec()].concat();
    let dir = tempdir(&format!("{api}-{}", dedup.replace([' ', ','], "-")));
    let config = config_for(&sb, &dir, api);
    let store = dir.join("store");
    let log = dir.join("relay.log");
    let tag = &pfhir_core::build::uuid_v4().expect("random")[..6];
    let pids: Vec<String> = (0..PATIENTS)
        .map(|p| format!("MX{}{p:02}", tag.to_uppercase()))
        .collect();
    let kills = schedule(&mut rng);
    let dead = dead_platform();
    eprintln!(
        "relay matrix: {}",
        ctx(format!("kills {kills:?}, log {}", log.display()))
    );

    let (mut relay, first) = start_relay(&config, &store, &log, &with(&kills[0].args(&dead)));
    // Nothing listens at port 1: the senders retry until a relay does.
    let addr = Arc::new(Mutex::new(first.unwrap_or_else(|| "127.0.0.1:1".into())));
    let gate = Arc::new(Gate::default());
    gate.set(Some(RUN_BUDGET));
    let deadline = t0 + Duration::from_secs(120);
    let senders: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let (msgs, addr, gate) = (plan(&pids, c), addr.clone(), gate.clone());
            let pace = 5 + rng.below(20);
            let lose_every = 3 + usize::try_from(rng.below(3)).expect("small");
            let same = !ack_after_answer;
            std::thread::spawn(move || sender(msgs, addr, gate, pace, lose_every, same, deadline))
        })
        .collect();

    // The kill runs.
    let mut fired = [0u32; 6];
    for (n, kill) in kills.iter().enumerate() {
        if n > 0 {
            let (child, a) = start_relay(&config, &store, &log, &with(&kill.args(&dead)));
            relay = child;
            if let Some(a) = a {
                *addr.lock().expect("addr") = a;
            }
            let budget = match kill {
                Kill::Down(_) => 3 * RUN_BUDGET,
                _ => RUN_BUDGET,
            };
            gate.set(Some(budget));
        }
        let started = Instant::now();
        let limit = match kill {
            Kill::After(ms) | Kill::Down(ms) => Duration::from_millis(*ms),
            _ => Duration::from_millis(2000),
        };
        let aborted = loop {
            if let Some(st) = relay.try_wait().expect("wait") {
                use std::os::unix::process::ExitStatusExt;
                assert_eq!(st.signal(), Some(6), "{}", ctx(format!("{kill:?}: {st:?}")));
                break true;
            }
            if started.elapsed() >= limit {
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        if !aborted {
            let _ = relay.kill(); // SIGKILL
            let _ = relay.wait();
        }
        if aborted || matches!(kill, Kill::After(_) | Kill::Down(_)) {
            fired[kill.kind()] += 1;
        }
    }

    // The last run: no kill. The senders finish; the relay delivers what it can.
    let (child, a) = start_relay(&config, &store, &log, &always);
    relay = child;
    *addr.lock().expect("addr") =
        a.unwrap_or_else(|| panic!("{}", ctx("the last relay died".into())));
    gate.set(None);
    let (mut acked, mut resends, mut lost_acks) = (0, 0, 0);
    for s in senders {
        let sent = s
            .join()
            .expect("sender")
            .unwrap_or_else(|e| panic!("{}", ctx(e)));
        acked += sent.acked;
        resends += sent.resends;
        lost_acks += sent.lost_acks;
    }
    assert!(lost_acks > 0, "{}", ctx("lost ACKs were re-sent".into()));
    let expected = PATIENTS * (UPDATES + 1);
    assert_eq!(
        acked,
        expected,
        "{}",
        ctx("every message acknowledged".into())
    );
    eprintln!(
        "relay matrix: {}",
        ctx(format!(
            "kills fired per point (before ack, after ack, before send, after answer, in commit, random/down) {fired:?}, {resends} re-sends after a kill, {lost_acks} after a lost ACK, {:?}",
            t0.elapsed()
        ))
    );
    for (k, name) in [
        "before ack",
        "after ack",
        "before send",
        "after answer",
        "in commit",
    ]
    .iter()
    .enumerate()
    {
        assert!(fired[k] > 0, "{}", ctx(format!("no kill {name} fired")));
    }

    // Settle: nothing left but held messages and what waits behind them.
    let settle = Instant::now();
    let all = loop {
        let s = relay_json(&["status", "--json"], &store);
        assert_eq!(
            total(&s),
            expected as u64,
            "{}",
            ctx(format!("every message stored exactly once: {s}"))
        );
        if s["sending"] == 0 && s["waiting"] == 0 && s["uncertain"] == 0 {
            let all = messages(&store, expected as u64);
            let held: Vec<usize> = all
                .iter()
                .filter(|(_, m)| m["state"] == "held")
                .map(|(c, _)| patient_of(c))
                .collect();
            let blocked = all
                .iter()
                .filter(|(_, m)| m["state"] == "pending")
                .all(|(c, _)| held.contains(&patient_of(c)));
            if blocked {
                break all;
            }
        }
        assert!(
            settle.elapsed() < Duration::from_secs(60),
            "{}",
            ctx(format!("the relay did not settle: {s}"))
        );
        std::thread::sleep(Duration::from_millis(100));
    };

    // The held messages are exactly the documented ones: on v2 without de-duplication, a
    // create whose request may have left (killed while sending it, or after its answer);
    // on v1 none (an uncertain create is resolved by reading the patient), nor with a
    // de-duplicating server (it is re-sent with its request id).
    let may_hold = api == "v2" && !server_dedup;
    let mut retried = 0;
    let mut by_id: Vec<(i64, String, serde_json::Value)> = all
        .into_iter()
        .map(|(c, m)| (m["id"].as_i64().expect("id"), c, m))
        .collect();
    by_id.sort_by_key(|(id, _, _)| *id);
    for (id, control, m) in &by_id {
        let state = m["state"].as_str().unwrap_or("");
        assert!(
            matches!(state, "delivered" | "held" | "pending"),
            "{}",
            ctx(format!("message {id} ({control}) is {state}: {m}"))
        );
        if state == "held" {
            assert!(may_hold, "{}", ctx(format!("nothing is held here: {m}")));
            assert_eq!(m["kind"], "create", "{}", ctx(format!("{m}")));
            let detail = m["detail"].as_str().unwrap_or("");
            assert!(
                detail.starts_with("created on the platform (or possibly created)"),
                "{}",
                ctx(format!("message {id}: {detail}"))
            );
            // What the person does: look for the patient on the platform; found -> set-id,
            // not there -> retry (the create never arrived).
            let p = patient_of(control);
            match on_platform(&sb, &pids[p]).as_slice() {
                [] => {
                    operator(&["retry", &id.to_string()], &store);
                    retried += 1;
                }
                [(logical, _)] => operator(&["set-id", &id.to_string(), logical], &store),
                more => panic!(
                    "{}",
                    ctx(format!("patient {p}: {} on the platform", more.len()))
                ),
            }
        }
    }
    let held = by_id
        .iter()
        .filter(|(_, _, m)| m["state"] == "held")
        .count();
    if may_hold {
        assert!(
            held >= 1,
            "{}",
            ctx("the create killed after its answer is held".into())
        );
    }
    let done = Instant::now();
    loop {
        let s = relay_json(&["status", "--json"], &store);
        if s["delivered"] == expected as u64 {
            break;
        }
        assert!(
            done.elapsed() < Duration::from_secs(60),
            "{}",
            ctx(format!(
                "not all delivered after resolving {held} held: {s}"
            ))
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The platform: each patient exactly once, with its last update.
    for (p, pid) in pids.iter().enumerate() {
        let found = on_platform(&sb, pid);
        assert_eq!(
            found.len(),
            1,
            "{}",
            ctx(format!("patient {p} ({pid}): {found:?}"))
        );
        assert_eq!(
            found[0].1,
            family(p, UPDATES),
            "{}",
            ctx(format!("patient {p} ({pid}) is not at its last update"))
        );
    }
    assert_eq!(
        sb.stats().patients,
        PATIENTS,
        "{}",
        ctx("no other patient".into())
    );
    eprintln!(
        "relay matrix: {}",
        ctx(format!(
            "{held} held resolved ({retried} by retry, the rest by set-id), all delivered in {:?}",
            t0.elapsed()
        ))
    );
    let _ = relay.kill();
    let _ = relay.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigkill_matrix_v2_without_server_dedup() {
    matrix("v2", false, false);
}

#[test]
fn sigkill_matrix_v1_without_server_dedup() {
    matrix("v1", false, false);
}

#[test]
fn sigkill_matrix_v1_acking_after_the_answer() {
    matrix("v1", false, true);
}

#[test]
fn sigkill_matrix_v2_with_a_deduplicating_server() {
    matrix("v2", true, false);
}

#[test]
fn status_reports_the_age_of_the_oldest_waiting_message() {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let dir = tempdir("ages");
    let config = config_for(&sb, &dir, "v2");
    let store = dir.join("store");
    let log = dir.join("relay.log");
    // The platform cannot be reached (a closed port): the message waits.
    let extra = ["--base-url".to_string(), dead_platform()];
    let (mut relay, addr) = start_relay(&config, &store, &log, &extra);
    let addr = addr.expect("the relay listens");
    let mut s = TcpStream::connect(&addr).expect("connect");
    let ack = exchange(&mut s, &message(0, 0, "AGE0000001").bytes).expect("ACK");
    assert!(ack.contains("MSA|AA|P0V0"), "{ack}");
    // Stopped gracefully: the message ends its attempt in `waiting`.
    let t0 = Instant::now();
    while relay_json(&["status", "--json"], &store)["waiting"] != 1 {
        assert!(t0.elapsed() < Duration::from_secs(20), "never waiting");
        std::thread::sleep(Duration::from_millis(20));
    }
    let ok = Command::new("kill")
        .args(["-TERM", &relay.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(ok.success());
    assert_eq!(relay.wait().expect("exit").code(), Some(0));
    std::thread::sleep(Duration::from_millis(1100));
    let st = relay_json(&["status", "--json"], &store);
    let ages = &st["oldest_age_s"];
    assert_eq!(st["waiting"], 1, "{st}");
    let waiting = ages["waiting"].as_u64().expect("an age for waiting");
    assert!((1..30).contains(&waiting), "{st}");
    for state in ["pending", "uncertain", "held"] {
        assert!(ages[state].is_null(), "no {state} message, no age: {st}");
    }
    // The text form says the same.
    let out = Command::new(PFHIR)
        .args(["relay", "status", "--store"])
        .arg(&store)
        .output()
        .expect("status runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with("waiting"))
        .expect("a waiting line");
    assert!(
        line.contains(&format!("oldest {waiting} s")) || line.contains("oldest "),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("held") && l.contains("oldest")),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
