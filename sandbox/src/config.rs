//! [`SandboxConfig`]: certificates, port, the credentials the sandbox expects, limits.

use std::fmt;
use std::time::Duration;

use crate::certs::Certs;
use crate::error::{Result, SandboxError};

/// The organization OID expected in `org_id` by default (the guide's example).
pub const DEFAULT_ORG_ID: &str = "2.16.724.4.2";
/// The `client_id` expected by default (the guide's example).
pub const DEFAULT_CLIENT_ID: &str = "1234567890";
/// The `client_secret` expected by default.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-secret";
/// The default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// The default time a client has to complete the TLS handshake: 10 s.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time a client has to send a request's headers: 30 s. It also bounds how long
/// a kept-alive connection may stay idle, so it must exceed the idle time of client pools
/// (pfhir's client keeps idle connections 15 s).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time a client has to send a whole request body: 10 s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default cap on open connections: 256.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// The default number of request bodies validated at the same time: 4.
pub const DEFAULT_VALIDATION_THREADS: usize = 4;

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
    /// Answer a repeated `x-origin-request-id` with the recorded answer (idempotency).
    /// When false, every request is processed as new. Default: true; also settable while
    /// running ([`crate::Sandbox::set_dedup`], `POST /_sandbox/settings`).
    pub dedup: bool,
    /// Time allowed for the TLS handshake of a new connection.
    pub handshake_timeout: Duration,
    /// Time allowed to receive a request's headers, counted from the end of the previous
    /// answer (so it is also the idle timeout of a kept-alive connection).
    pub header_read_timeout: Duration,
    /// Time allowed to receive a whole request body; past it the sandbox answers 408 and
    /// closes the connection.
    pub body_read_timeout: Duration,
    /// Most connections open at once; further ones wait in the listen backlog until one
    /// closes.
    pub max_connections: usize,
    /// Most request bodies validated at once, each on a blocking thread away from the
    /// connections; further ones wait their turn.
    pub validation_threads: usize,
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
            dedup: true,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            validation_threads: DEFAULT_VALIDATION_THREADS,
        }
    }

    /// Checks the limits: sizes, caps and timeouts must not be zero.
    pub fn check(&self) -> Result<()> {
        let zero = |what: &str| Err(SandboxError::Config(format!("{what} must not be zero")));
        if self.max_body_bytes == 0 {
            return zero("max_body_bytes");
        }
        if self.max_connections == 0 {
            return zero("max_connections");
        }
        if self.validation_threads == 0 {
            return zero("validation_threads");
        }
        for (what, timeout) in [
            ("handshake_timeout", self.handshake_timeout),
            ("header_read_timeout", self.header_read_timeout),
            ("body_read_timeout", self.body_read_timeout),
        ] {
            if timeout.is_zero() {
                return zero(what);
            }
        }
        Ok(())
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
            .field("dedup", &self.dedup)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_connections", &self.max_connections)
            .field("validation_threads", &self.validation_threads)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> SandboxConfig {
        SandboxConfig::with_certs(Certs {
            ca_pem: String::new(),
            server_pem: String::new(),
            server_key_pem: String::new(),
            client_pem: String::new(),
            client_key_pem: String::new(),
        })
    }

    #[test]
    fn default_limits_bound_every_client() {
        let c = config();
        assert_eq!(c.body_read_timeout, Duration::from_secs(10));
        assert_eq!(c.header_read_timeout, Duration::from_secs(30));
        assert_eq!(c.handshake_timeout, Duration::from_secs(10));
        assert_eq!(c.max_connections, 256);
        assert_eq!(c.validation_threads, 4);
        assert!(c.dedup);
        assert!(c.check().is_ok());
    }

    #[test]
    fn zero_limits_are_refused() {
        let refused = |c: SandboxConfig| match c.check() {
            Err(SandboxError::Config(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(refused(SandboxConfig {
            max_connections: 0,
            ..config()
        })
        .contains("max_connections"));
        assert!(refused(SandboxConfig {
            body_read_timeout: Duration::ZERO,
            ..config()
        })
        .contains("body_read_timeout"));
        assert!(refused(SandboxConfig {
            validation_threads: 0,
            ..config()
        })
        .contains("validation_threads"));
    }
}
