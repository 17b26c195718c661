//! The mutual-TLS client of the Partners FHIR API (feature `client`).
//!
//! A [`Client`] is built once from a [`ClientConfig`] and shared across threads (`Send +
//! Sync`); it keeps connections alive. Every request is validated locally first, carries a
//! fresh (or caller-given) `x-origin-request-id` (the same one on every retry), and its answer
//! becomes a typed result or a [`ClientError`] with a stable code, the HTTP status, the
//! platform's OperationOutcome, the request id and whether a retry is safe.
//!
//! Retries: PUT and GET on connection failures, timeouts, 429, 502, 503, 504 and the
//! platform's transient codes, with exponential backoff, jitter and `Retry-After`, under a
//! total time cap; POST only when the request provably never left the machine.
//!
//! Uncertain creates: a create that fails after its request left the machine (a dropped
//! connection, a timeout while waiting, the platform's internal `timeout` / `exception`) may
//! have created the patient: [`ClientError::may_have_been_processed`] says so. Never simply
//! create again: [`Client::resolve_uncertain_create`] finds out safely (v1 reads the patient
//! by business id; v2 follows [`ClientConfig::uncertain_create`], by default "created,
//! logical id unknown" for a person, because the guide promises no de-duplication by
//! `x-origin-request-id` and publishes no status for a duplicate identifier).
//!
//! The client secret, the private key and patient data never appear in `Debug`, `Display`,
//! error messages or logs: an answer that does not fit the model is described by line,
//! column and expected type, an HTTP error by its status, kind and issue codes. Two things
//! hold what the platform sent, as it sent it, and may quote patient data: the
//! OperationOutcome ([`ClientError::server_outcome`], [`ClientError::outcome_json`],
//! [`HttpFailure::summary`]) and the raw body ([`ClientError::body`]); treat them like
//! patient data. The secret and the key are wiped from memory when the client is dropped
//! (ring's own form of the key excepted; see "Secrets in memory" in `ffi/README.md`).
//!
//! TLS: 1.2 and 1.3 (rustls with ring). The server is checked against exactly the CAs of
//! `ca_pem` when given; otherwise against [`ClientConfig::trust_store`]: the operating
//! system's store by default (`rustls-platform-verifier`), or the Mozilla roots compiled
//! into pfhir. The client identity is `cert_pem` + `key_pem` (the key plain, or encrypted
//! PKCS#8 with `key_password`) or a PKCS#12 file with its password ([`Pkcs12`]); a wrong
//! password is [`ClientError::WrongPassword`]. A client certificate the server refuses is a [`ClientError::Tls`] with the cause
//! the server's alert gives, also with TLS 1.3 where the refusal comes after the handshake.
//!
//! Logging goes through the `log` facade (targets `pfhir::client`): request ids, methods,
//! path templates (`Bundle/{id}`, never the id), statuses, timings and error codes. One
//! caution for applications that install a logger: the HTTP library's protocol crate
//! (target `ureq_proto`) dumps raw wire bytes, headers included, at *trace* level; do not
//! enable trace for that target in production (debug and above are clean; a test captures
//! every record of a create, update, read and failures and checks it).

mod base_url;
mod buffers;
mod classify;
mod config;
mod der;
mod error;
mod identity;
mod keys;
mod pbe;
mod pkcs12;
mod retry;
mod tls;
mod transport;
mod trust;
mod update_target;

pub use config::{
    ApiVersion, ClientConfig, ContentType, Pkcs12, RetryPolicy, Secret, Timeouts, TrustStore,
    UncertainCreatePolicy,
};
pub use error::{ClientError, HttpFailure, ServerErrorKind, TlsCause};

use crate::model::{self, Bundle, Patient, ReadMode, Resource};
use crate::validate::Validator;
use classify::Failure;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use transport::ConnectPhase;

/// Per-request options.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// The `x-origin-request-id` to send (default: a fresh UUID). Give it to
    /// [`Client::resolve_uncertain_create`] for a create that may have been processed.
    pub request_id: Option<String>,
}

/// The answer to a create. Its `Debug` hides the ids (on v1 they are the patient's business
/// identifier) and shows the Bundle's shape only.
#[derive(Clone)]
pub struct CreateResult {
    /// The platform's Bundle id; empty when the answer carried none (the patient exists all
    /// the same: see `warnings`).
    pub bundle_id: String,
    /// The platform's Patient id (the id to update and read with; v1: the business id).
    pub patient_id: String,
    /// The `x-origin-request-id` sent.
    pub request_id: String,
    /// HTTP status.
    pub status: u16,
    /// Attempts made (1 = no retry).
    pub attempts: u32,
    /// The Bundle the platform returned (read tolerantly).
    pub bundle: Bundle,
    /// What was odd about a successful answer (e.g. no Bundle.id); never patient data.
    pub warnings: Vec<String>,
}

