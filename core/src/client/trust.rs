//! How the server's certificate is checked: exactly the CAs of `ca_pem` when given, else the
//! operating system's store (`rustls-platform-verifier`) or the Mozilla roots compiled into
//! pfhir (`webpki-roots`), as [`ClientConfig::trust_store`] says.

use super::config::{ClientConfig, TrustStore};
use super::error::ClientError;
use rustls::client::danger::ServerCertVerifier;
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::sync::Arc;

fn config_error(what: &str) -> ClientError {
    ClientError::Config(what.to_string())
}

/// The CAs of `ca_pem`, and only those.
pub fn ca_pem_roots(ca: &str) -> Result<rustls::RootCertStore, ClientError> {
    let mut store = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca.as_bytes()) {
        let cert = cert.map_err(|_| config_error("ca_pem is not PEM"))?;
        store.add(cert).map_err(|_| {
            config_error("ca_pem holds a certificate that cannot be a trust anchor")
        })?;
    }
    if store.is_empty() {
        return Err(config_error("ca_pem holds no certificate"));
    }
    Ok(store)
}

/// The Mozilla roots compiled into pfhir.
pub fn mozilla_roots() -> rustls::RootCertStore {
    rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// The verifier of the server's certificate that `config` asks for.
pub fn server_verifier(
    config: &ClientConfig,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, ClientError> {
    let webpki =
        |roots: rustls::RootCertStore| -> Result<Arc<dyn ServerCertVerifier>, ClientError> {
            let verifier =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                    .build()
                    .map_err(|e| config_error(&format!("the trust anchors cannot be used: {e}")))?;
            Ok(verifier)
        };
    match (&config.ca_pem, config.trust_store) {
        (Some(ca), _) => webpki(ca_pem_roots(ca)?),
        (None, TrustStore::Mozilla) => webpki(mozilla_roots()),
        (None, TrustStore::System) => {
            let verifier =
                rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| {
                    config_error(&format!(
                    "the operating system's certificate store cannot be used ({e}): install the \
                     CA certificates there (on Linux: /etc/ssl/certs, or name a file with \
                     SSL_CERT_FILE), give ca_pem, or choose the trust store mozilla"
                ))
                })?;
            Ok(Arc::new(verifier))
        }
    }
}
