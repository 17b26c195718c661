//! The rustls configuration of the client (its key, its certificate, the server's trust
//! anchors), and what a TLS failure means in plain language.

use super::config::ClientConfig;
use super::error::{ClientError, TlsCause};
use super::identity;
use super::trust;
use rustls::client::ResolvesClientCert;
use rustls::sign::CertifiedKey;
use rustls::{AlertDescription as A, CertificateError as C, SignatureScheme};
use rustls_pki_types::CertificateDer;
use std::cell::Cell;
use std::sync::Arc;

thread_local! {
    /// Whether the server asked for our certificate during the last handshake on this thread.
    static CERT_REQUESTED: Cell<bool> = const { Cell::new(false) };
}

/// Forgets whether a certificate was requested (before an attempt, before a handshake).
pub fn reset_cert_requested() {
    CERT_REQUESTED.with(|c| c.set(false));
}

/// True when the server asked for our certificate in the last handshake on this thread.
pub fn cert_requested() -> bool {
    CERT_REQUESTED.with(Cell::get)
}

/// Always offers the client certificate, and notes (per thread) that the server asked for
/// it: rustls calls `resolve` only when a CertificateRequest arrives. Its `Debug` shows
/// nothing of the key.
struct ClientCert(Arc<CertifiedKey>);

impl std::fmt::Debug for ClientCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientCert(..)")
    }
}

impl ResolvesClientCert for ClientCert {
    fn resolve(&self, _hints: &[&[u8]], _schemes: &[SignatureScheme]) -> Option<Arc<CertifiedKey>> {
        CERT_REQUESTED.with(|c| c.set(true));
        Some(self.0.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

fn config_error(what: &str) -> ClientError {
    ClientError::Config(what.to_string())
}

/// Builds the rustls client configuration: TLS 1.2 and 1.3 with ring, the server checked as
/// [`super::trust`] says, our certificate and key (as [`super::identity`] reads them).
///
/// The key's DER is decoded into a buffer that is wiped when this function returns; ring
/// keeps its own form of the key inside the signing key, which pfhir cannot wipe.
pub fn client_config(config: &ClientConfig) -> Result<Arc<rustls::ClientConfig>, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let (certs, key) = identity::load(config)?;
    let what = if config.pkcs12.is_some() {
        "pkcs12"
    } else {
        "key_pem"
    };
    let signing_key =
        rustls::crypto::ring::sign::any_supported_type(&key.borrow()).map_err(|_| {
            config_error(&format!(
                "{what} holds a key of a type pfhir cannot use (RSA, ECDSA P-256/P-384 or Ed25519)"
            ))
        })?;
    drop(key);
    let certified = if config.pkcs12.is_some() {
        leaf_first(certs, signing_key)?
    } else {
        let certified = CertifiedKey::new(certs, signing_key);
        if !keys_match(&certified) {
            return Err(config_error(
                "key_pem does not match the certificate in cert_pem",
            ));
        }
        certified
    };
    let verifier = trust::server_verifier(config, &provider)?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|_| config_error("the TLS provider supports no TLS version"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_cert_resolver(Arc::new(ClientCert(Arc::new(certified))));
    Ok(Arc::new(tls))
}

/// True unless the certificate's public key is known not to be the key's.
fn keys_match(certified: &CertifiedKey) -> bool {
    matches!(
        certified.keys_match(),
        Ok(())
            | Err(rustls::Error::InconsistentKeys(
                rustls::InconsistentKeys::Unknown
            ))
    )
}

/// The chain of a PKCS#12 file: the certificate of the key first, then the others in file
/// order (a PKCS#12 file does not order its certificates).
fn leaf_first(
    certs: Vec<CertificateDer<'static>>,
    signing_key: Arc<dyn rustls::sign::SigningKey>,
) -> Result<CertifiedKey, ClientError> {
    for (i, leaf) in certs.iter().enumerate() {
        let mut chain = Vec::with_capacity(certs.len());
        chain.push(leaf.clone());
        chain.extend(
            certs
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, c)| c.clone()),
        );
        let certified = CertifiedKey::new(chain, signing_key.clone());
        match certified.keys_match() {
            Ok(()) => return Ok(certified),
            // The key cannot say its public key: keep the file's order.
            Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
                return Ok(CertifiedKey::new(certs, signing_key))
            }
            Err(_) => {}
        }
    }
    Err(config_error(
        "pkcs12 holds no certificate for its private key",
    ))
}