/// What [`Client::resolve_uncertain_create`] found out about a create whose outcome was
/// unknown. `Debug` hides the id (on v1 it is the business id).
#[derive(Clone, PartialEq, Eq)]
pub enum UncertainCreate {
    /// The patient exists; this is the id to update and read with (v1: the business id).
    Created {
        /// The platform's Patient id.
        patient_id: String,
    },
    /// The patient was created, but its logical id is unknown: a person must find it on the
    /// platform. Never create it again.
    CreatedIdUnknown,
    /// The create was not processed: it may be sent again as a new create.
    NotCreated,
}

impl fmt::Debug for UncertainCreate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UncertainCreate::Created { .. } => f.write_str("Created { patient_id: <redacted> }"),
            UncertainCreate::CreatedIdUnknown => f.write_str("CreatedIdUnknown"),
            UncertainCreate::NotCreated => f.write_str("NotCreated"),
        }
    }
}

/// The answer to an update.
#[derive(Debug, Clone)]
pub struct UpdateResult {
    /// The `x-origin-request-id` sent.
    pub request_id: String,
    /// HTTP status.
    pub status: u16,
    /// Attempts made.
    pub attempts: u32,
}

/// The answer to a read. Its `Debug` shows the Patient's shape and the JSON's length only.
#[derive(Clone)]
pub struct ReadResult {
    /// The Patient (read tolerantly).
    pub patient: Patient,
    /// The Patient as the platform sent it.
    pub json: Vec<u8>,
    /// The `x-origin-request-id` sent.
    pub request_id: String,
    /// HTTP status.
    pub status: u16,
    /// Attempts made.
    pub attempts: u32,
}

impl fmt::Debug for CreateResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateResult")
            .field("bundle_id", &"<redacted>")
            .field("patient_id", &"<redacted>")
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .field("bundle", &self.bundle)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl fmt::Debug for ReadResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadResult")
            .field("patient", &self.patient)
            .field("json", &error::Redacted(&self.json))
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish()
    }
}

/// Counters of a client.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClientStats {
    /// Requests sent (attempts, retries included).
    pub attempts: u64,
    /// New TLS connections opened (the rest reused a kept-alive one).
    pub connections: u64,
}

/// The Partners FHIR API client. Build once, share across threads.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    config: ClientConfig,
    /// The `client_secret` header, built once over a buffer that is wiped when the last
    /// request holding it is done and the client is dropped.
    secret_header: http::HeaderValue,
    validator: Validator,
    connections: Arc<AtomicU64>,
    attempts: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base)
            .field("api_version", &self.config.api_version)
            .field("org_id", &self.config.org_id)
            .field("client_id", &self.config.client_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Post,
    Put,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
        }
    }

    fn idempotent(self) -> bool {
        self != Method::Post
    }
}

/// A raw answer.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// Percent-encodes a path segment (ids may come from EMRs with any characters).
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `client_secret` header value over a buffer of its own that is zeroed when the last
/// clone of the value is dropped (http would otherwise copy the text into a buffer it frees
/// as it is). Marked sensitive, so that the HTTP library does not show it.
fn secret_header(secret: &Secret) -> Result<http::HeaderValue, ClientError> {
    let owned = zeroize::Zeroizing::new(secret.expose().as_bytes().to_vec());
    let mut value =
        http::HeaderValue::from_maybe_shared(bytes::Bytes::from_owner(owned)).map_err(|_| {
            ClientError::Config("client_secret holds a character a header cannot carry".into())
        })?;
    value.set_sensitive(true);
    Ok(value)
}

impl Client {
    /// Builds a client: checks the configuration, parses the certificates and key.
    pub fn new(config: ClientConfig) -> Result<Client, ClientError> {
        let base = config::check(&config)?;
        let validator = Validator::new(config.validation.clone())
            .map_err(|e| ClientError::Config(format!("validation options: {e}")))?;
        let connections = Arc::new(AtomicU64::new(0));
        let agent = transport::build_agent(&config, connections.clone())?;
        let secret_header = secret_header(&config.client_secret)?;
        Ok(Client {
            agent,
            base,
            config,
            secret_header,
            validator,
            connections,
            attempts: AtomicU64::new(0),
        })
    }

