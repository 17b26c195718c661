//! A first load measurement: N messages (creates of distinct patients) over C MLLP
//! connections to an in-process relay in front of the in-process sandbox (both on this
//! machine, sharing its cores). Prints ACK throughput (each ACK after the FULL commit holding
//! its message; commits are shared across connections), p50/p99 ACK latency, end-to-end delivered messages/s and the process's peak
//! RSS (relay + sandbox + senders).
//!
//! `cargo run --release -p pfhir-relay --example load -- [MESSAGES] [CONNECTIONS] [WORKERS] [down]`
//!
//! With `process=PATH` (PATH: a `pfhir` binary, e.g. target/release/pfhir) the relay runs as
//! its own process (`pfhir relay`, logging to /dev/null) and its own peak RSS is reported;
//! the sandbox and the senders stay in this process.
//!
//! With `down` the platform is unreachable (a closed port): every message stays in the
//! backlog, so the peak RSS shows what the relay's memory does as the backlog grows (the
//! sandbox holds no patients then).

use pfhir_core::client::{ApiVersion, Client};
use pfhir_core::hl7v2::{Converter, Hl7Options};
use pfhir_relay::mllp::{write_frame, FrameReader};
use pfhir_relay::store::{Outbox, SqliteOutbox, State};
use pfhir_relay::{Acker, Backoff, Deliverer, Relay, RelayConfig};
use pfhir_sandbox::{Sandbox, SandboxConfig};
use std::net::TcpStream;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

const MSG: &str = "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20240315103000+0100||ADT^A04^ADT_A01|CTRL|P|2.5.1\rEVN|A04|20240315103000\rPID|1||PATIENTID^^^CIP^JHN||GARCIA^MARIA^JOSE||19750616|F|||CALLE MAYOR 1^^MADRID^MADRID^28013^ES^H\rDG1|1||E11^Type 2 diabetes mellitus^I10||20100501|F\r";

fn peak_rss_kib() -> u64 {
    peak_rss_kib_of("self")
}

