//! [`SandboxConfig`]: certificates, port, the credentials the sandbox expects, limits.

use std::fmt;

use crate::certs::Certs;

/// The organization OID expected in `org_id` by default (the guide's example).
pub const DEFAULT_ORG_ID: &str = "2.16.724.4.2";
/// The `client_id` expected by default (the guide's example).
pub const DEFAULT_CLIENT_ID: &str = "1234567890";
/// The `client_secret` expected by default.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-secret";
/// The default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How a [`crate::Sandbox`] is set up. `Debug` does not print the secret or the keys.
///
/// `Default` generates a new PKI (see [`Certs::generate`]); should that ever fail, the
/// certificates are left empty and [`crate::Sandbox::start`] reports the problem.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The CA, server and client certificates.
    pub certs: Certs,
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The `org_id` header value the sandbox accepts.
    pub org_id: String,
    /// The `client_id` header value the sandbox accepts.
    pub client_id: String,
    /// The `client_secret` header value the sandbox accepts.
    pub client_secret: String,
    /// Largest accepted request body; larger ones get 413 `too-long`.
    pub max_body_bytes: usize,
    /// Refuse a patient whose email (a `telecom` with system `email`) another stored
    /// patient already has, as the guide says the platform does. Default: true.
    pub unique_email: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let certs = Certs::generate().unwrap_or_else(|e| {
            log::error!("{e}");
            Certs {
                ca_pem: String::new(),
                server_pem: String::new(),
                server_key_pem: String::new(),
                client_pem: String::new(),
                client_key_pem: String::new(),
            }
        });
        SandboxConfig::with_certs(certs)
    }
}

impl SandboxConfig {
    /// The default configuration with the given certificates (no generation).
    pub fn with_certs(certs: Certs) -> Self {
        SandboxConfig {
            certs,
            port: 0,
            org_id: DEFAULT_ORG_ID.to_string(),
            client_id: DEFAULT_CLIENT_ID.to_string(),
            client_secret: DEFAULT_CLIENT_SECRET.to_string(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            unique_email: true,
        }
    }
}

impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("certs", &self.certs)
            .field("port", &self.port)
            .field("org_id", &self.org_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &format_args!("<redacted>"))
            .field("max_body_bytes", &self.max_body_bytes)
            .field("unique_email", &self.unique_email)
            .finish()
    }
}