    /// The base URL as parsed when the client was built (normalized, ending in `/`).
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The configuration (secrets redacted in its `Debug`).
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Counters: attempts and new TLS connections.
    pub fn stats(&self) -> ClientStats {
        ClientStats {
            attempts: self.attempts.load(Ordering::Relaxed),
            connections: self.connections.load(Ordering::Relaxed),
        }
    }

    /// Creates a patient: POST the message Bundle; returns the platform's ids.
    pub fn create(&self, bundle_json: &[u8]) -> Result<CreateResult, ClientError> {
        self.create_with(bundle_json, &RequestOptions::default())
    }

    /// Creates a patient from a model Bundle.
    pub fn create_bundle(&self, bundle: &Bundle) -> Result<CreateResult, ClientError> {
        self.create(&model::to_vec(bundle))
    }

    /// Creates a patient with request options.
    pub fn create_with(
        &self,
        bundle_json: &[u8],
        opts: &RequestOptions,
    ) -> Result<CreateResult, ClientError> {
        self.check_locally(bundle_json)?;
        let path = match self.config.api_version {
            crate::client::ApiVersion::V1 => "Bundle".to_string(),
            crate::client::ApiVersion::V2 => "v2/Bundle".to_string(),
        };
        let (request_id, answer, attempts) =
            self.execute(Method::Post, &path, "Bundle", Some(bundle_json), opts)?;
        let bundle: Bundle = model::from_slice(&answer.body, ReadMode::Tolerant).map_err(|e| {
            ClientError::InvalidResponse {
                status: answer.status,
                detail: format!("the create answer is not a Bundle ({e})"),
                body: answer.body.clone(),
                request_id: request_id.clone(),
            }
        })?;
        let patient_id = bundle.entry.iter().find_map(|e| match &e.resource {
            Some(Resource::Patient(p)) => p.id.clone().filter(|id| !id.is_empty()),
            _ => None,
        });
        // The Patient's id is what matters: with it the patient exists and can be updated.
        // Failing on a missing Bundle.id would lead a caller to create the patient again.
        let Some(patient_id) = patient_id else {
            return Err(ClientError::InvalidResponse {
                status: answer.status,
                detail: "the create answer has no Patient.id".into(),
                body: answer.body,
                request_id,
            });
        };
        let mut warnings = Vec::new();
        let bundle_id = match bundle.id.clone().filter(|id| !id.is_empty()) {
            Some(id) => id,
            None => {
                log::warn!(target: "pfhir::client", "POST Bundle request {request_id}: the create answer has no Bundle.id; the patient was created");
                warnings.push(
                    "the create answer has no Bundle.id; the patient was created (its id is in patient_id)"
                        .to_string(),
                );
                String::new()
            }
        };
        Ok(CreateResult {
            bundle_id,
            patient_id,
            request_id,
            status: answer.status,
            attempts,
            bundle,
            warnings,
        })
    }

    /// Settles a create that failed with [`ClientError::may_have_been_processed`]: did the
    /// platform create the patient? Give the same Bundle and the request id of the failed
    /// create.
    ///
    /// - v1: reads `Patient/{business id}` (the value of the Patient's identifier of an
    ///   accepted authority): found is [`UncertainCreate::Created`], 404 is
    ///   [`UncertainCreate::NotCreated`].
    /// - v2, by [`ClientConfig::uncertain_create`]: by default nothing is sent and the answer
    ///   is [`UncertainCreate::CreatedIdUnknown`], for a person to resolve; against a server
    ///   that de-duplicates by request id, or one whose duplicate-identifier status is known,
    ///   the create is re-sent with the same request id and its answer read accordingly.
    ///
    /// An error means it is still unknown (the platform could not be asked).
    pub fn resolve_uncertain_create(
        &self,
        bundle_json: &[u8],
        request_id: &str,
    ) -> Result<UncertainCreate, ClientError> {
        let opts = RequestOptions {
            request_id: Some(request_id.to_string()),
        };
        match self.config.api_version {
            ApiVersion::V1 => {
                let business_id =
                    update_target::business_id(bundle_json, &self.config.validation.authorities)?;
                match self.read_with(&business_id, &opts) {
                    Ok(_) => Ok(UncertainCreate::Created {
                        patient_id: business_id,
                    }),
                    Err(e) if e.code() == crate::ErrorCode::NotFound => {
                        Ok(UncertainCreate::NotCreated)
                    }
                    Err(e) => Err(e),
                }
            }
            ApiVersion::V2 => match self.config.uncertain_create {
                UncertainCreatePolicy::AskAPerson => Ok(UncertainCreate::CreatedIdUnknown),
                UncertainCreatePolicy::ResendDeduplicating => {
                    let r = self.create_with(bundle_json, &opts)?;
                    Ok(UncertainCreate::Created {
                        patient_id: r.patient_id,
                    })
                }
                UncertainCreatePolicy::ResendDuplicateStatus(status) => {
                    match self.create_with(bundle_json, &opts) {
                        Ok(r) => Ok(UncertainCreate::Created {
                            patient_id: r.patient_id,
                        }),
                        Err(e) if e.http_status() == Some(status) => {
                            Ok(UncertainCreate::CreatedIdUnknown)
                        }
                        Err(e)
                            if e.http_status().is_some_and(|s| (400..500).contains(&s))
                                && !e.may_have_been_processed() =>
                        {
                            Ok(UncertainCreate::NotCreated)
                        }
                        Err(e) => Err(e),
                    }
                }
            },
        }
    }

