//! `pfhir relay`: the MLLP relay in front of the Partners API (docs/relay.md), and its
//! operator commands (`status`, `show`, `retry`, `drop`, `set-id`). A thin front over the
//! pfhir-relay crate.

use crate::connect::ConnectArgs;
use crate::{CliError, ExitCode};
use clap::{Args, Subcommand};
use pfhir_core::client::UncertainCreatePolicy;
use pfhir_core::hl7v2::{parse_offset, Charset, Converter, Hl7Options};
use pfhir_relay::store::{MessageInfo, Outbox, SqliteOutbox, State};
use pfhir_relay::{Acker, Backoff, Deliverer, Relay, RelayConfig};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// `pfhir relay`: run it (with --listen and --store), or an operator command.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RelayArgs {
    /// An operator command; without one the relay runs.
    #[command(subcommand)]
    pub command: Option<RelayCommand>,
    /// Running the relay.
    #[command(flatten)]
    pub run: RunArgs,
}

/// The settings of a running relay.
#[derive(Args, Debug, Default)]
pub struct RunArgs {
    /// MLLP listen address, HOST:PORT (port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// The outbox folder (created when missing; holds outbox.sqlite).
    #[arg(long, value_name = "DIR")]
    pub store: Option<String>,
    /// Delivery worker threads.
    #[arg(long, default_value_t = 4)]
    pub workers: usize,
    /// Largest MLLP message accepted, in bytes.
    #[arg(long, default_value_t = pfhir_core::hl7v2::Limits::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    /// Seconds a silent connection stays open.
    #[arg(long, default_value_t = 300)]
    pub idle_timeout: u64,
    /// Map an assigning authority namespace (CX.4.1) to an identifier system (repeatable).
    #[arg(long = "hl7-authority", value_name = "NAMESPACE=SYSTEM")]
    pub hl7_authorities: Vec<String>,
    /// The site's fixed UTC offset for HL7 times without zone (+01:00, -05:00, Z).
    #[arg(long, value_name = "OFFSET")]
    pub tz: Option<String>,
    /// Character set of messages without MSH-18.
    #[arg(long, value_name = "NAME", default_value = "UNICODE UTF-8")]
    pub charset: String,
    /// The platform de-duplicates creates by x-origin-request-id: an uncertain v2 create is
    /// re-sent with its request id instead of being held for a person.
    #[arg(long)]
    pub server_dedup: bool,
    /// First delay before sending a failed message again, in milliseconds (doubling up to
    /// five minutes).
    #[arg(long, default_value_t = 1000)]
    pub backoff_ms: u64,
    /// Wait for the platform's answer before the ACK (at most --ack-timeout): delivered ->
    /// AA, refused -> AE with ERR segments from the OperationOutcome; no answer in time ->
    /// AA with a warning (stored, still delivered).
    #[arg(long)]
    pub ack_after_answer: bool,
    /// With --ack-after-answer: seconds to wait for the platform's answer.
    #[arg(long, value_name = "S", default_value_t = 10)]
    pub ack_timeout: u64,
    /// TLS on the MLLP listener: the server certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<String>,
    /// TLS on the MLLP listener: the server's private key (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<String>,
    /// TLS on the MLLP listener: require client certificates issued by this CA (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_client_ca: Option<String>,
    /// At most N requests per second to the platform (all workers together; default: no
    /// limit).
    #[arg(long, value_name = "N")]
    pub rate: Option<u32>,
    /// Serve Prometheus metrics (GET /metrics) and a health check (GET /healthz) over HTTP
    /// on this address (port 0 picks a free one; the line `metrics on http://HOST:PORT`
    /// says which).
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<String>,
    /// On the v2 API, send an update of a patient the id map does not know as a create
    /// (instead of holding it for a person).
    #[arg(long)]
    pub update_unknown_as_create: bool,
    /// Kill-point tests only: abort after the platform's Nth answer (default the first),
    /// before recording it.
    #[arg(long, hide = true, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub test_abort_after_answer: Option<u64>,
    /// Kill-point tests only: abort after the Nth claim, before its request leaves.
    #[arg(long, hide = true, value_name = "N")]
    pub test_abort_before_send: Option<u64>,
    /// Kill-point tests only: abort after the Nth new message's commit, before its ACK.
    #[arg(long, hide = true, value_name = "N")]
    pub test_abort_before_ack: Option<u64>,
    /// Kill-point tests only: abort right after the Nth new message's ACK was written.
    #[arg(long, hide = true, value_name = "N")]
    pub test_abort_after_ack: Option<u64>,
    /// Kill-point tests only: abort inside the Nth group commit, its writes made, before
    /// COMMIT.
    #[arg(long, hide = true, value_name = "N")]
    pub test_abort_in_commit: Option<u64>,
    /// Connection settings, as for `pfhir create`.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// The operator commands.
#[derive(Subcommand, Debug)]
pub enum RelayCommand {
    /// Counts of messages per state, and the age in seconds of the oldest message that is
    /// pending, waiting, uncertain or held.
    Status {
        /// The outbox folder.
        #[arg(long, value_name = "DIR")]
        store: String,
        /// One JSON object.
        #[arg(long)]
        json: bool,
    },
    /// One message: its state, attempts, request id, ids (no patient values).
    Show {
        /// The message id.
        id: i64,
        /// The outbox folder.
        #[arg(long, value_name = "DIR")]
        store: String,
    },
    /// Send a held, waiting, rejected or uncertain message again.
    Retry {
        /// The message id.
        id: i64,
        /// The outbox folder.
        #[arg(long, value_name = "DIR")]
        store: String,
    },
    /// Never send a message.
    Drop {
        /// The message id.
        id: i64,
        /// The outbox folder.
        #[arg(long, value_name = "DIR")]
        store: String,
    },
    /// Record the platform's logical id of a held message's patient (found by a person).
    SetId {
        /// The message id.
        id: i64,
        /// The patient's logical id on the platform.
        logical_id: String,
        /// The outbox folder.
        #[arg(long, value_name = "DIR")]
        store: String,
    },
}

fn open(store: &str) -> Result<SqliteOutbox, CliError> {
    SqliteOutbox::open(Path::new(store)).map_err(|e| CliError::Io(format!("{store}: {e}")))
}

/// An existing store, for the operator commands (which must not create an empty one at a
/// mistyped path).
fn open_existing(store: &str) -> Result<SqliteOutbox, CliError> {
    if !Path::new(store).join(pfhir_relay::store::DB_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{store}: no relay store here (no {})",
            pfhir_relay::store::DB_FILE
        )));
    }
    open(store)
}

