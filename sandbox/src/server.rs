//! [`Sandbox`]: the TLS listener on its own thread and tokio runtime.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use pfhir_core::validate::{Validator, ValidatorOptions};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::api::{self, State, BASE_PATH};
use crate::certs::{cert_chain, private_key, Certs};
use crate::config::SandboxConfig;
use crate::error::{Result, SandboxError};
use crate::faults::Faults;
use crate::store::Store;
use crate::validation::ValidationPool;

const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// The limits of one connection.
#[derive(Debug, Clone, Copy)]
struct ConnectionLimits {
    handshake_timeout: Duration,
    header_read_timeout: Duration,
}

/// Counters of a running sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Completed server-side TLS handshakes (one per connection, resumed ones included).
    pub tls_handshakes: u64,
    /// HTTP requests received (the `/_sandbox/` endpoints included).
    pub requests: u64,
    /// Patients stored.
    pub patients: usize,
}

/// A running sandbox: an HTTPS server with client-certificate verification on 127.0.0.1.
///
/// `Send + Sync`; it stops on [`Sandbox::shutdown`] or when dropped.
pub struct Sandbox {
    addr: SocketAddr,
    config: SandboxConfig,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("addr", &self.addr)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox; returns once it is listening.
    pub fn start(config: SandboxConfig) -> Result<Sandbox> {
        config.check()?;
        let mut options = ValidatorOptions::partner();
        options.limits.max_bytes = config.max_body_bytes;
        let validator = Validator::new(options).map_err(|e| SandboxError::Config(e.to_string()))?;
        let acceptor = TlsAcceptor::from(tls_config(&config.certs)?);

        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| SandboxError::Bind {
                port: config.port,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
            port: config.port,
            source,
        })?;