    /// Updates a patient: PUT the message Bundle to the patient's id (v2: the logical id the
    /// create returned; v1: the business id, Patient.identifier.value).
    pub fn update(&self, id: &str, bundle_json: &[u8]) -> Result<UpdateResult, ClientError> {
        self.update_with(id, bundle_json, &RequestOptions::default())
    }

    /// Updates a patient with request options.
    pub fn update_with(
        &self,
        id: &str,
        bundle_json: &[u8],
        opts: &RequestOptions,
    ) -> Result<UpdateResult, ClientError> {
        if id.is_empty() {
            return Err(ClientError::Config("update needs the patient's id".into()));
        }
        self.check_locally(bundle_json)?;
        update_target::check(
            self.config.api_version,
            id,
            bundle_json,
            &self.config.validation.authorities,
        )?;
        let path = match self.config.api_version {
            crate::client::ApiVersion::V1 => format!("Bundle/{}", encode_segment(id)),
            crate::client::ApiVersion::V2 => format!("v2/Bundle/{}", encode_segment(id)),
        };
        let (request_id, answer, attempts) =
            self.execute(Method::Put, &path, "Bundle/{id}", Some(bundle_json), opts)?;
        Ok(UpdateResult {
            request_id,
            status: answer.status,
            attempts,
        })
    }

    /// Reads a patient by logical id.
    pub fn read(&self, id: &str) -> Result<ReadResult, ClientError> {
        self.read_with(id, &RequestOptions::default())
    }

    /// Reads a patient with request options.
    pub fn read_with(&self, id: &str, opts: &RequestOptions) -> Result<ReadResult, ClientError> {
        if id.is_empty() {
            return Err(ClientError::Config("read needs the patient's id".into()));
        }
        let path = format!("Patient/{}", encode_segment(id));
        let (request_id, answer, attempts) =
            self.execute(Method::Get, &path, "Patient/{id}", None, opts)?;
        let patient: Patient =
            model::from_slice(&answer.body, ReadMode::Tolerant).map_err(|e| {
                ClientError::InvalidResponse {
                    status: answer.status,
                    detail: format!("the read answer is not a Patient ({e})"),
                    body: answer.body.clone(),
                    request_id: request_id.clone(),
                }
            })?;
        Ok(ReadResult {
            patient,
            json: answer.body,
            request_id,
            status: answer.status,
            attempts,
        })
    }

    fn check_locally(&self, bundle_json: &[u8]) -> Result<(), ClientError> {
        let outcome = self.validator.validate(bundle_json);
        if outcome.has_errors() {
            return Err(ClientError::Validation { outcome });
        }
        Ok(())
    }

