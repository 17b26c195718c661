//! The ureq agent: mutual TLS with rustls (ring), pooled connections, and a connector that
//! records whether the current attempt opened a connection (so a failure can be known to
//! have happened before anything was sent) and counts new TLS connections.

use super::config::ClientConfig;
use super::error::{ClientError, TlsCause};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig, TlsProvider};
use ureq::unversioned::resolver::DefaultResolver;
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector, Transport};
use ureq::Agent;

/// What the connector did during the current attempt on this thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectPhase {
    /// No new connection: a pooled one was used (or resolving failed).
    NotCalled,
    /// A new connection was opened and its TLS handshake completed.
    Established,
    /// Opening a connection failed (TCP or TLS): nothing was sent.
    Failed,
}

thread_local! {
    static PHASE: Cell<ConnectPhase> = const { Cell::new(ConnectPhase::NotCalled) };
}

/// Resets the phase before an attempt.
pub fn reset_phase() {
    PHASE.with(|p| p.set(ConnectPhase::NotCalled));
}

/// The phase of the last attempt on this thread.
pub fn phase() -> ConnectPhase {
    PHASE.with(|p| p.get())
}

/// Wraps ureq's default connector (TCP + TLS) to observe new connections.
#[derive(Debug)]
struct Observe {
    inner: DefaultConnector,
    connections: Arc<AtomicU64>,
}

impl Connector<()> for Observe {
    type Out = Box<dyn Transport>;

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

fn config_error(what: &str) -> ClientError {
    ClientError::Config(what.to_string())
}

/// Parses, checks and converts the PEM material; builds the agent.
pub fn build_agent(
    config: &ClientConfig,
    connections: Arc<AtomicU64>,
) -> Result<Agent, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(config.cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|_| config_error("cert_pem is not a PEM certificate chain"))?;
    if chain.is_empty() {
        return Err(config_error("cert_pem holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(config.key_pem.expose().as_bytes())
        .map_err(|_| config_error("key_pem is not a PEM private key (PKCS#8, PKCS#1 or SEC1)"))?;
    // ureq panics on a key that does not match its certificate: check first.
    rustls::sign::CertifiedKey::from_der(chain.clone(), key.clone_key(), &provider).map_err(
        |_| {
            config_error(
                "key_pem does not match the certificate in cert_pem (or its type is not supported)",
            )
        },
    )?;
    let u_chain: Vec<Certificate<'static>> = chain
        .iter()
        .map(|c| Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    let u_key = PrivateKey::from_pem(config.key_pem.expose().as_bytes())
        .map_err(|_| config_error("key_pem is not a PEM private key"))?;
    let mut tls = TlsConfig::builder()
        .provider(TlsProvider::Rustls)
        .unversioned_rustls_crypto_provider(provider)
        .client_cert(Some(ClientCert::new_with_certs(&u_chain, u_key)));
    if let Some(ca) = &config.ca_pem {
        let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(ca.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|_| config_error("ca_pem is not PEM"))?;
        let mut store = rustls::RootCertStore::empty();
        for r in &roots {
            store.add(r.clone()).map_err(|_| {
                config_error("ca_pem holds a certificate that cannot be a trust anchor")
            })?;
        }
        if store.is_empty() {
            return Err(config_error("ca_pem holds no certificate"));
        }
        let u_roots: Vec<Certificate<'static>> = roots
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        tls = tls.root_certs(RootCerts::new_with_certs(&u_roots));
    }
    let agent_config = Agent::config_builder()
        .tls_config(tls.build())
        .https_only(true)
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("pfhir/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(config.timeouts.connect))
        .timeout_global(Some(config.timeouts.request))
        .max_idle_connections(if config.keep_alive { 32 } else { 0 })
        .max_idle_connections_per_host(if config.keep_alive { 16 } else { 0 })
        .max_idle_age(std::time::Duration::from_secs(15))
        .build();
    Ok(Agent::with_parts(
        agent_config,
        Observe {
            inner: DefaultConnector::new(),
            connections,
        },
        DefaultResolver::default(),
    ))
}

/// The rustls error inside a ureq error, if any.
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<rustls::Error>(),
        ureq::Error::Rustls(r) => Some(r),
        _ => None,
    }
}

/// Maps a rustls error to a plain-language cause.
pub fn tls_cause(e: &ureq::Error) -> Option<TlsCause> {
    use rustls::{AlertDescription as A, CertificateError as C, Error as R};
    let r = rustls_error(e)?;
    Some(match r {
        R::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => TlsCause::UnknownCa,
        R::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            TlsCause::NameMismatch
        }
        R::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => TlsCause::Expired,
        R::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
            TlsCause::NotYetValid
        }
        R::AlertReceived(
            A::CertificateRequired
            | A::BadCertificate
            | A::UnknownCA
            | A::CertificateExpired
            | A::CertificateRevoked
            | A::CertificateUnknown
            | A::UnsupportedCertificate
            | A::AccessDenied
            | A::HandshakeFailure,
        ) => TlsCause::ClientCertRejected,
        _ => TlsCause::Other,
    })
}

/// True for errors that mean "the peer closed or reset the connection".
pub fn is_connection_closed(e: &ureq::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(e, ureq::Error::Io(io) if matches!(io.kind(), K::BrokenPipe | K::ConnectionReset | K::UnexpectedEof | K::ConnectionAborted))
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