/// VmHWM of /proc/<pid>/status, in KiB.
fn peak_rss_kib_of(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let total: usize = args.get(1).map_or(Ok(2000), |s| s.parse())?;
    let conns: usize = args.get(2).map_or(Ok(4), |s| s.parse())?;
    let workers: usize = args.get(3).map_or(Ok(4), |s| s.parse())?;
    let down = args.get(4).is_some_and(|a| a == "down");
    let process = args.get(4).and_then(|a| a.strip_prefix("process="));
    let per = total / conns.max(1);
    let sb = Sandbox::start(SandboxConfig::default())?;
    let base_url = if down {
        // A port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        format!("https://127.0.0.1:{port}/")
    } else {
        sb.base_url()
    };
    let mut config = sb.client_config(ApiVersion::V2);
    config.base_url = base_url;
    let dir = std::env::temp_dir().join(format!("pfhir-relay-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (relay, outbox, addr) = match process {
        None => {
            let outbox = Arc::new(SqliteOutbox::open(&dir)?);
            let options = Hl7Options::default();
            let relay = Relay::start(
                RelayConfig {
                    listen: "127.0.0.1:0".into(),
                    workers,
                    ..RelayConfig::default()
                },
                outbox.clone(),
                Acker::new(Converter::new(options.clone())?),
                Deliverer::new(Client::new(config)?, options, Backoff::default()),
            )?;
            let addr = relay.addr();
            (Running::InProcess(relay), outbox, addr)
        }
        Some(pfhir) => {
            let (child, addr) = spawn_relay(pfhir, &sb, &dir, workers)?;
            let outbox = Arc::new(SqliteOutbox::open(&dir.join("store"))?);
            (Running::Process(child), outbox, addr)
        }
    };
    let t0 = Instant::now();
    let senders: Vec<_> = (0..conns)
        .map(|c| {
            std::thread::spawn(move || -> Result<Vec<Duration>, String> {
                let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
                s.set_nodelay(true).map_err(|e| e.to_string())?;
                let mut r = FrameReader::new(
                    s.try_clone().map_err(|e| e.to_string())?,
                    1 << 20,
                    Duration::from_secs(60),
                );
                let stop = AtomicBool::new(false);
                let mut lat = Vec::with_capacity(per);
                for i in 0..per {
                    let msg = MSG
                        .replace("CTRL", &format!("L{c}-{i}"))
                        .replace("PATIENTID", &format!("LOAD{c:02}{i:08}"));
                    let t = Instant::now();
                    write_frame(&mut s, msg.as_bytes()).map_err(|e| e.to_string())?;
                    let ack = r
                        .next_frame(&stop)
                        .map_err(|e| e.to_string())?
                        .ok_or("no ACK")?;
                    lat.push(t.elapsed());
                    if !ack.windows(7).any(|w| w == b"MSA|AA|") {
                        return Err("not AA".into());
                    }
                }
                Ok(lat)
            })
        })
        .collect();
    let mut lat = Vec::new();
    for s in senders {
        lat.extend(s.join().map_err(|_| "a sender panicked")??);
    }
    let acked = t0.elapsed();
    let sent = lat.len() as u64;
    while !down && outbox.counts()?.get(State::Delivered) < sent {
        std::thread::sleep(Duration::from_millis(20));
    }
    let delivered = t0.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p) as usize];
    println!("messages            {sent} over {conns} connections");
    println!(
        "ACKed (stored)      {:.0} msg/s ({:.2} s)",
        sent as f64 / acked.as_secs_f64(),
        acked.as_secs_f64()
    );
    println!(
        "ACK latency         p50 {:?}  p99 {:?}",
        pct(0.5),
        pct(0.99)
    );
    if down {
        println!(
            "delivered           none (platform down), backlog {}",
            outbox.counts()?.get(State::Waiting) + outbox.counts()?.get(State::Pending)
        );
    } else {
        println!(
            "delivered           {:.0} msg/s end to end ({:.2} s), sandbox patients {}",
            sent as f64 / delivered.as_secs_f64(),
            delivered.as_secs_f64(),
            sb.stats().patients
        );
    }
    match relay {
        Running::InProcess(relay) => {
            println!(
                "peak RSS            {} MiB (relay + sandbox + senders)",
                peak_rss_kib() / 1024
            );
            relay.shutdown();
        }
        Running::Process(mut child) => {
            let pid = child.id().to_string();
            println!(
                "peak RSS            {} MiB (the relay process); {} MiB (this process: sandbox + senders)",
                peak_rss_kib_of(&pid) / 1024,
                peak_rss_kib() / 1024
            );
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()?;
            child.wait()?;
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The relay under test.
enum Running {
    InProcess(Relay),
    Process(std::process::Child),
}

/// Starts `pfhir relay` in front of `sb` (certificates and config written into `dir`);
/// returns the process and its MLLP address.
fn spawn_relay(
    pfhir: &str,
    sb: &Sandbox,
    dir: &std::path::Path,
    workers: usize,
) -> Result<(std::process::Child, std::net::SocketAddr), Box<dyn std::error::Error>> {
    use std::io::BufRead;
    std::fs::create_dir_all(dir)?;
    sb.certs().write(dir.join("certs"))?;
    let c = sb.config();
    let toml = dir.join("pfhir.toml");
    std::fs::write(
        &toml,
        format!(
            "base_url = \"{}\"\napi_version = \"v2\"\norg_id = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"{}\"\ncert = \"certs/client.pem\"\nkey = \"certs/client-key.pem\"\nca = \"certs/ca.pem\"\n",
            sb.base_url(),
            c.org_id,
            c.client_id,
            c.client_secret
        ),
    )?;
    let mut child = std::process::Command::new(pfhir)
        .args(["relay", "--listen", "127.0.0.1:0", "--store"])
        .arg(dir.join("store"))
        .arg("--config")
        .arg(&toml)
        .args(["--workers", &workers.to_string()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let mut out = std::io::BufReader::new(child.stdout.take().ok_or("no stdout")?);
    let mut line = String::new();
    out.read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("listening on mllp://")
        .ok_or("pfhir relay did not say where it listens")?
        .parse()?;
    std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut rest);
    });
    Ok((child, addr))
}