fn store_err(e: pfhir_relay::StoreError) -> CliError {
    match e {
        pfhir_relay::StoreError::NotFound(_) | pfhir_relay::StoreError::WrongState { .. } => {
            CliError::Usage(e.to_string())
        }
        _ => CliError::Io(e.to_string()),
    }
}

/// Runs `pfhir relay ...`.
pub fn run(args: &RelayArgs) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    match &args.command {
        None => serve(&args.run),
        Some(RelayCommand::Status { store, json }) => {
            let outbox = open_existing(store)?;
            let counts = outbox.counts().map_err(store_err)?;
            let now = pfhir_relay::store::now_ms();
            let ages: Vec<(State, Option<u64>)> = outbox
                .oldest_received()
                .map_err(store_err)?
                .into_iter()
                .map(|(s, ms)| (s, ms.map(|ms| age_seconds(now, ms))))
                .collect();
            if *json {
                let mut obj: serde_json::Map<String, serde_json::Value> = counts
                    .0
                    .iter()
                    .map(|(s, n)| (s.as_str().to_string(), (*n).into()))
                    .collect();
                let oldest: serde_json::Map<String, serde_json::Value> = ages
                    .iter()
                    .map(|(s, age)| (s.as_str().to_string(), (*age).into()))
                    .collect();
                obj.insert("oldest_age_s".into(), serde_json::Value::Object(oldest));
                writeln!(out, "{}", serde_json::Value::Object(obj))?;
            } else {
                for (s, n) in &counts.0 {
                    match ages.iter().find(|(a, _)| a == s).and_then(|(_, age)| *age) {
                        Some(age) => writeln!(out, "{:<10} {n:<8} oldest {age} s", s.as_str())?,
                        None => writeln!(out, "{:<10} {n}", s.as_str())?,
                    }
                }
            }
            Ok(ExitCode::Ok)
        }
        Some(RelayCommand::Show { id, store }) => {
            let m = open_existing(store)?.show(*id).map_err(store_err)?;
            writeln!(out, "{}", show_json(&m))?;
            Ok(ExitCode::Ok)
        }
        Some(RelayCommand::Retry { id, store }) => {
            open_existing(store)?.retry(*id).map_err(store_err)?;
            writeln!(out, "message {id}: retry")?;
            Ok(ExitCode::Ok)
        }
        Some(RelayCommand::Drop { id, store }) => {
            open_existing(store)?.drop_message(*id).map_err(store_err)?;
            writeln!(out, "message {id}: dropped")?;
            Ok(ExitCode::Ok)
        }
        Some(RelayCommand::SetId {
            id,
            logical_id,
            store,
        }) => {
            open_existing(store)?
                .set_id(*id, logical_id)
                .map_err(store_err)?;
            let state = open_existing(store)?.show(*id).map_err(store_err)?.state;
            writeln!(out, "message {id}: logical id recorded, {}", state.as_str())?;
            Ok(ExitCode::Ok)
        }
    }
}

