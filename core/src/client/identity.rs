//! The client identity: `cert_pem` + `key_pem` (the key plain, or encrypted PKCS#8 with
//! `key_password`), or a PKCS#12 file with its password. The key comes back in a buffer that
//! is wiped when dropped.

use super::config::ClientConfig;
use super::error::ClientError;
use super::keys::{self, KeyDer};
use super::pkcs12::{self, Pkcs12Error};
use rustls_pki_types::CertificateDer;

fn config_error(what: &str) -> ClientError {
    ClientError::Config(what.to_string())
}

/// The certificates (for PEM: the chain, leaf first; for PKCS#12: every certificate of the
/// file, in file order) and the private key of `config`.
pub fn load(config: &ClientConfig) -> Result<(Vec<CertificateDer<'static>>, KeyDer), ClientError> {
    let Some(p12) = &config.pkcs12 else {
        let chain = keys::certificate_chain(&config.cert_pem)?;
        let key = keys::private_key(&config.key_pem, config.key_password.as_ref())?;
        return Ok((chain, key));
    };
    if !config.cert_pem.trim().is_empty() || !config.key_pem.is_empty() {
        return Err(config_error(
            "give the client identity either as pkcs12 or as cert_pem + key_pem, not both",
        ));
    }
    match pkcs12::open(p12.der(), p12.password().expose()) {
        Ok(contents) => Ok((
            contents
                .certificates
                .into_iter()
                .map(CertificateDer::from)
                .collect(),
            KeyDer::pkcs8(contents.key),
        )),
        Err(Pkcs12Error::WrongPassword) => Err(ClientError::WrongPassword(
            "the pkcs12 password does not open the PKCS#12 file (its integrity check or \
             decryption failed)"
                .into(),
        )),
        Err(Pkcs12Error::Invalid(what)) => {
            Err(config_error(&format!("pkcs12 cannot be used: {what}")))
        }
    }
}