/// An alert's name as the TLS RFCs write it (`UnknownCA` -> `unknown_ca`).
fn alert_name(a: A) -> String {
    let debug = format!("{a:?}");
    let mut name = String::with_capacity(debug.len() + 4);
    let mut prev_lower = false;
    for c in debug.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            name.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// The rustls error inside a ureq error, if any.
fn rustls_error(e: &ureq::Error) -> Option<&rustls::Error> {
    match e {
        ureq::Error::Io(io) => io.get_ref()?.downcast_ref::<rustls::Error>(),
        ureq::Error::Rustls(r) => Some(r),
        _ => None,
    }
}

/// What a TLS failure means: its cause and a sentence. `None` when `e` is not a TLS failure.
///
/// Each alert is read for what it says. Alerts about a certificate can only be about ours
/// (the server checks no other), so they mean a refused client certificate. The others do not
/// say why; `handshake_failure` in particular means "no acceptable parameters", which some
/// servers also send for a refused certificate: it is reported as [`TlsCause::Other`], with
/// the alert named and, when our certificate had been sent, both readings given.
pub fn tls_failure(e: &ureq::Error) -> Option<(TlsCause, String)> {
    use rustls::Error as R;
    let r = rustls_error(e)?;
    let refused = |what: &str| (TlsCause::ClientCertRejected, what.to_string());
    let other = |what: String| (TlsCause::Other, what);
    Some(match r {
        R::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => (
            TlsCause::UnknownCa,
            format!("the server's certificate did not verify ({r})"),
        ),
        R::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => (
            TlsCause::NameMismatch,
            "the certificate does not name the host of base_url".into(),
        ),
        R::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            (TlsCause::Expired, "the server's certificate is out of date".into())
        }
        R::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => (
            TlsCause::NotYetValid,
            "the server's certificate starts later than now".into(),
        ),
        R::InvalidCertificate(C::Revoked) => {
            other("the server's certificate is revoked".into())
        }
        R::InvalidCertificate(c) => other(format!("the server's certificate is not acceptable ({c:?})")),
        R::AlertReceived(alert) => match alert {
            A::CertificateRequired => refused(
                "the server requires a client certificate and got none it accepts (alert certificate_required)",
            ),
            A::BadCertificate => refused(
                "the server found the client certificate bad: corrupt, or its signature does not verify (alert bad_certificate)",
            ),
            A::UnsupportedCertificate => refused(
                "the server does not support the client certificate's type (alert unsupported_certificate)",
            ),
            A::CertificateRevoked => {
                refused("the server says the client certificate is revoked (alert certificate_revoked)")
            }
            A::CertificateExpired => refused(
                "the server says the client certificate has expired or is not valid yet (alert certificate_expired)",
            ),
            A::CertificateUnknown => refused(
                "the server refused the client certificate without saying why (alert certificate_unknown)",
            ),
            A::UnknownCA => refused(
                "the server does not trust the CA that issued the client certificate (alert unknown_ca)",
            ),
            A::AccessDenied => refused(
                "the server accepts the client certificate as valid but denies it access (alert access_denied)",
            ),
            A::HandshakeFailure if cert_requested() => other(
                "the server ended the handshake after receiving the client certificate (alert handshake_failure): \
                 it refused the certificate, or found no acceptable security parameters; the alert does not say which"
                    .into(),
            ),
            A::HandshakeFailure => other(
                "the server found no acceptable security parameters: no TLS version, cipher suite or key type in common (alert handshake_failure)"
                    .into(),
            ),
            A::ProtocolVersion => other(
                "the server supports neither TLS 1.2 nor TLS 1.3 (alert protocol_version)".into(),
            ),
            A::InsufficientSecurity => other(
                "the server requires stronger cipher suites than offered (alert insufficient_security)".into(),
            ),
            A::UnrecognisedName => other(
                "the server does not serve the host name of base_url (alert unrecognized_name)".into(),
            ),
            A::DecryptError => other(
                "the server could not verify a signature or check of the handshake (alert decrypt_error)".into(),
            ),
            a => other(format!(
                "the server ended the connection with the alert {}",
                alert_name(*a)
            )),
        },
        R::PeerIncompatible(p) => other(format!("the server's TLS is incompatible ({p:?})")),
        R::NoCertificatesPresented => other("the server presented no certificate".into()),
        r => other(format!("the TLS connection failed ({r})")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(alert: A) -> (TlsCause, String) {
        tls_failure(&ureq::Error::Rustls(rustls::Error::AlertReceived(alert))).expect("TLS")
    }

    /// Issue #10 item 4: each alert is read for what it says; `handshake_failure` is never
    /// called a refused certificate (it was, even against a server with no common suite).
    #[test]
    fn alerts_are_mapped_to_what_they_mean() {
        for (alert, name) in [
            (A::CertificateRequired, "certificate_required"),
            (A::BadCertificate, "bad_certificate"),
            (A::UnsupportedCertificate, "unsupported_certificate"),
            (A::CertificateRevoked, "certificate_revoked"),
            (A::CertificateExpired, "certificate_expired"),
            (A::CertificateUnknown, "certificate_unknown"),
            (A::UnknownCA, "unknown_ca"),
            (A::AccessDenied, "access_denied"),
        ] {
            let (cause, detail) = failure(alert);
            assert_eq!(cause, TlsCause::ClientCertRejected, "{name}");
            assert!(detail.contains(&format!("(alert {name})")), "{detail}");
        }
        for requested in [false, true] {
            CERT_REQUESTED.with(|c| c.set(requested));
            let (cause, detail) = failure(A::HandshakeFailure);
            assert_eq!(cause, TlsCause::Other);
            assert!(detail.contains("(alert handshake_failure)"), "{detail}");
            assert_eq!(detail.contains("does not say which"), requested, "{detail}");
        }
        reset_cert_requested();
        for (alert, says) in [
            (A::ProtocolVersion, "protocol_version"),
            (A::InsufficientSecurity, "insufficient_security"),
            (A::DecryptError, "decrypt_error"),
            (A::UnrecognisedName, "unrecognized_name"),
            (A::InternalError, "alert internal_error"),
            (A::IllegalParameter, "alert illegal_parameter"),
        ] {
            let (cause, detail) = failure(alert);
            assert_eq!(cause, TlsCause::Other, "{says}");
            assert!(detail.contains(says), "{detail}");
        }
        assert!(tls_failure(&ureq::Error::HostNotFound).is_none());
    }
}
