//! Client throughput and CPU cost against the sandbox on loopback, with kept-alive
//! connections and with a new TLS connection per request.
//!
//! `cargo bench -p pfhir-cli --bench client_load` (optionally `-- REQUESTS`, default 2000).
//! The sandbox runs in a child process (`pfhir sandbox`), so the CPU time measured here
//! (utime + stime of this process, from /proc/self/stat) is the client's alone.

use pfhir_core::build::build_bundle;
use pfhir_core::client::{ApiVersion, Client, ClientConfig, Secret};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

/// CPU seconds (user + system) used by this process so far.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of stat(5), i.e. 11 and 12 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let requests: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(2000);
    let dir = std::env::temp_dir().join(format!("pfhir-client-load-{}", std::process::id()));
    let mut sandbox = Command::new(env!("CARGO_BIN_EXE_pfhir"))
        .args(["sandbox", "--certs", &dir.to_string_lossy(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("pfhir sandbox starts");
    // Read the sandbox's stdout to its end on a thread: the first line with `https://` is the
    // base URL; the rest must still be read, or the sandbox's next write meets a closed pipe
    // and the sandbox exits.
    let stdout = sandbox.stdout.take().expect("stdout");
    let (url_tx, url_rx) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || {
        let mut url_tx = Some(url_tx);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("https://") {
                if let Some(tx) = url_tx.take() {
                    let _ = tx.send(line);
                }
            }
        }
    });
    let line: String = url_rx
        .recv()
        .expect("base URL (the sandbox exited before printing it)");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .expect("url");
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("cert file");
    let config = |keep_alive: bool| {
        let mut c = ClientConfig::new(base);
        c.api_version = ApiVersion::V2;
        c.org_id = "2.16.724.4.2".into();
        c.client_id = "1234567890".into();
        c.client_secret = Secret::new("sandbox-secret");
        c.cert_pem = read("client.pem");
        c.key_pem = Secret::new(read("client-key.pem"));
        c.ca_pem = Some(read("ca.pem"));
        c.keep_alive = keep_alive;
        c
    };
    let setup = Client::new(config(true)).expect("client");
    let mut input = pfhir_cli::demo::demo_input("LOADTEST1");
    let bundle = pfhir_core::model::to_vec(&build_bundle(&input).expect("bundle"));
    let created = setup.create(&bundle).expect("create");
    // An update's Bundle names the platform's Patient id (PatientInput ids.patient, see
    // docs/patient-input.md): the platform refuses a Patient.id other than the path's.
    input.ids.patient = Some(created.patient_id.clone());
    let update_bundle = pfhir_core::model::to_vec(&build_bundle(&input).expect("update bundle"));

    println!("{requests} sequential requests per case, sandbox in another process, loopback\n");
    println!(
        "{:<34} {:>10} {:>14} {:>12}",
        "case", "req/s", "client CPU/req", "TLS conns"
    );
    for (label, keep_alive, op) in [
        ("read (GET), keep-alive", true, "read"),
        ("read (GET), new connection each", false, "read"),
        ("update (PUT 1.3 KB), keep-alive", true, "update"),
        ("update (PUT 1.3 KB), new connection", false, "update"),
    ] {
        let client = Client::new(config(keep_alive)).expect("client");
        let cpu0 = cpu_seconds();
        let t0 = Instant::now();
        for _ in 0..requests {
            match op {
                "read" => {
                    client.read(&created.patient_id).expect("read");
                }
                _ => {
                    client
                        .update(&created.patient_id, &update_bundle)
                        .expect("update");
                }
            }
        }
        let wall = t0.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        println!(
            "{label:<34} {:>10.0} {:>11.1} µs {:>12}",
            requests as f64 / wall,
            cpu / requests as f64 * 1e6,
            client.stats().connections
        );
    }
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    let _ = drain.join();
    let _ = std::fs::remove_dir_all(dir);
}
