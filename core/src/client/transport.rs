//! The ureq agent: TCP from ureq, TLS (rustls, ring) from pfhir's own connector, pooled
//! connections, and a wrapper that records whether the current attempt opened a connection
//! (so a failure can be known to have happened before anything was sent) and counts new TLS
//! connections.
//!
//! pfhir does its own TLS for three reasons. With TLS 1.3 a server refuses a client
//! certificate only after the client's handshake is over, so the refusal (an alert) would
//! otherwise first show up as a broken pipe under the request: [`TlsConnector`] waits, on a
//! new connection only and for a bounded time, for the server's first record (its session
//! tickets, or its alert), and [`TlsTransport`] reads a pending alert when a write fails. The
//! key and the plaintext buffers are in memory pfhir wipes ([`super::keys`],
//! [`super::buffers`]). And the cause of a TLS failure is read from rustls ([`super::tls`]).

use super::buffers::WipedBuffers;
use super::config::ClientConfig;
use super::error::ClientError;
use super::tls;
use rustls::pki_types::ServerName;
use rustls::{ClientConnection, StreamOwned};
use std::cell::Cell;
use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::time::{Duration as UDuration, Instant as UInstant};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, NextTimeout, TcpConnector, Transport,
    TransportAdapter,
};
use ureq::{Agent, Timeout};

/// The shortest wait for the server's first record after a TLS 1.3 handshake.
const VERDICT_MIN: Duration = Duration::from_millis(50);
/// The longest such wait (a server that sends no session ticket costs this once per new
/// connection).
const VERDICT_MAX: Duration = Duration::from_millis(500);
/// How long a failed write waits for the records the server sent before closing.
const ALERT_AFTER_WRITE: Duration = Duration::from_millis(200);

/// What the connector did during the current attempt on this thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectPhase {
    /// No new connection: a pooled one was used (or resolving failed).
    NotCalled,
    /// A new connection was opened, its TLS handshake completed and the server did not
    /// refuse it.
    Established,
    /// Opening a connection failed (TCP, TLS, or the server's refusal of our certificate):
    /// nothing was sent.
    Failed,
}

thread_local! {
    static PHASE: Cell<ConnectPhase> = const { Cell::new(ConnectPhase::NotCalled) };
}

/// Resets the phase (and what the last handshake saw) before an attempt.
pub fn reset_phase() {
    PHASE.with(|p| p.set(ConnectPhase::NotCalled));
    tls::reset_cert_requested();
}

/// The phase of the last attempt on this thread.
pub fn phase() -> ConnectPhase {
    PHASE.with(|p| p.get())
}

/// Wraps the connector chain to observe new connections.
#[derive(Debug)]
struct Observe<C> {
    inner: C,
    connections: Arc<AtomicU64>,
}

impl<C: Connector<()>> Connector<()> for Observe<C> {
    type Out = C::Out;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let result = self.inner.connect(details, chained);
        let phase = match &result {
            Ok(Some(t)) => {
                if t.is_tls() {
                    self.connections.fetch_add(1, Ordering::Relaxed);
                }
                ConnectPhase::Established
            }
            _ => ConnectPhase::Failed,
        };
        PHASE.with(|p| p.set(phase));
        result
    }
}

/// Wraps a TCP transport in TLS with pfhir's rustls configuration.
struct TlsConnector {
    config: Arc<rustls::ClientConfig>,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsConnector")
    }
}

/// The timeout `t`, given at `since`, as what is left of it now.
fn remaining(t: NextTimeout, since: UInstant, now: UInstant) -> NextTimeout {
    let elapsed = match (now, since) {
        (UInstant::Exact(now), UInstant::Exact(since)) => now.saturating_duration_since(since),
        _ => Duration::ZERO,
    };
    let after = match t.after {
        UDuration::Exact(d) => UDuration::Exact(d.saturating_sub(elapsed)),
        other => other,
    };
    NextTimeout { after, ..t }
}

/// A timeout of `d` for the adapter, reported as a connect timeout.
fn bounded(d: Duration) -> NextTimeout {
    NextTimeout {
        after: UDuration::Exact(d),
        reason: Timeout::Connect,
        ..NextTimeout::default()
    }
}

/// True for an I/O error that is the adapter's timeout.
fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    ) || e
        .get_ref()
        .and_then(|i| i.downcast_ref::<ureq::Error>())
        .is_some_and(|u| matches!(u, ureq::Error::Timeout(_)))
}

/// A rustls error as the I/O error rustls's own streams give (what [`tls::tls_failure`] reads).
fn tls_io_error(e: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e)
}

