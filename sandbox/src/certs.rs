//! The sandbox's test PKI: a CA, a server certificate and a client certificate, as PEM.
//!
//! Keys are ECDSA P-256 (PKCS#8 PEM), certificates are signed by the CA. Every generation
//! makes a new CA with a distinct name, so a client certificate of another sandbox fails
//! with "unknown issuer" rather than with a signature error.

use std::fmt;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SigningKey,
    PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::error::{Result, SandboxError};

/// File name of the CA certificate in a certificate folder.
pub const CA_FILE: &str = "ca.pem";
/// File name of the server certificate.
pub const SERVER_CERT_FILE: &str = "server.pem";
/// File name of the server key.
pub const SERVER_KEY_FILE: &str = "server-key.pem";
/// File name of the client certificate.
pub const CLIENT_CERT_FILE: &str = "client.pem";
/// File name of the client key.
pub const CLIENT_KEY_FILE: &str = "client-key.pem";

const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// Validity of generated certificates: ten years from yesterday.
const VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 60 * 60);

/// The PEM texts of a sandbox PKI. `Debug` does not print the keys.
#[derive(Clone, PartialEq, Eq)]
pub struct Certs {
    /// The CA certificate: clients trust it, and it signs the client certificates the
    /// sandbox accepts.
    pub ca_pem: String,
    /// The server certificate (leaf only).
    pub server_pem: String,
    /// The server's private key (PKCS#8).
    pub server_key_pem: String,
    /// A client certificate (extended key usage clientAuth) signed by the CA.
    pub client_pem: String,
    /// The client's private key (PKCS#8).
    pub client_key_pem: String,
}

/// Options of [`Certs::generate_with`], for tests of certificate checks.
///
/// Build it with `CertOptions { expired_server: true, ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertOptions {
    /// Subject alternative names of the server certificate: IP addresses become IP SANs,
    /// anything else a DNS name. Default: `localhost` and `127.0.0.1`.
    pub server_names: Vec<String>,
    /// Make the server certificate expired (valid for one day, 30 days ago).
    pub expired_server: bool,
    /// Make the client certificate expired.
    pub expired_client: bool,
    /// Common name of the client certificate. Default: `pfhir sandbox client`.
    pub client_common_name: String,
}

impl Default for CertOptions {
    fn default() -> Self {
        CertOptions {
            server_names: vec!["localhost".to_string(), "127.0.0.1".to_string()],
            expired_server: false,
            expired_client: false,
            client_common_name: "pfhir sandbox client".to_string(),
        }
    }
}

impl fmt::Debug for Certs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certs")
            .field("ca_pem", &format_args!("<{} bytes>", self.ca_pem.len()))
            .field(
                "server_pem",
                &format_args!("<{} bytes>", self.server_pem.len()),
            )
            .field("server_key_pem", &format_args!("<redacted>"))
            .field(
                "client_pem",
                &format_args!("<{} bytes>", self.client_pem.len()),
            )
            .field("client_key_pem", &format_args!("<redacted>"))
            .finish()
    }
}

impl Certs {
    /// A fresh PKI: a CA, a server certificate for `localhost` and `127.0.0.1`, and a client
    /// certificate, all valid for ten years.
    pub fn generate() -> Result<Certs> {
        Certs::generate_with(&CertOptions::default())
    }

    /// A fresh PKI with the given options.
    pub fn generate_with(options: &CertOptions) -> Result<Certs> {
        let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let ca = CertifiedIssuer::self_signed(ca_params(), ca_key)?;

        let mut server = CertificateParams::new(options.server_names.clone())?;
        server.distinguished_name = DistinguishedName::new();
        let server_cn = options
            .server_names
            .first()
            .map_or("pfhir sandbox server", String::as_str);
        server
            .distinguished_name
            .push(DnType::CommonName, server_cn);
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        set_validity(&mut server, options.expired_server);
        let (server_pem, server_key_pem) = issue(&ca, server)?;

        let mut client = CertificateParams::default();
        client.distinguished_name = DistinguishedName::new();
        client
            .distinguished_name
            .push(DnType::CommonName, options.client_common_name.as_str());
        client.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        set_validity(&mut client, options.expired_client);
        let (client_pem, client_key_pem) = issue(&ca, client)?;

        Ok(Certs {
            ca_pem: ca.pem(),
            server_pem,
            server_key_pem,
            client_pem,
            client_key_pem,
        })
    }

    /// Loads the five PEM files from `dir` when they all exist; otherwise generates a new
    /// PKI and writes it there (creating the folder; keys get mode 0600 on unix).
    pub fn load_or_generate(dir: impl AsRef<Path>) -> Result<Certs> {
        let dir = dir.as_ref();
        let all_exist = Self::file_names()
            .iter()
            .all(|name| dir.join(name).is_file());
        if all_exist {
            return Certs::load(dir);
        }
        let certs = Certs::generate()?;
        certs.write(dir)?;
        log::info!("generated sandbox certificates in {}", dir.display());
        Ok(certs)
    }

    /// Loads the five PEM files from `dir` and checks that each holds a certificate or key.
    pub fn load(dir: impl AsRef<Path>) -> Result<Certs> {
        let dir = dir.as_ref();
        let read = |name: &str| {
            let path = dir.join(name);
            fs::read_to_string(&path).map_err(|source| SandboxError::File {
                action: "cannot read",
                path,
                source,
            })
        };
        let certs = Certs {
            ca_pem: read(CA_FILE)?,
            server_pem: read(SERVER_CERT_FILE)?,
            server_key_pem: read(SERVER_KEY_FILE)?,
            client_pem: read(CLIENT_CERT_FILE)?,
            client_key_pem: read(CLIENT_KEY_FILE)?,
        };
        certs.check()?;
        Ok(certs)
    }

