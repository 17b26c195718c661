//! Client configuration: where to send, who we are, how long to wait, how to retry.

use std::fmt;
use std::time::Duration;
use zeroize::Zeroizing;

/// The `Content-Type` of the Bundles sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentType {
    /// `application/json`: the guide's "Default value".
    #[default]
    Json,
    /// `application/fhir+json`, which the guide also accepts.
    FhirJson,
}

impl ContentType {
    /// The header value.
    pub const fn as_str(self) -> &'static str {
        match self {
            ContentType::Json => "application/json",
            ContentType::FhirJson => "application/fhir+json",
        }
    }

    /// Parses `application/json` or `application/fhir+json` (also `json`, `fhir+json`).
    pub fn parse(s: &str) -> Option<ContentType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "application/json" | "json" => Some(ContentType::Json),
            "application/fhir+json" | "fhir+json" => Some(ContentType::FhirJson),
            _ => None,
        }
    }
}

/// How [`super::Client::resolve_uncertain_create`] settles a v2 create whose outcome is
/// unknown. v1 needs no setting: its path id is the business id, so the client reads
/// `Patient/{business id}`. The guide promises no de-duplication by `x-origin-request-id`
/// and does not publish the status of a duplicate identifier, so the default sends nothing
/// and asks a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UncertainCreatePolicy {
    /// Send nothing: the create is reported as "created, logical id unknown" for a person to
    /// resolve (find the patient on the platform, then record its id).
    #[default]
    AskAPerson,
    /// The server de-duplicates by `x-origin-request-id` (as pfhir's sandbox does): re-send
    /// with the same request id; the answer is the first create's.
    ResendDeduplicating,
    /// The server refuses a second patient with the same identifier with this HTTP status:
    /// re-send (same request id); a success means the first create never happened, this
    /// status means it did (logical id unknown), another client error means neither did.
    ResendDuplicateStatus(u16),
}

/// Which trust anchors check the server's certificate when [`ClientConfig::ca_pem`] is not
/// given (`ca_pem`, when given, replaces both: exactly its CAs are trusted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TrustStore {
    /// The operating system's store (the default), through `rustls-platform-verifier`: the
    /// Windows and macOS certificate verifiers; on Linux the system certificates
    /// (`/etc/ssl/certs` and the like, or the files `SSL_CERT_FILE` / `SSL_CERT_DIR` name).
    /// This is where hospitals put their own CAs and TLS-inspection proxies. A store that
    /// cannot be read, or holds no usable certificate, fails `Client::new` with
    /// [`super::ClientError::Config`].
    #[default]
    System,
    /// The Mozilla roots compiled into pfhir (`webpki-roots`); the operating system is not
    /// asked.
    Mozilla,
}

impl TrustStore {
    /// Parses `system` or `mozilla`.
    pub fn parse(s: &str) -> Option<TrustStore> {
        match s.trim().to_ascii_lowercase().as_str() {
            "system" => Some(TrustStore::System),
            "mozilla" => Some(TrustStore::Mozilla),
            _ => None,
        }
    }

    /// `system` or `mozilla`.
    pub fn as_str(self) -> &'static str {
        match self {
            TrustStore::System => "system",
            TrustStore::Mozilla => "mozilla",
        }
    }
}

/// A client identity in a PKCS#12 file (`.pfx` / `.p12`) and its password: the certificate
/// chain and the private key, encrypted with PBES2 (AES with PBKDF2 or scrypt: OpenSSL 3's
/// and current Windows' default) or the legacy PKCS#12 schemes (3DES, RC2; `openssl pkcs12
/// -legacy`, older Windows). The file and the password are wiped from memory when dropped
/// and never shown by `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs12 {
    der: Zeroizing<Vec<u8>>,
    password: Secret,
}

impl Pkcs12 {
    /// The file's bytes (DER) and its password (empty for a file exported without one).
    pub fn new(der: impl Into<Vec<u8>>, password: impl Into<Secret>) -> Self {
        Pkcs12 {
            der: Zeroizing::new(der.into()),
            password: password.into(),
        }
    }

    /// The file's bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The password.
    pub fn password(&self) -> &Secret {
        &self.password
    }
}

impl fmt::Debug for Pkcs12 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pkcs12(<{} bytes>, password <redacted>)", self.der.len())
    }
}

/// Which generation of the partner API to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// v1 (being deprecated): `POST Bundle`, `PUT Bundle/{business id}`.
    V1,
    /// v2: `POST v2/Bundle`, `PUT v2/Bundle/{logical id}`.
    #[default]
    V2,
}

impl ApiVersion {
    /// Parses `v1` or `v2`.
    pub fn parse(s: &str) -> Option<ApiVersion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v1" | "1" => Some(ApiVersion::V1),
            "v2" | "2" => Some(ApiVersion::V2),
            _ => None,
        }
    }

    /// `v1` or `v2`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V2 => "v2",
        }
    }
}

/// A secret string: never shown by `Debug` or `Display`, zeroed (with `zeroize`, which the
/// optimizer cannot remove) when dropped, its whole allocation included. A clone is a
/// separate copy, wiped when it is dropped too.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a secret. From a `String`, its buffer is taken over (no copy is left behind);
    /// from a `&str`, it is copied into a buffer of its exact size.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(Zeroizing::new(s.into()))
    }

    /// The secret itself (to send it; never to log it).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// True when no secret was given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(<empty>)"
        } else {
            "Secret(<redacted>)"
        })
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