/// Whole seconds from `received_ms` to `now_ms` (0 for a clock that went back).
fn age_seconds(now_ms: i64, received_ms: i64) -> u64 {
    u64::try_from(now_ms.saturating_sub(received_ms) / 1000).unwrap_or(0)
}

/// A message as JSON (ids, states and the sender's key; no patient values).
fn show_json(m: &MessageInfo) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "state": m.state.as_str(),
        "kind": m.kind.as_str(),
        "sendingApplication": m.dedup.sending_application,
        "sendingFacility": m.dedup.sending_facility,
        "controlId": m.dedup.control_id,
        "attempts": m.attempts,
        "requestId": m.request_id,
        "logicalId": m.logical_id,
        "detail": m.detail,
        "receivedMs": m.received_ms,
    })
}

fn hl7_options(run: &RunArgs) -> Result<Hl7Options, CliError> {
    let usage = |e: &dyn std::fmt::Display| CliError::Usage(e.to_string());
    let mut o = Hl7Options::default();
    for spec in &run.hl7_authorities {
        o.add_namespace(spec).map_err(|e| usage(&e))?;
    }
    o.extra_authorities = run.connect.authorities.clone();
    if let Some(tz) = &run.tz {
        o.utc_offset = Some(parse_offset(tz).ok_or_else(|| {
            CliError::Usage("--tz must be a fixed UTC offset such as +01:00, -05:00 or Z".into())
        })?);
    }
    o.default_charset = Charset::from_msh18(&run.charset).ok_or_else(|| {
        CliError::Usage("--charset must be ASCII, 8859/1, 8859/15 or UNICODE UTF-8".into())
    })?;
    o.limits.max_bytes = run.max_bytes;
    Ok(o)
}

/// The relay's log on stderr: its own records from info up, pfhir's other records from warn
/// up (none of them carries patient values or secrets).
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, m: &log::Metadata<'_>) -> bool {
        let t = m.target();
        (t.starts_with("pfhir::relay") && m.level() <= log::Level::Info)
            || (t.starts_with("pfhir") && m.level() <= log::Level::Warn)
    }

    fn log(&self, r: &log::Record<'_>) {
        if self.enabled(r.metadata()) {
            eprintln!(
                "pfhir relay: {} {}",
                r.level().as_str().to_lowercase(),
                r.args()
            );
        }
    }

    fn flush(&self) {}
}

static STDERR_LOG: StderrLog = StderrLog;

