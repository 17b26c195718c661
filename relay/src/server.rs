//! The running relay: an MLLP listener (a thread per connection) in front of the outbox, and
//! delivery workers behind it. [`Relay::start`] returns once it is listening;
//! [`Relay::shutdown`] stops accepting, lets connections finish their current message, and
//! lets workers finish their current delivery.

use crate::ack::{Acker, Received};
use crate::answer::{answer_ack, wait_for_answer};
use crate::deliver::Deliverer;
use crate::metrics::{Health, Metrics, MetricsServer};
use crate::mllp::{write_frame, FrameReader};
use crate::store::{Outbox, StoreError};
use crate::tls::MllpTls;
use crate::workers::{Bell, Workers};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// How the relay listens and delivers.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Where to listen (`127.0.0.1:0` picks a free port).
    pub listen: String,
    /// Delivery worker threads (different patients go in parallel).
    pub workers: usize,
    /// Largest MLLP frame accepted; a larger one closes the connection.
    pub max_message_bytes: usize,
    /// A connection silent for this long is closed.
    pub idle_timeout: Duration,
    /// Most connections served at once; more are closed at once.
    pub max_connections: usize,
    /// ACK after the platform's answer: wait at most this long for a stored message's
    /// delivery outcome and answer with it (crate::answer); `None`: ACK once stored.
    pub ack_after_answer: Option<Duration>,
    /// Where to serve `/metrics` and `/healthz` (crate::metrics); `None`: not served.
    pub metrics: Option<String>,
    /// TLS on the MLLP listener (crate::tls); `None`: plain TCP.
    pub tls: Option<MllpTls>,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            listen: "127.0.0.1:2575".into(),
            workers: 4,
            max_message_bytes: pfhir_core::hl7v2::Limits::DEFAULT_MAX_BYTES,
            idle_timeout: Duration::from_secs(300),
            max_connections: 64,
            ack_after_answer: None,
            metrics: None,
            tls: None,
        }
    }
}

/// A failure to start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RelayError {
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// Why.
        source: io::Error,
    },
    /// The store failed at start (recovery).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A thread could not be started.
    #[error("cannot start a thread: {0}")]
    Thread(io::Error),
}

/// Poll interval of blocking reads and of the accept loop (how fast a stop is noticed).
const POLL: Duration = Duration::from_millis(100);

/// A running relay.
pub struct Relay {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    listener: Option<JoinHandle<()>>,
    workers: Option<Workers>,
    metrics_server: Option<MetricsServer>,
}

impl std::fmt::Debug for Relay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Relay")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Relay {
    /// Recovers the store (messages left sending), binds, and starts the listener and the
    /// workers.
    pub fn start(
        config: RelayConfig,
        outbox: Arc<dyn Outbox>,
        acker: Acker,
        deliverer: Deliverer,
    ) -> Result<Relay, RelayError> {
        let recovered = outbox.recover()?;
        if recovered > 0 {
            log::warn!(target: "pfhir::relay", "{recovered} message(s) were being sent when the relay stopped: updates are pending again, creates uncertain");
        }
        let listener = TcpListener::bind(&config.listen)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| RelayError::Bind {
                addr: config.listen.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| RelayError::Bind {
            addr: config.listen.clone(),
            source,
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        let recorded = deliverer.recorded();
        let metrics = deliverer.metrics();
        let workers = Workers::start(
            config.workers,
            outbox.clone(),
            Arc::new(deliverer),
            stop.clone(),
        )
        .map_err(RelayError::Thread)?;
        let metrics_server = match &config.metrics {
            None => None,
            Some(at) => Some(
                MetricsServer::start(
                    at,
                    metrics.clone(),
                    Health {
                        outbox: outbox.clone(),
                        workers: workers.count(),
                        alive: workers.alive(),
                    },
                    stop.clone(),
                )
                .map_err(|source| RelayError::Bind {
                    addr: at.clone(),
                    source,
                })?,
            ),
        };
        let shared = Arc::new(Shared {
            metrics,
            outbox,
            acker,
            stop: stop.clone(),
            bell: workers.bell(),
            recorded,
        });
        let listener = std::thread::Builder::new()
            .name("relay-listener".into())
            .spawn(move || accept_loop(listener, &config, shared))
            .map_err(RelayError::Thread)?;
        log::info!(target: "pfhir::relay", "listening on mllp://{addr}");
        Ok(Relay {
            addr,
            stop,
            listener: Some(listener),
            workers: Some(workers),
            metrics_server,
        })
    }

    /// The address listened on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address `/metrics` and `/healthz` are served on, when they are.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_server.as_ref().map(MetricsServer::addr)
    }

    /// The flag that stops the relay (set it from a signal handler, then call
    /// [`Relay::shutdown`]).
    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// Stops and waits for every thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
        if let Some(workers) = self.workers.take() {
            workers.shutdown();
        }
        if let Some(m) = self.metrics_server.take() {
            m.join();
        }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

/// What every connection shares.
struct Shared {
    metrics: Arc<Metrics>,
    outbox: Arc<dyn Outbox>,
    acker: Acker,
    stop: Arc<AtomicBool>,
    /// Rung when a message is stored (wakes the workers).
    bell: Arc<Bell>,
    /// Rung when a worker recorded an outcome (ACK after answer).
    recorded: Arc<Bell>,
}

fn accept_loop(listener: TcpListener, config: &RelayConfig, shared: Arc<Shared>) {
    let open = Arc::new(AtomicUsize::new(0));
    let mut conns: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, peer)) => {
                conns.retain(|h| !h.is_finished());
                if open.load(Ordering::SeqCst) >= config.max_connections {
                    log::warn!(target: "pfhir::relay", "connection from {peer} refused: {} connections open", config.max_connections);
                    continue;
                }
                open.fetch_add(1, Ordering::SeqCst);
                let (sh, n, cfg) = (shared.clone(), open.clone(), config.clone());
                let spawned = std::thread::Builder::new()
                    .name("relay-conn".into())
                    .spawn(move || {
                        if let Err(e) = serve(stream, &cfg, &sh) {
                            log::warn!(target: "pfhir::relay", "connection from {peer} closed: {e}");
                        }
                        n.fetch_sub(1, Ordering::SeqCst);
                    });
                match spawned {
                    Ok(h) => conns.push(h),
                    Err(e) => {
                        open.fetch_sub(1, Ordering::SeqCst);
                        log::error!(target: "pfhir::relay", "cannot serve a connection: {e}");
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(POLL / 4),
            Err(e) => {
                log::error!(target: "pfhir::relay", "accept: {e}");
                std::thread::sleep(POLL);
            }
        }
    }
    for h in conns {
        let _ = h.join();
    }
}