/// Timeouts. The defaults leave room for the platform's published worst case (10 s for a
/// create) plus network time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect plus TLS handshake.
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// When and how often to retry.
///
/// Only idempotent requests (PUT, GET) are retried after a failure the platform may have
/// seen; a create (POST) is retried only when it provably never left the machine. Every
/// attempt carries the same `x-origin-request-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retry).
    pub max_attempts: u32,
    /// Delay before the first retry; doubles each time (with jitter).
    pub initial_backoff: Duration,
    /// Longest delay between two attempts (also caps `Retry-After`).
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub total_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

/// Everything a [`super::Client`] needs. Secrets are redacted in `Debug`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL up to `/partners/fhir/stu3/api/`. Checked when the client is built: `https`,
    /// a host, an optional port (1 to 65535), no user name, password, query or fragment; a
    /// missing final `/` is added.
    pub base_url: String,
    /// v1 or v2 endpoints.
    pub api_version: ApiVersion,
    /// OID of the sending organization (`org_id` header).
    pub org_id: String,
    /// Public identifier of the organization (`client_id` header).
    pub client_id: String,
    /// Secret shared with the platform (`client_secret` header).
    pub client_secret: Secret,
    /// Client certificate chain, PEM (leaf first). Empty when `pkcs12` is given.
    pub cert_pem: String,
    /// Client private key, PEM: PKCS#8, PKCS#1 or SEC1, or an encrypted PKCS#8 key
    /// (`BEGIN ENCRYPTED PRIVATE KEY`, PBES2: AES or 3DES with PBKDF2 or scrypt), which
    /// needs `key_password`. Empty when `pkcs12` is given.
    pub key_pem: Secret,
    /// The password of an encrypted `key_pem` (ignored for an unencrypted key). A password
    /// that does not decrypt it is [`super::ClientError::WrongPassword`].
    pub key_password: Option<Secret>,
    /// The client identity as a PKCS#12 file with its password, instead of `cert_pem` +
    /// `key_pem` (giving both is a configuration error). A wrong password is
    /// [`super::ClientError::WrongPassword`].
    pub pkcs12: Option<Pkcs12>,
    /// CA certificates to trust for the server's certificate, PEM (optional). When given,
    /// exactly these CAs are trusted and `trust_store` is not used.
    pub ca_pem: Option<String>,
    /// Where the server's certificate is checked when `ca_pem` is not given (default: the
    /// operating system's store).
    pub trust_store: TrustStore,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Retry policy.
    pub retry: RetryPolicy,
    /// Largest accepted response body (default 16 MiB).
    pub max_response_bytes: u64,
    /// Validator options for the local check before sending.
    pub validation: crate::validate::ValidatorOptions,
    /// Keep connections open for the next request (default true). Off: one TLS handshake per
    /// request, for gateways that mishandle kept-alive connections.
    pub keep_alive: bool,
    /// The `Content-Type` of the Bundles sent (default `application/json`, the guide's
    /// default).
    pub content_type: ContentType,
    /// How a v2 create whose outcome is unknown is settled (default: ask a person).
    pub uncertain_create: UncertainCreatePolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: String::new(),
            api_version: ApiVersion::default(),
            org_id: String::new(),
            client_id: String::new(),
            client_secret: Secret::default(),
            cert_pem: String::new(),
            key_pem: Secret::default(),
            key_password: None,
            pkcs12: None,
            ca_pem: None,
            trust_store: TrustStore::default(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_response_bytes: 16 << 20,
            validation: crate::validate::ValidatorOptions::default(),
            keep_alive: true,
            content_type: ContentType::default(),
            uncertain_create: UncertainCreatePolicy::default(),
        }
    }
}

impl ClientConfig {
    /// A configuration with the defaults and the given base URL.
    pub fn new(base_url: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            ..Default::default()
        }
    }
}

/// Checks the configuration; returns the parsed base URL (ending in `/`).
pub(super) fn check(config: &ClientConfig) -> Result<String, super::ClientError> {
    use super::ClientError;
    let base = super::base_url::parse(&config.base_url).map_err(ClientError::Config)?;
    for (name, v) in [("org_id", &config.org_id), ("client_id", &config.client_id)] {
        if v.trim().is_empty() {
            return Err(ClientError::Config(format!("{name} is required")));
        }
        if v.chars().any(|c| c.is_control()) {
            return Err(ClientError::Config(format!(
                "{name} must not contain control characters"
            )));
        }
    }
    if config.client_secret.is_empty() {
        return Err(ClientError::Config("client_secret is required".into()));
    }
    if config
        .client_secret
        .expose()
        .chars()
        .any(|c| c.is_control())
    {
        return Err(ClientError::Config(
            "client_secret must not contain control characters".into(),
        ));
    }
    if config.timeouts.connect.is_zero() || config.timeouts.request.is_zero() {
        return Err(ClientError::Config("timeouts must be positive".into()));
    }
    if config.retry.max_attempts == 0 {
        return Err(ClientError::Config(
            "retry.max_attempts must be at least 1".into(),
        ));
    }
    Ok(base.into())
}