    /// Sends with retries; returns the request id, the successful answer and the attempts.
    fn execute(
        &self,
        method: Method,
        path: &str,
        log_path: &str,
        body: Option<&[u8]>,
        opts: &RequestOptions,
    ) -> Result<(String, Answer, u32), ClientError> {
        let request_id = match &opts.request_id {
            Some(id) if !id.trim().is_empty() && !id.chars().any(|c| c.is_control()) => id.clone(),
            Some(_) => {
                return Err(ClientError::Config(
                    "request_id must be non-empty printable text".into(),
                ))
            }
            None => crate::build::uuid_v4().map_err(|e| ClientError::Config(e.to_string()))?,
        };
        let url = format!("{}{path}", self.base);
        let policy = self.config.retry;
        let started = Instant::now();
        let mut attempt = 1u32;
        loop {
            log::debug!(target: "pfhir::client", "{} {log_path} request {request_id} attempt {attempt}", method.as_str());
            let t0 = Instant::now();
            match self.attempt(method, &url, body, &request_id) {
                Ok(answer) => {
                    log::info!(target: "pfhir::client", "{} {log_path} request {request_id}: HTTP {} in {} ms", method.as_str(), answer.status, t0.elapsed().as_millis());
                    return Ok((request_id, answer, attempt));
                }
                Err(f) => {
                    log::warn!(target: "pfhir::client", "{} {log_path} request {request_id} attempt {attempt} failed: {}", method.as_str(), f.error.code());
                    if !f.retry || attempt >= policy.max_attempts {
                        return Err(f.error);
                    }
                    let wait = retry::delay(&policy, attempt, f.retry_after);
                    if started.elapsed() + wait > policy.total_timeout {
                        return Err(f.error);
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    /// One attempt: send, read, classify.
    fn attempt(
        &self,
        method: Method,
        url: &str,
        body: Option<&[u8]>,
        request_id: &str,
    ) -> Result<Answer, Failure> {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        transport::reset_phase();
        let c = &self.config;
        let result = match method {
            Method::Get => self
                .agent
                .get(url)
                .header("org_id", &c.org_id)
                .header("client_id", &c.client_id)
                .header("client_secret", self.secret_header.clone())
                .header("x-origin-request-id", request_id)
                .header("accept", "application/fhir+json")
                .call(),
            Method::Post | Method::Put => {
                let builder = if method == Method::Post {
                    self.agent.post(url)
                } else {
                    self.agent.put(url)
                };
                builder
                    .header("org_id", &c.org_id)
                    .header("client_id", &c.client_id)
                    .header("client_secret", self.secret_header.clone())
                    .header("x-origin-request-id", request_id)
                    .header("accept", "application/fhir+json")
                    .header("content-type", c.content_type.as_str())
                    .send(body.unwrap_or_default())
            }
        };
        let phase = transport::phase();
        let mut response = match result {
            Ok(r) => r,
            Err(e) => {
                return Err(classify::transport_failure(
                    method.idempotent(),
                    &e,
                    phase,
                    request_id,
                ))
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry::parse_retry_after);
        let body = match response
            .body_mut()
            .with_config()
            .limit(c.max_response_bytes)
            .read_to_vec()
        {
            Ok(b) => b,
            Err(ureq::Error::BodyExceedsLimit(limit)) => {
                return Err(Failure {
                    error: ClientError::InvalidResponse {
                        status,
                        detail: format!("the answer is larger than {limit} bytes"),
                        body: Vec::new(),
                        request_id: request_id.to_string(),
                    },
                    retry: false,
                    retry_after: None,
                })
            }
            Err(e) => {
                return Err(classify::transport_failure(
                    method.idempotent(),
                    &e,
                    ConnectPhase::NotCalled,
                    request_id,
                ))
            }
        };
        if (200..300).contains(&status) {
            return Ok(Answer { status, body });
        }
        let failure = classify::http_failure(status, body, retry_after);
        let retry = method.idempotent() && failure.kind.is_transient();
        Err(Failure {
            retry,
            retry_after: failure.retry_after,
            error: ClientError::Http {
                retry_safe: retry,
                failure: Box::new(failure),
                request_id: request_id.to_string(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::classify::http_failure;
    use super::*;

    #[test]
    fn segments_are_encoded() {
        assert_eq!(encode_segment("Bj6.1Lq-hvb-28"), "Bj6.1Lq-hvb-28");
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }

    /// Issue #10 item 2: no `Debug` or `Display` of an error or a result shows a body, the
    /// platform's free text or patient data (the bytes, nor their decimal `Vec<u8>` form).
    #[test]
    fn debug_and_display_never_show_bodies_or_patient_data() {
        let body = br#"{"resourceType":"Patient","name":[{"family":"Garcia"}]}"#.to_vec();
        let as_numbers = format!("{:?}", &b"Garcia"[..]);
        let as_numbers = as_numbers.trim_matches(|c| c == '[' || c == ']');
        let outcome_body = br#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"duplicate identifier Garcia"}]}"#.to_vec();
        let errors = [
            ClientError::InvalidResponse {
                status: 200,
                detail: "the read answer is not a Patient".into(),
                body: body.clone(),
                request_id: "r1".into(),
            },
            ClientError::Http {
                failure: Box::new(http_failure(409, outcome_body.clone(), None)),
                request_id: "r2".into(),
                retry_safe: false,
            },
            ClientError::Http {
                failure: Box::new(http_failure(502, body.clone(), None)),
                request_id: "r3".into(),
                retry_safe: true,
            },
        ];
        for e in &errors {
            for text in [format!("{e:?}"), e.to_string()] {
                assert!(
                    !text.contains("Garcia") && !text.contains(as_numbers),
                    "{text}"
                );
            }
        }
        assert!(format!("{:?}", errors[0]).contains(&format!("<{} bytes>", body.len())));
        assert!(
            errors[1].to_string().contains("issue code(s) invalid"),
            "{}",
            errors[1]
        );
        let ClientError::Http { failure, .. } = &errors[1] else {
            unreachable!()
        };
        assert_eq!(
            failure.summary(),
            "duplicate identifier Garcia",
            "kept for callers"
        );
        let read = ReadResult {
            patient: model::from_slice(&body, ReadMode::Tolerant).expect("a Patient"),
            json: body.clone(),
            request_id: "r4".into(),
            status: 200,
            attempts: 1,
        };
        let created = CreateResult {
            bundle_id: "BUSINESS-ID-1".into(),
            patient_id: "BUSINESS-ID-1".into(),
            request_id: "r5".into(),
            status: 200,
            attempts: 1,
            bundle: Bundle::default(),
            warnings: Vec::new(),
        };
        for text in [format!("{read:?}"), format!("{created:?}")] {
            assert!(
                !text.contains("Garcia")
                    && !text.contains(as_numbers)
                    && !text.contains("BUSINESS"),
                "{text}"
            );
        }
    }

    /// Issue #10 item 3: a bad base URL is a configuration error when the client is built
    /// (before: `https://127.0.0.1:99999/` built a client that connected to port 443, and
    /// `https://exa mple.com/` one whose every request was "outcome unknown").
    #[test]
    fn bad_base_urls_are_config_errors_when_the_client_is_built() {
        for (url, problem) in [
            ("https://127.0.0.1:99999/", "port"),
            ("https://exa mple.com/", "host name"),
            ("http://127.0.0.1:8080/", "https"),
        ] {
            let mut c = ClientConfig::new(url);
            c.org_id = "2.16.724.4.2".into();
            c.client_id = "1234567890".into();
            c.client_secret = Secret::new("s3cr3t-value");
            let err = Client::new(c).expect_err(url);
            let ClientError::Config(m) = &err else {
                panic!("{url}: {err:?}")
            };
            assert!(
                m.starts_with("base_url") && m.contains(problem),
                "{url}: {m}"
            );
        }
    }

    /// Issue #10 item 9: an encrypted key is a configuration error that says so (it was
    /// "not a PEM private key").
    #[test]
    fn encrypted_keys_are_config_errors_that_say_so() {
        let mut c = ClientConfig::new("https://example.org/api/");
        c.org_id = "2.16.724.4.2".into();
        c.client_id = "1234567890".into();
        c.client_secret = Secret::new("s3cr3t-value");
        c.cert_pem = "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n".into();
        c.key_pem = Secret::new(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n",
        );
        let err = Client::new(c).expect_err("encrypted");
        assert_eq!(err.code(), crate::error::ErrorCode::Config);
        assert!(err.to_string().contains("encrypted private key"), "{err}");
    }

    #[test]
    fn config_is_checked_and_secrets_are_redacted() {
        let mut c = ClientConfig::new("http://insecure");
        assert!(matches!(
            Client::new(c.clone()),
            Err(ClientError::Config(_))
        ));
        c.base_url = "https://example.org/api".into();
        c.org_id = "2.16.724.4.2".into();
        c.client_id = "1234567890".into();
        c.client_secret = Secret::new("s3cr3t-value");
        c.key_pem = Secret::new("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        let debug = format!("{c:?}");
        assert!(
            !debug.contains("s3cr3t-value") && !debug.contains("AAAA"),
            "{debug}"
        );
        let err = Client::new(c).expect_err("no certificate");
        assert_eq!(err.code(), crate::error::ErrorCode::Config);
        assert!(!err.to_string().contains("s3cr3t"));
    }
}
