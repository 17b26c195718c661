//! TLS on the MLLP listener (`--tls-cert`, `--tls-key`, optionally `--tls-client-ca` to
//! require and check client certificates): a rustls server configuration (ring, TLS 1.2 and
//! 1.3) built from PEM files. Each connection is a rustls stream over the accepted socket;
//! MLLP framing runs inside it unchanged.

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection};
use std::sync::Arc;

/// Why the TLS settings cannot be used (names the file's role, never key material).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// No certificate in the certificate PEM.
    #[error("the MLLP TLS certificate PEM holds no certificate")]
    NoCertificate,
    /// The key PEM holds no readable private key.
    #[error("the MLLP TLS key PEM holds no readable private key")]
    NoKey,
    /// The client CA PEM holds no usable certificate.
    #[error("the MLLP TLS client CA PEM holds no usable CA certificate")]
    NoClientCa,
    /// rustls refused the configuration (e.g. the key does not match the certificate).
    #[error("the MLLP TLS configuration: {0}")]
    Config(String),
}

/// The listener's TLS settings, shared by every connection.
#[derive(Clone)]
pub struct MllpTls {
    config: Arc<ServerConfig>,
}

impl std::fmt::Debug for MllpTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MllpTls").finish_non_exhaustive()
    }
}

impl MllpTls {
    /// From the server's certificate chain and key (PEM); with `client_ca` (PEM), clients
    /// must present a certificate issued by it.
    pub fn from_pem(
        cert_chain: &[u8],
        key: &[u8],
        client_ca: Option<&[u8]>,
    ) -> Result<MllpTls, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_chain)
            .filter_map(Result::ok)
            .collect();
        if chain.is_empty() {
            return Err(TlsError::NoCertificate);
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|_| TlsError::NoKey)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Config(e.to_string()))?;
        let builder = match client_ca {
            None => builder.with_no_client_auth(),
            Some(pem) => {
                let mut roots = RootCertStore::empty();
                for c in CertificateDer::pem_slice_iter(pem).filter_map(Result::ok) {
                    roots.add(c).map_err(|_| TlsError::NoClientCa)?;
                }
                if roots.is_empty() {
                    return Err(TlsError::NoClientCa);
                }
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| TlsError::Config(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let config = builder
            .with_single_cert(chain, key)
            .map_err(|e| TlsError::Config(e.to_string()))?;
        Ok(MllpTls {
            config: Arc::new(config),
        })
    }

    /// A server-side TLS session for one accepted connection.
    pub fn session(&self) -> Result<ServerConnection, TlsError> {
        ServerConnection::new(self.config.clone()).map_err(|e| TlsError::Config(e.to_string()))
    }
}