/// The MLLP listener's TLS settings from --tls-cert/--tls-key/--tls-client-ca.
fn mllp_tls(run: &RunArgs) -> Result<Option<pfhir_relay::tls::MllpTls>, CliError> {
    let (Some(cert), Some(key)) = (&run.tls_cert, &run.tls_key) else {
        return Ok(None);
    };
    let read = |path: &str| std::fs::read(path).map_err(|e| CliError::Io(format!("{path}: {e}")));
    let ca = run.tls_client_ca.as_deref().map(read).transpose()?;
    pfhir_relay::tls::MllpTls::from_pem(&read(cert)?, &read(key)?, ca.as_deref())
        .map(Some)
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// Arms the hidden `--test-abort-*` kill points (SIGKILL tests only).
fn arm_kill_points(run: &RunArgs) {
    use pfhir_relay::killpoint::{arm, Point};
    for (point, n) in [
        (Point::AfterAnswer, run.test_abort_after_answer),
        (Point::BeforeSend, run.test_abort_before_send),
        (Point::BeforeAck, run.test_abort_before_ack),
        (Point::AfterAck, run.test_abort_after_ack),
        (Point::InCommit, run.test_abort_in_commit),
    ] {
        if let Some(n) = n.filter(|n| *n > 0) {
            arm(point, n);
        }
    }
}

/// Runs the relay until SIGTERM or SIGINT.
fn serve(run: &RunArgs) -> Result<ExitCode, CliError> {
    let listen = run
        .listen
        .as_deref()
        .ok_or_else(|| CliError::Usage("pfhir relay needs --listen ADDR and --store DIR".into()))?;
    let store = run
        .store
        .as_deref()
        .ok_or_else(|| CliError::Usage("pfhir relay needs --listen ADDR and --store DIR".into()))?;
    if log::set_logger(&STDERR_LOG).is_ok() {
        log::set_max_level(log::LevelFilter::Info);
    }
    let options = hl7_options(run)?;
    let converter = Converter::new(options.clone()).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut client_config = run.connect.client_config()?;
    if run.server_dedup {
        client_config.uncertain_create = UncertainCreatePolicy::ResendDeduplicating;
    }
    let v2 = client_config.api_version == pfhir_core::client::ApiVersion::V2;
    let client = pfhir_core::client::Client::new(client_config)
        .map_err(|e| CliError::Usage(e.to_string()))?;
    // One delivering process per store (relay/src/lock.rs); held until the relay stopped.
    let _lock = pfhir_relay::lock::DeliveryLock::acquire(Path::new(store))
        .map_err(|e| CliError::Io(e.to_string()))?;
    let outbox: Arc<dyn Outbox> = Arc::new(open(store)?);
    let backoff = Backoff {
        initial: Duration::from_millis(run.backoff_ms.max(1)),
        ..Backoff::default()
    };
    let config = RelayConfig {
        tls: mllp_tls(run)?,
        listen: listen.to_string(),
        workers: run.workers.max(1),
        max_message_bytes: run.max_bytes,
        idle_timeout: Duration::from_secs(run.idle_timeout.max(1)),
        metrics: run.metrics.clone(),
        ack_after_answer: run
            .ack_after_answer
            .then(|| Duration::from_secs(run.ack_timeout)),
        ..RelayConfig::default()
    };
    arm_kill_points(run);
    let relay = Relay::start(
        config,
        outbox,
        Acker::new(converter).v2_updates(v2),
        Deliverer::new(client, options, backoff)
            .update_unknown_as_create(run.update_unknown_as_create)
            .rate_limit(run.rate),
    )
    .map_err(|e| CliError::Io(e.to_string()))?;
    let stop = relay.stop_flag();
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, stop.clone())
            .map_err(|e| CliError::Io(format!("cannot handle signals: {e}")))?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on mllp://{}", relay.addr())?;
        if let Some(m) = relay.metrics_addr() {
            writeln!(out, "metrics on http://{m}")?;
        }
        out.flush()?;
    }
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
    }
    relay.shutdown();
    let mut out = std::io::stdout().lock();
    writeln!(out, "stopped")?;
    out.flush()?;
    Ok(ExitCode::Ok)
}

/// The counts of a store, for tests and the demo.
pub fn counts(store: &str) -> Result<Vec<(State, u64)>, CliError> {
    Ok(open_existing(store)?.counts().map_err(store_err)?.0)
}
