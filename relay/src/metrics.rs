//! Prometheus metrics and a health check (`--metrics ADDR`): the counters the listener and
//! the workers keep ([`Metrics`], in the text exposition format of the `prometheus-client`
//! crate), and a small HTTP/1.1 endpoint serving `GET /metrics` and `GET /healthz` on its
//! own thread (one request per connection, `Connection: close`; anything else is 404/405).
//!
//! Metrics (no patient values, no per-message labels):
//! - `pfhir_relay_messages{state}`: messages in the store per state (read at scrape time);
//! - `pfhir_relay_received_total`, `pfhir_relay_acked_total` (AA: stored, or a re-send's
//!   stored ACK), `pfhir_relay_refused_total{code}` (AE/AR, nothing stored; `store` when the
//!   store failed);
//! - `pfhir_relay_deliveries_total{outcome}`: delivery attempts by outcome (delivered,
//!   rejected, waiting, uncertain, held, pending);
//! - `pfhir_relay_delivery_seconds`: a delivery's duration (request and answer), histogram;
//! - `pfhir_relay_up`: 1 when healthy.
//!
//! `/healthz` answers 200 `ok` when the store takes a write (a committed write of its
//! health row) and every delivery worker runs, else 503 with the reason.

use crate::store::{Outbox, State};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

type Labels = Vec<(String, String)>;

/// The relay's counters. Cheap to update (atomics); shared by connections and workers.
pub struct Metrics {
    registry: Registry,
    messages: Family<Labels, Gauge>,
    up: Gauge,
    received: Counter,
    acked: Counter,
    refused: Family<Labels, Counter>,
    deliveries: Family<Labels, Counter>,
    delivery_seconds: Histogram,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("pfhir_relay");
        let messages = Family::<Labels, Gauge>::default();
        let up = Gauge::default();
        let received = Counter::default();
        let acked = Counter::default();
        let refused = Family::<Labels, Counter>::default();
        let deliveries = Family::<Labels, Counter>::default();
        // 1 ms .. ~33 s.
        let delivery_seconds = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register(
            "messages",
            "Messages in the store per state",
            messages.clone(),
        );
        registry.register(
            "up",
            "1 when the store takes a write and every worker runs",
            up.clone(),
        );
        registry.register("received", "HL7 messages received", received.clone());
        registry.register(
            "acked",
            "Messages answered AA (stored, or a re-send's stored ACK)",
            acked.clone(),
        );
        registry.register(
            "refused",
            "Messages answered AE or AR, not stored (code=store: the store failed)",
            refused.clone(),
        );
        registry.register(
            "deliveries",
            "Delivery attempts by outcome",
            deliveries.clone(),
        );
        registry.register(
            "delivery_seconds",
            "Duration of a delivery attempt (request and answer)",
            delivery_seconds.clone(),
        );
        Metrics {
            registry,
            messages,
            up,
            received,
            acked,
            refused,
            deliveries,
            delivery_seconds,
        }
    }
}

fn label(name: &str, value: &str) -> Labels {
    vec![(name.to_string(), value.to_string())]
}

impl Metrics {
    /// A message arrived.
    pub fn received(&self) {
        self.received.inc();
    }

    /// A message was answered AA.
    pub fn acked(&self) {
        self.acked.inc();
    }

    /// A message was refused (`AE`, `AR`, or `store` when the store failed).
    pub fn refused(&self, code: &str) {
        self.refused.get_or_create(&label("code", code)).inc();
    }

    /// A delivery attempt ended in `outcome` after `took`.
    pub fn delivered(&self, outcome: State, took: Duration) {
        self.deliveries
            .get_or_create(&label("outcome", outcome.as_str()))
            .inc();
        self.delivery_seconds.observe(took.as_secs_f64());
    }

    /// The text exposition, with the per-state counts read from `outbox` now and `healthy`.
    pub fn render(&self, outbox: &dyn Outbox, healthy: bool) -> String {
        if let Ok(counts) = outbox.counts() {
            for (s, n) in counts.0 {
                self.messages
                    .get_or_create(&label("state", s.as_str()))
                    .set(i64::try_from(n).unwrap_or(i64::MAX));
            }
        }
        self.up.set(i64::from(healthy));
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// What `/healthz` checks.
pub struct Health {
    /// The store.
    pub outbox: Arc<dyn Outbox>,
    /// Workers started.
    pub workers: usize,
    /// Workers running now.
    pub alive: Arc<AtomicUsize>,
}

impl Health {
    /// `Ok` when healthy, else why not (no patient values).
    pub fn check(&self) -> Result<(), String> {
        self.outbox
            .health_write()
            .map_err(|e| format!("the store does not take a write: {e}"))?;
        let alive = self.alive.load(Ordering::SeqCst);
        if alive < self.workers {
            return Err(format!("{alive} of {} delivery workers run", self.workers));
        }
        Ok(())
    }
}

/// The metrics endpoint: a thread answering `/metrics` and `/healthz` until `stop`.
pub struct MetricsServer {
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl MetricsServer {
    /// Binds `addr` and serves on a thread until `stop` is set.
    pub fn start(
        addr: &str,
        metrics: Arc<Metrics>,
        health: Health,
        stop: Arc<AtomicBool>,
    ) -> io::Result<MetricsServer> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let thread = std::thread::Builder::new()
            .name("relay-metrics".into())
            .spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            if let Err(e) = answer(stream, &metrics, &health) {
                                log::debug!(target: "pfhir::relay", "metrics request: {e}");
                            }
                        }
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                            std::thread::sleep(Duration::from_millis(25));
                        }
                        Err(e) => {
                            log::warn!(target: "pfhir::relay", "metrics accept: {e}");
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                }
            })?;
        Ok(MetricsServer {
            addr,
            thread: Some(thread),
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the thread (after the stop flag was set).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl std::fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Largest request head read (request line and headers).
const MAX_HEAD: usize = 8 * 1024;

/// Reads one request head and answers it.
fn answer(stream: TcpStream, metrics: &Metrics, health: &Health) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?).take(MAX_HEAD as u64);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    // The rest of the head (headers), up to the empty line.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let path = path.split('?').next().unwrap_or("");
    let (status, content_type, body) = match (method, path) {
        ("GET", "/metrics") => {
            let healthy = health.check().is_ok();
            (
                "200 OK",
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
                metrics.render(&*health.outbox, healthy),
            )
        }
        ("GET", "/healthz") => match health.check() {
            Ok(()) => ("200 OK", "text/plain; charset=utf-8", "ok\n".to_string()),
            Err(why) => {
                log::warn!(target: "pfhir::relay", "health check: {why}");
                (
                    "503 Service Unavailable",
                    "text/plain; charset=utf-8",
                    format!("unhealthy: {why}\n"),
                )
            }
        },
        (_, "/metrics" | "/healthz") => (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "GET only\n".to_string(),
        ),
        _ => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            "/metrics or /healthz\n".to_string(),
        ),
    };
    let mut w = stream;
    write!(
        w,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    w.flush()
}