        let state = Arc::new(State {
            org_id: config.org_id.clone(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            max_body_bytes: config.max_body_bytes,
            body_read_timeout: config.body_read_timeout,
            unique_email: config.unique_email,
            dedup: AtomicBool::new(config.dedup),
            validation: ValidationPool::new(validator, config.validation_threads),
            store: Mutex::new(Store::default()),
            faults: Faults::default(),
            handshakes: AtomicU64::new(0),
            requests: AtomicU64::new(0),
        });
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pfhir-sandbox-worker")
            .enable_all()
            .build()
            .map_err(SandboxError::Runtime)?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (ready_tx, ready_rx) = mpsc::channel::<std::io::Result<()>>();
        let thread_state = state.clone();
        let limits = ConnectionLimits {
            handshake_timeout: config.handshake_timeout,
            header_read_timeout: config.header_read_timeout,
        };
        let connections = Arc::new(Semaphore::new(config.max_connections));
        let thread = std::thread::Builder::new()
            .name("pfhir-sandbox".to_string())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                            return;
                        }
                    };
                    let _ = ready_tx.send(Ok(()));
                    let server = Server {
                        acceptor,
                        state: thread_state,
                        limits,
                        connections,
                    };
                    server.accept_loop(listener, shutdown_rx).await;
                });
                // Cancels the connections still open (hanging requests included).
                runtime.shutdown_timeout(SHUTDOWN_GRACE);
            })
            .map_err(SandboxError::Runtime)?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(SandboxError::Runtime(e)),
            Err(_) => {
                return Err(SandboxError::Runtime(std::io::Error::other(
                    "the sandbox thread ended before listening",
                )))
            }
        }
        log::info!("sandbox listening on https://{addr}{BASE_PATH}");
        Ok(Sandbox {
            addr,
            config,
            state,
            shutdown,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The base URL of the API: `https://127.0.0.1:PORT/partners/fhir/stu3/api/`.
    pub fn base_url(&self) -> String {
        format!("https://{}{}", self.addr, BASE_PATH)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The listening port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The certificates: trust `ca_pem`, present `client_pem` + `client_key_pem`.
    pub fn certs(&self) -> &Certs {
        &self.config.certs
    }

    /// The configuration the sandbox was started with (the port as requested).
    pub fn config(&self) -> &SandboxConfig {
        &self.config
    }

    /// A client configuration for this sandbox, speaking `version`: its base URL, its org
    /// and client credentials, its client certificate and key, and its CA as the only trust.
    #[cfg(feature = "client")]
    pub fn client_config(
        &self,
        version: pfhir_core::client::ApiVersion,
    ) -> pfhir_core::client::ClientConfig {
        use pfhir_core::client::{ClientConfig, Secret};
        let c = &self.config;
        let mut config = ClientConfig::new(self.base_url());
        config.api_version = version;
        config.org_id = c.org_id.clone();
        config.client_id = c.client_id.clone();
        config.client_secret = Secret::new(c.client_secret.clone());
        config.cert_pem = c.certs.client_pem.clone();
        config.key_pem = Secret::new(c.certs.client_key_pem.clone());
        config.ca_pem = Some(c.certs.ca_pem.clone());
        config
    }

    /// The current counters.
    pub fn stats(&self) -> Stats {
        Stats {
            tls_handshakes: self.state.handshakes.load(Ordering::Relaxed),
            requests: self.state.requests.load(Ordering::Relaxed),
            patients: self.state.store().len(),
        }
    }

    /// A copy of every stored patient (its `id` is its logical id), for tests that check
    /// what the platform ended up with.
    pub fn patients(&self) -> Vec<pfhir_core::model::Patient> {
        self.state
            .store()
            .all()
            .map(|p| p.patient.clone())
            .collect()
    }

    /// The fault rules, to push faults for the next requests.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Turns the idempotent replay by `x-origin-request-id` on or off (see
    /// [`SandboxConfig::dedup`]); also `POST /_sandbox/settings` `{"dedup": false}`.
    pub fn set_dedup(&self, on: bool) {
        self.state.dedup.store(on, Ordering::Relaxed);
    }

    /// Whether repeated request ids get the recorded answer.
    pub fn dedup(&self) -> bool {
        self.state.dedup.load(Ordering::Relaxed)
    }

    /// The shared state, for the crate's own tests.
    #[cfg(test)]
    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// Stops the server and waits for its thread (at most about half a second after the
    /// connections are cancelled). Idempotent; also done on drop.
    pub fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            if thread.join().is_err() {
                log::error!("the sandbox thread panicked");
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The rustls configuration: ring, TLS 1.2 and 1.3, a client certificate from the CA
/// required, HTTP/1.1 by ALPN.
fn tls_config(certs: &Certs) -> Result<Arc<ServerConfig>> {
    let tls = |e: rustls::Error| SandboxError::Tls(e.to_string());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for cert in cert_chain(&certs.ca_pem, "ca.pem")? {
        roots.add(cert).map_err(tls)?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| SandboxError::Tls(e.to_string()))?;
    let chain = cert_chain(&certs.server_pem, "server.pem")?;
    let key = private_key(&certs.server_key_pem, "server-key.pem")?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(tls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(tls)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// What the accept loop hands to every connection.
struct Server {
    acceptor: TlsAcceptor,
    state: Arc<State>,
    limits: ConnectionLimits,
    /// One permit per open connection (`max_connections`).
    connections: Arc<Semaphore>,
}

impl Server {
    /// Accepts connections while fewer than `max_connections` are open; at the cap, new
    /// ones wait in the listen backlog until one closes.
    async fn accept_loop(self, listener: TcpListener, mut shutdown: watch::Receiver<bool>) {
        let mut at_cap = false;
        loop {
            let permit = match self.connections.clone().try_acquire_owned() {
                Ok(permit) => {
                    at_cap = false;
                    permit
                }
                Err(_) => {
                    if !at_cap {
                        log::warn!("connection limit reached: new connections wait");
                        at_cap = true;
                    }
                    tokio::select! {
                        _ = shutdown.changed() => break,
                        permit = self.connections.clone().acquire_owned() => match permit {
                            Ok(permit) => permit,
                            Err(_) => break,
                        },
                    }
                }
            };
            let tcp = tokio::select! {
                _ = shutdown.changed() => break,
                accepted = listener.accept() => match accepted {
                    Ok((tcp, _)) => tcp,
                    Err(e) => {
                        // Out of file descriptors, say: do not spin.
                        log::warn!("accept failed: {e}");
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        continue;
                    }
                },
            };
            tokio::spawn(connection(
                tcp,
                self.acceptor.clone(),
                self.state.clone(),
                self.limits,
                permit,
            ));
        }
    }
}

/// Serves one connection: the handshake, then HTTP/1.1 requests with keep-alive. The permit
/// is released when the connection ends.
async fn connection(
    tcp: TcpStream,
    acceptor: TlsAcceptor,
    state: Arc<State>,
    limits: ConnectionLimits,
    _permit: OwnedSemaphorePermit,
) {
    let _ = tcp.set_nodelay(true);
    let tls = match tokio::time::timeout(limits.handshake_timeout, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            log::info!("TLS handshake failed: {e}");
            return;
        }
        Err(_) => {
            log::info!("TLS handshake timed out");
            return;
        }
    };
    state.handshakes.fetch_add(1, Ordering::Relaxed);
    let service = service_fn(move |request| {
        let state = state.clone();
        async move { api::handle(&state, request).await }
    });
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(tls), service)
        .await;
    if let Err(e) = served {
        log::debug!("connection closed: {e}");
    }
}