/// Serves one connection: frames in, ACKs out, until the peer closes, idles, or the relay
/// stops.
fn serve(
    stream: TcpStream,
    config: &RelayConfig,
    sh: &Shared,
) -> Result<(), crate::mllp::MllpError> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(POLL))?;
    stream.set_write_timeout(Some(config.idle_timeout))?;
    stream.set_nodelay(true)?;
    match &config.tls {
        None => frames(
            FrameReader::new(stream, config.max_message_bytes, config.idle_timeout),
            config,
            sh,
        ),
        Some(tls) => {
            let session = tls.session().map_err(|e| io::Error::other(e.to_string()))?;
            let stream = rustls::StreamOwned::new(session, stream);
            frames(
                FrameReader::new(stream, config.max_message_bytes, config.idle_timeout),
                config,
                sh,
            )
        }
    }
}

/// Frames in, ACKs out on one (plain or TLS) stream.
fn frames<S: io::Read + io::Write>(
    mut reader: FrameReader<S>,
    config: &RelayConfig,
    sh: &Shared,
) -> Result<(), crate::mllp::MllpError> {
    while let Some(frame) = reader.next_frame(&sh.stop)? {
        sh.metrics.received();
        let (mut ack, received, conv) = sh.acker.receive_conv(&frame, &*sh.outbox);
        match received {
            Received::Stored(_) | Received::Duplicate(_) => sh.metrics.acked(),
            Received::Refused(code) => sh.metrics.refused(code.as_str()),
            Received::StoreFailed => sh.metrics.refused("store"),
        }
        match received {
            Received::Stored(id) => {
                log::info!(target: "pfhir::relay", "message {id} stored: pending");
                sh.bell.ring();
                if let Some(timeout) = config.ack_after_answer {
                    match wait_for_answer(&*sh.outbox, id, timeout, &sh.recorded) {
                        Ok(m) => {
                            log::info!(target: "pfhir::relay", "message {id}: ACK after answer, {}", m.state.as_str());
                            ack = answer_ack(conv, &m, sh.acker.converter().options());
                        }
                        // Stored and committed: the accept-time AA stands.
                        Err(e) => {
                            log::error!(target: "pfhir::relay", "message {id}: reading its outcome failed: {e}");
                        }
                    }
                }
            }
            Received::Duplicate(id) => {
                log::info!(target: "pfhir::relay", "a re-send of message {id}: its ACK sent again");
            }
            Received::Refused(code) => {
                log::info!(target: "pfhir::relay", "a message refused: {}", code.as_str());
            }
            Received::StoreFailed => {}
        }
        let new = matches!(received, Received::Stored(_));
        if new {
            crate::killpoint::pass(crate::killpoint::Point::BeforeAck);
        }
        write_frame(reader.get_mut(), &ack)?;
        if new {
            crate::killpoint::pass(crate::killpoint::Point::AfterAck);
        }
    }
    Ok(())
}