    /// Writes the five PEM files into `dir` (created if needed); key files get mode 0600
    /// on unix.
    pub fn write(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        fs::create_dir_all(dir).map_err(|source| SandboxError::File {
            action: "cannot create",
            path: dir.to_path_buf(),
            source,
        })?;
        write_file(&dir.join(CA_FILE), &self.ca_pem, false)?;
        write_file(&dir.join(SERVER_CERT_FILE), &self.server_pem, false)?;
        write_file(&dir.join(SERVER_KEY_FILE), &self.server_key_pem, true)?;
        write_file(&dir.join(CLIENT_CERT_FILE), &self.client_pem, false)?;
        write_file(&dir.join(CLIENT_KEY_FILE), &self.client_key_pem, true)?;
        Ok(())
    }

    /// The file names used by [`Certs::write`] and [`Certs::load`], in field order.
    pub fn file_names() -> [&'static str; 5] {
        [
            CA_FILE,
            SERVER_CERT_FILE,
            SERVER_KEY_FILE,
            CLIENT_CERT_FILE,
            CLIENT_KEY_FILE,
        ]
    }

    /// Checks that every field holds at least one well-formed PEM certificate or key.
    pub fn check(&self) -> Result<()> {
        cert_chain(&self.ca_pem, "ca.pem")?;
        cert_chain(&self.server_pem, "server.pem")?;
        private_key(&self.server_key_pem, "server-key.pem")?;
        cert_chain(&self.client_pem, "client.pem")?;
        private_key(&self.client_key_pem, "client-key.pem")?;
        Ok(())
    }
}

/// The certificates of a PEM text (at least one).
pub(crate) fn cert_chain(pem: &str, what: &'static str) -> Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| SandboxError::Pem {
            what,
            message: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(SandboxError::Pem {
            what,
            message: "no CERTIFICATE section".to_string(),
        });
    }
    Ok(chain)
}

/// The first private key of a PEM text.
pub(crate) fn private_key(pem: &str, what: &'static str) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| SandboxError::Pem {
        what,
        message: e.to_string(),
    })
}

fn ca_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = DistinguishedName::new();
    p.distinguished_name
        .push(DnType::OrganizationName, "pfhir sandbox");
    // A distinct name per CA: a certificate from another sandbox is then an unknown issuer.
    let mut tag = [0u8; 4];
    let name = match getrandom::getrandom(&mut tag) {
        Ok(()) => format!("pfhir sandbox CA {}", hex(&tag)),
        Err(_) => format!("pfhir sandbox CA {}", now_secs()),
    };
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut p, false);
    p
}

fn issue(
    issuer: &Issuer<'_, impl SigningKey>,
    mut p: CertificateParams,
) -> Result<(String, String)> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    p.use_authority_key_identifier_extension = true;
    let cert = p.signed_by(&key, issuer)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

fn set_validity(p: &mut CertificateParams, expired: bool) {
    let now = date_time_ymd(1970, 1, 1) + Duration::from_secs(now_secs());
    if expired {
        p.not_before = now - 30 * DAY;
        p.not_after = now - 29 * DAY;
    } else {
        p.not_before = now - DAY;
        p.not_after = now + VALIDITY;
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_file(path: &Path, text: &str, secret: bool) -> Result<()> {
    let err = |source| SandboxError::File {
        action: "cannot write",
        path: PathBuf::from(path),
        source,
    };
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(err)?;
    #[cfg(unix)]
    if secret {
        // An existing file keeps its mode on open: set it explicitly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    #[cfg(not(unix))]
    let _ = secret;
    file.write_all(text.as_bytes()).map_err(err)?;
    file.flush().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_certs_parse_and_debug_hides_keys() {
        let certs = Certs::generate().unwrap();
        certs.check().unwrap();
        let debug = format!("{certs:?}");
        assert!(!debug.contains("PRIVATE KEY"));
        assert!(debug.contains("redacted"));
    }

    #[test]
    fn write_then_load_round_trips() {
        let dir = std::env::temp_dir().join(format!("pfhir-sandbox-certs-{}", now_nanos()));
        let first = Certs::load_or_generate(&dir).unwrap();
        let second = Certs::load_or_generate(&dir).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.join(CLIENT_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn partial_folder_is_regenerated() {
        let dir = std::env::temp_dir().join(format!("pfhir-sandbox-partial-{}", now_nanos()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(CA_FILE), "not a certificate").unwrap();
        let certs = Certs::load_or_generate(&dir).unwrap();
        assert_eq!(fs::read_to_string(dir.join(CA_FILE)).unwrap(), certs.ca_pem);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn load_rejects_garbage() {
        let dir = std::env::temp_dir().join(format!("pfhir-sandbox-bad-{}", now_nanos()));
        let certs = Certs::generate().unwrap();
        Certs {
            server_key_pem: "garbage".to_string(),
            ..certs
        }
        .write(&dir)
        .unwrap();
        assert!(matches!(
            Certs::load_or_generate(&dir),
            Err(SandboxError::Pem { .. })
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    fn now_nanos() -> u128 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    }
}
