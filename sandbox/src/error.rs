//! The error type of the sandbox's own operations (certificates, start-up).

use std::path::PathBuf;

/// What can go wrong when preparing or starting a sandbox.
///
/// Problems of a request (bad headers, invalid Bundles...) are not errors: the sandbox
/// answers them over HTTP, like the platform.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// rcgen could not generate a key or sign a certificate.
    #[error("cannot generate the sandbox certificates: {0}")]
    CertGeneration(#[from] rcgen::Error),
    /// A certificate or key file could not be read or written.
    #[error("{action} {path}: {source}")]
    File {
        /// What was being done (`cannot read`, `cannot write`...).
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A PEM text holds no certificate or key, or a malformed one.
    #[error("invalid PEM in {what}: {message}")]
    Pem {
        /// Which of the certificates or keys.
        what: &'static str,
        /// What is wrong.
        message: String,
    },
    /// rustls refused the certificates or the configuration.
    #[error("invalid TLS configuration: {0}")]
    Tls(String),
    /// The configuration is not usable (a zero size limit, say).
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        /// The requested port (0 for any free port).
        port: u16,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The async runtime or its thread could not be started.
    #[error("cannot start the sandbox runtime: {0}")]
    Runtime(std::io::Error),
}

/// A result with a [`SandboxError`].
pub type Result<T, E = SandboxError> = std::result::Result<T, E>;