/// After a TLS 1.3 handshake in which the server asked for our certificate, waits up to
/// `wait` for the server's first record: its session tickets mean it accepted the
/// certificate, its alert that it refused it (an error, before anything was sent). A server
/// that sends nothing costs `wait` and is taken as accepting.
fn await_verdict(
    conn: &mut ClientConnection,
    sock: &mut TransportAdapter,
    wait: Duration,
) -> Result<(), ureq::Error> {
    sock.set_timeout(bounded(wait));
    match conn.read_tls(sock) {
        Ok(0) => Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the server closed the connection right after the TLS handshake",
        )
        .into()),
        Ok(_) => {
            let state = conn.process_new_packets().map_err(tls_io_error)?;
            if state.peer_has_closed() {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection right after the TLS handshake",
                )
                .into());
            }
            Ok(())
        }
        Err(e) if is_timeout(&e) => {
            log::debug!(target: "pfhir::client", "no TLS record from the server within {} ms of the handshake", wait.as_millis());
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("the URL has no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| ureq::Error::Tls("the host is not a valid TLS server name"))?;
        let mut conn = ClientConnection::new(self.config.clone(), name)?;
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        let budget = remaining(details.timeout, details.now, (details.current_time)());
        sock.set_timeout(budget);
        tls::reset_cert_requested();
        let started = Instant::now();
        conn.complete_io(&mut sock)?;
        if conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_3)
            && tls::cert_requested()
        {
            let mut wait = (started.elapsed() * 2).clamp(VERDICT_MIN, VERDICT_MAX);
            if let UDuration::Exact(left) =
                remaining(budget, details.now, (details.current_time)()).after
            {
                wait = wait.min(left);
            }
            await_verdict(&mut conn, &mut sock, wait)?;
        }
        let buffers = WipedBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned::new(conn, sock),
        })))
    }
}

/// A TLS connection: rustls over ureq's TCP transport, with wiped plaintext buffers.
pub struct TlsTransport {
    buffers: WipedBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl std::fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsTransport")
            .field("tcp", &self.stream.sock.inner())
            .finish()
    }
}

impl TlsTransport {
    /// After a write (or the write rustls does before a read) failed because the server closed
    /// the connection: reads what the server sent before closing (briefly) and returns its
    /// alert as a TLS error, if it sent one.
    /// This is how a refused client certificate shows when the refusal came after the wait
    /// in [`TlsConnector`] (or from a server that sends no session ticket).
    fn pending_alert(&mut self) -> Option<ureq::Error> {
        let StreamOwned { conn, sock } = &mut self.stream;
        sock.set_timeout(bounded(ALERT_AFTER_WRITE));
        for _ in 0..4 {
            match conn.read_tls(sock) {
                Ok(0) | Err(_) => return None,
                Ok(_) => match conn.process_new_packets() {
                    Err(e) => return Some(tls_io_error(e).into()),
                    Ok(state) if state.peer_has_closed() => return None,
                    Ok(_) => {}
                },
            }
        }
        None
    }
}

/// True for the errors of a write on a connection the peer closed.
fn is_closed(e: &io::Error) -> bool {
    use io::ErrorKind as K;
    matches!(
        e.kind(),
        K::BrokenPipe | K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof
    )
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let output = &self.buffers.output()[..amount];
        // rustls's stream keeps a failed socket write for the next call: flush to see it here.
        match self
            .stream
            .write_all(output)
            .and_then(|()| self.stream.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if is_closed(&e) => Err(self.pending_alert().unwrap_or_else(|| e.into())),
            Err(e) => Err(e.into()),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.sock.set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = match self.stream.read(input) {
            Ok(n) => n,
            Err(e) if is_closed(&e) => {
                return Err(self.pending_alert().unwrap_or_else(|| e.into()))
            }
            Err(e) => return Err(e.into()),
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.sock.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// Parses, checks and converts the PEM material; builds the agent.
pub fn build_agent(
    config: &ClientConfig,
    connections: Arc<AtomicU64>,
) -> Result<Agent, ClientError> {
    let tls = tls::client_config(config)?;
    let agent_config = Agent::config_builder()
        .https_only(true)
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("pfhir/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(config.timeouts.connect))
        .timeout_global(Some(config.timeouts.request))
        .max_idle_connections(if config.keep_alive { 32 } else { 0 })
        .max_idle_connections_per_host(if config.keep_alive { 16 } else { 0 })
        .max_idle_age(Duration::from_secs(15))
        .build();
    let connector = ().chain(TcpConnector::default()).chain(TlsConnector { config: tls });
    Ok(Agent::with_parts(
        agent_config,
        Observe {
            inner: connector,
            connections,
        },
        DefaultResolver::default(),
    ))
}

/// True for errors that mean "the peer closed or reset the connection".
pub fn is_connection_closed(e: &ureq::Error) -> bool {
    matches!(e, ureq::Error::Io(io) if is_closed(io))
}

/// True for errors of name resolution or of a refused connection (nothing was sent).
pub fn is_unreachable(e: &ureq::Error) -> bool {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => true,
        ureq::Error::Io(io) => {
            matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::AddrNotAvailable
                    | K::HostUnreachable
                    | K::NetworkUnreachable
            ) || io.to_string().contains("failed to lookup address")
        }
        _ => false,
    }
}
