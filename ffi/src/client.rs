//! The client: configuration, create / update / read, and their results.

use crate::error::{guard, guard_or, pfhir_error};
use crate::types::{
    bytes_arg, free_handle, handle, handle_mut, into_handle, new_default_handle, out_arg,
    pfhir_bytes, pfhir_str, read_field, text_arg, write_out, CText,
};
use crate::validate::pfhir_validator_options;
use pfhir_core::client::{
    ApiVersion, Client, ClientConfig, ContentType, Pkcs12, RequestOptions, RetryPolicy, Secret,
    TrustStore, UncertainCreate, UncertainCreatePolicy,
};
use pfhir_core::ErrorCode;
use std::time::Duration;

/// Client configuration. Not thread-safe; secrets in it are never printed.
#[derive(Debug, Default)]
pub struct pfhir_client_config {
    pub(crate) inner: ClientConfig,
}

/// A client of the Partners API: thread-safe, keeps connections alive. Share one per
/// process (or per configuration) across threads.
#[derive(Debug)]
pub struct pfhir_client {
    inner: Client,
}

/// The result of a create. Immutable.
pub struct pfhir_create_result {
    patient_id: CText,
    bundle_id: CText,
    request_id: CText,
    bundle_json: CText,
    status: u16,
    attempts: u32,
}

/// The result of an update. Immutable.
#[derive(Debug)]
pub struct pfhir_update_result {
    request_id: CText,
    status: u16,
    attempts: u32,
}

/// The result of a read. Immutable.
pub struct pfhir_read_result {
    patient_json: CText,
    request_id: CText,
    status: u16,
    attempts: u32,
}

impl std::fmt::Debug for pfhir_create_result {
    /// Ids (v1: the patient's business id) and the Bundle are patient data: not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("pfhir_create_result")
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for pfhir_read_result {
    /// The Patient is not shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("pfhir_read_result")
            .field("request_id", &self.request_id)
            .field("status", &self.status)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Creates a configuration with the defaults (API v2, connect timeout 10 s, request timeout
/// 30 s, 3 attempts). Free with `pfhir_client_config_free`.
///
/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_new(
    out: *mut *mut pfhir_client_config,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { new_default_handle(out) }
}

/// Sets one text field of a configuration.
///
/// # Safety
/// `cfg` must be NULL or a live configuration; `v` must point at `len` bytes.
unsafe fn set_config_text(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
    what: &str,
    set: impl FnOnce(&mut ClientConfig, &str) -> Result<(), String>,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        // SAFETY: forwarded to the caller.
        let text = unsafe { text_arg(v, len, what) }?;
        set(&mut c.inner, text).map_err(|m| pfhir_error::new(ErrorCode::InvalidArgument, m))
    })
}

/// Sets the base URL, up to `/partners/fhir/stu3/api/`. It is checked by `pfhir_client_new`
/// (`PFHIR_CODE_CONFIG` naming the problem): https, a host, an optional port from 1 to 65535,
/// no user name, password, query or fragment; a missing final `/` is added.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_base_url(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "base_url", |c, t| {
            c.base_url = t.to_string();
            Ok(())
        })
    }
}

/// Sets the API version: `v1` or `v2`.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_api_version(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "api_version", |c, t| {
            c.api_version = ApiVersion::parse(t).ok_or("api_version must be v1 or v2")?;
            Ok(())
        })
    }
}

/// Sets the `Content-Type` of the Bundles sent: `application/json` (the default, as the
/// guide says) or `application/fhir+json`.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_content_type(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "content_type", |c, t| {
            c.content_type = ContentType::parse(t)
                .ok_or("content_type must be application/json or application/fhir+json")?;
            Ok(())
        })
    }
}

/// How `pfhir_client_resolve_uncertain_create` settles a v2 create (`pfhir_client_config_set_uncertain_create`).
pub type pfhir_uncertain_policy = u32;
/// Send nothing: report "created, logical id unknown" for a person to resolve (the default:
/// the guide promises no de-duplication).
pub const PFHIR_UNCERTAIN_ASK_A_PERSON: pfhir_uncertain_policy = 0;
/// The server de-duplicates by `x-origin-request-id`: re-send with the same request id.
pub const PFHIR_UNCERTAIN_RESEND_DEDUPLICATING: pfhir_uncertain_policy = 1;
/// The server refuses a duplicate identifier with a known status (given beside): re-send and
/// read that status as "created, logical id unknown".
pub const PFHIR_UNCERTAIN_RESEND_DUPLICATE_STATUS: pfhir_uncertain_policy = 2;

/// What `pfhir_client_resolve_uncertain_create` found.
pub type pfhir_create_state = u32;
/// The patient exists; its id was written.
pub const PFHIR_CREATE_CREATED: pfhir_create_state = 1;
/// The patient was created but its logical id is unknown: a person must find it. Never create
/// it again.
pub const PFHIR_CREATE_CREATED_ID_UNKNOWN: pfhir_create_state = 2;
/// The create was not processed: it may be sent again as a new create.
pub const PFHIR_CREATE_NOT_CREATED: pfhir_create_state = 3;

/// Sets how a v2 create whose outcome is unknown is settled (`PFHIR_UNCERTAIN_*`);
/// `duplicate_status` is the HTTP status of a duplicate identifier, for
/// `PFHIR_UNCERTAIN_RESEND_DUPLICATE_STATUS` (400 to 499), ignored otherwise.
///
/// # Safety
/// `cfg` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_uncertain_create(
    cfg: *mut pfhir_client_config,
    policy: pfhir_uncertain_policy,
    duplicate_status: u16,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        c.inner.uncertain_create = match policy {
            PFHIR_UNCERTAIN_ASK_A_PERSON => UncertainCreatePolicy::AskAPerson,
            PFHIR_UNCERTAIN_RESEND_DEDUPLICATING => UncertainCreatePolicy::ResendDeduplicating,
            PFHIR_UNCERTAIN_RESEND_DUPLICATE_STATUS if (400..500).contains(&duplicate_status) => {
                UncertainCreatePolicy::ResendDuplicateStatus(duplicate_status)
            }
            PFHIR_UNCERTAIN_RESEND_DUPLICATE_STATUS => {
                return Err(pfhir_error::new(
                    ErrorCode::InvalidArgument,
                    "duplicate_status must be a client error status (400 to 499)",
                ))
            }
            other => {
                return Err(pfhir_error::new(
                    ErrorCode::InvalidArgument,
                    format!("unknown uncertain-create policy {other}"),
                ))
            }
        };
        Ok(())
    })
}

/// Sets the organization OID (`org_id` header).
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_org_id(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "org_id", |c, t| {
            c.org_id = t.to_string();
            Ok(())
        })
    }
}

/// Sets the client id (`client_id` header).
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_client_id(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "client_id", |c, t| {
            c.client_id = t.to_string();
            Ok(())
        })
    }
}

/// Sets the client secret (`client_secret` header). It is never logged or printed.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_client_secret(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "client_secret", |c, t| {
            c.client_secret = Secret::new(t);
            Ok(())
        })
    }
}

/// Sets the client certificate chain (PEM, leaf first). Replaces an identity given with
/// `pfhir_client_config_set_pkcs12`.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_cert_pem(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "cert_pem", |c, t| {
            c.cert_pem = t.to_string();
            c.pkcs12 = None;
            Ok(())
        })
    }
}

/// Sets the client private key (PEM: PKCS#8, PKCS#1 or SEC1, or encrypted PKCS#8 with
/// `pfhir_client_config_set_key_password`). It is never logged or printed. Replaces an
/// identity given with `pfhir_client_config_set_pkcs12`.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_key_pem(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "key_pem", |c, t| {
            c.key_pem = Secret::new(t);
            c.pkcs12 = None;
            Ok(())
        })
    }
}

/// Sets the password of an encrypted client key (`-----BEGIN ENCRYPTED PRIVATE KEY-----`,
/// PBES2: AES or 3DES with PBKDF2 or scrypt) given with `pfhir_client_config_set_key_pem`;
/// ignored for a key in the clear. A password that does not decrypt the key makes
/// `pfhir_client_new` fail with `PFHIR_CODE_WRONG_PASSWORD`. It is never logged or printed,
/// and wiped from memory when the configuration is freed.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes (UTF-8).
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_key_password(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "key_password", |c, t| {
            c.key_password = Some(Secret::new(t));
            Ok(())
        })
    }
}

/// Sets the client identity from a PKCS#12 file (`.pfx` / `.p12`, DER bytes) and its
/// password (UTF-8; empty for a file exported without one). It replaces the certificate, key
/// and key password set before (`pfhir_client_config_set_cert_pem`, `_key_pem`,
/// `_key_password`); setting the certificate or the key afterwards replaces it in turn. Read: PBES2 (AES or 3DES with PBKDF2 or
/// scrypt; OpenSSL 3's and current Windows' default) and the legacy PKCS#12 schemes (3DES,
/// RC2; `openssl pkcs12 -legacy`, older Windows). The file is checked by `pfhir_client_new`:
/// a wrong password is `PFHIR_CODE_WRONG_PASSWORD`, a file pfhir cannot read
/// `PFHIR_CODE_CONFIG`. The bytes are copied; the copy and the password are wiped from
/// memory when the configuration is freed, and never logged or printed.
///
/// # Safety
/// `cfg` must be a live configuration; `der` must point at `len` bytes and `password` at
/// `password_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_pkcs12(
    cfg: *mut pfhir_client_config,
    der: *const u8,
    len: usize,
    password: *const u8,
    password_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        // SAFETY: forwarded to the caller.
        let file = unsafe { bytes_arg(der, len, "der") }?;
        // SAFETY: forwarded to the caller.
        let password = unsafe { text_arg(password, password_len, "password") }?;
        if file.is_empty() {
            return Err(pfhir_error::new(
                ErrorCode::InvalidArgument,
                "the PKCS#12 file is empty",
            ));
        }
        c.inner.pkcs12 = Some(Pkcs12::new(file, password));
        c.inner.cert_pem.clear();
        c.inner.key_pem = Secret::default();
        c.inner.key_password = None;
        Ok(())
    })
}

/// Sets the CA certificates to trust for the server's certificate (PEM). When set, exactly
/// these CAs are trusted and the trust store (`pfhir_client_config_set_trust_store`) is not
/// used.
///
/// # Safety
/// `cfg` must be a live configuration; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_ca_pem(
    cfg: *mut pfhir_client_config,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_config_text(cfg, v, len, "ca_pem", |c, t| {
            c.ca_pem = Some(t.to_string());
            Ok(())
        })
    }
}

/// Where the server's certificate is checked when no `ca_pem` is set
/// (`pfhir_client_config_set_trust_store`).
pub type pfhir_trust_store = u32;
/// The operating system's store (the default): the Windows and macOS certificate
/// verifiers; on Linux the system certificates (or the files `SSL_CERT_FILE` /
/// `SSL_CERT_DIR` name). A store that cannot be read or holds no certificate makes
/// `pfhir_client_new` fail with `PFHIR_CODE_CONFIG`.
pub const PFHIR_TRUST_SYSTEM: pfhir_trust_store = 0;
/// The Mozilla roots compiled into pfhir; the operating system is not asked.
pub const PFHIR_TRUST_MOZILLA: pfhir_trust_store = 1;

/// Sets where the server's certificate is checked when no `ca_pem` is set:
/// `PFHIR_TRUST_SYSTEM` (the default) or `PFHIR_TRUST_MOZILLA`. `ca_pem`, when set, wins.
///
/// # Safety
/// `cfg` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_trust_store(
    cfg: *mut pfhir_client_config,
    store: pfhir_trust_store,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        c.inner.trust_store = match store {
            PFHIR_TRUST_SYSTEM => TrustStore::System,
            PFHIR_TRUST_MOZILLA => TrustStore::Mozilla,
            other => {
                return Err(pfhir_error::new(
                    ErrorCode::InvalidArgument,
                    format!(
                        "unknown trust store {other} (PFHIR_TRUST_SYSTEM or PFHIR_TRUST_MOZILLA)"
                    ),
                ))
            }
        };
        Ok(())
    })
}

/// Sets the timeouts in milliseconds: connect (TCP + TLS) and one attempt; 0 keeps the
/// current value.
///
/// # Safety
/// `cfg` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_timeouts(
    cfg: *mut pfhir_client_config,
    connect_ms: u32,
    request_ms: u32,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        if connect_ms != 0 {
            c.inner.timeouts.connect = Duration::from_millis(u64::from(connect_ms));
        }
        if request_ms != 0 {
            c.inner.timeouts.request = Duration::from_millis(u64::from(request_ms));
        }
        Ok(())
    })
}

/// Sets the retry policy: attempts in all (1 = no retry), first backoff, longest backoff and
/// the total time after which no retry starts, in milliseconds. 0 keeps the current value
/// (the defaults: 3 attempts, 200 ms, 10 000 ms, 60 000 ms).
///
/// # Safety
/// `cfg` must be a live configuration.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_retry(
    cfg: *mut pfhir_client_config,
    max_attempts: u32,
    initial_backoff_ms: u32,
    max_backoff_ms: u32,
    total_timeout_ms: u32,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        let current = c.inner.retry;
        let ms = |v: u32, keep: Duration| {
            if v == 0 {
                keep
            } else {
                Duration::from_millis(u64::from(v))
            }
        };
        c.inner.retry = RetryPolicy {
            max_attempts: if max_attempts == 0 {
                current.max_attempts
            } else {
                max_attempts
            },
            initial_backoff: ms(initial_backoff_ms, current.initial_backoff),
            max_backoff: ms(max_backoff_ms, current.max_backoff),
            total_timeout: ms(total_timeout_ms, current.total_timeout),
        };
        Ok(())
    })
}

/// Sets the options of the local validation that runs before each create and update (copied).
///
/// # Safety
/// `cfg` and `opts` must be live handles.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_set_validator_options(
    cfg: *mut pfhir_client_config,
    opts: *const pfhir_validator_options,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle_mut(cfg, "cfg") }?;
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle(opts, "opts") }?;
        c.inner.validation = o.inner.clone();
        Ok(())
    })
}

/// Frees a configuration (and wipes its secrets). NULL is a no-op.
///
/// # Safety
/// `cfg` must be NULL or a configuration not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_config_free(cfg: *mut pfhir_client_config) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(cfg) })
}

/// Creates a client: checks the configuration, parses the certificate and key. The
/// configuration is copied and may be freed at once. Free with `pfhir_client_free`.
///
/// # Safety
/// `cfg` must be a live configuration; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_new(
    cfg: *const pfhir_client_config,
    out: *mut *mut pfhir_client,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle(cfg, "cfg") }?;
        let inner = Client::new(c.inner.clone()).map_err(|e| pfhir_error::from_client(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_client { inner })) };
        Ok(())
    })
}

/// Request options from an optional request id.
///
/// # Safety
/// `request_id` must point at `len` bytes (or be `(NULL, 0)`: a fresh id).
unsafe fn request_options(
    request_id: *const u8,
    len: usize,
) -> Result<RequestOptions, Box<pfhir_error>> {
    // SAFETY: forwarded to the caller.
    let id = unsafe { text_arg(request_id, len, "request_id") }?;
    Ok(RequestOptions {
        request_id: (!id.is_empty()).then(|| id.to_string()),
    })
}

/// Creates a patient: validates the message Bundle locally, POSTs it, and writes the
/// platform's ids to `out` (free with `pfhir_create_result_free`). `request_id` may be
/// `(NULL, 0)` (or empty) for a fresh one; re-send an uncertain create (`PFHIR_CODE_OUTCOME_UNKNOWN`)
/// with the request id of its error.
///
/// # Safety
/// `c` must be a live client; the buffers must point at their lengths of bytes; `out` must
/// be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_create_with_request_id(
    c: *const pfhir_client,
    bundle_json: *const u8,
    len: usize,
    request_id: *const u8,
    request_id_len: usize,
    out: *mut *mut pfhir_create_result,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle(c, "client") }?;
        // SAFETY: forwarded to the caller.
        let body = unsafe { bytes_arg(bundle_json, len, "bundle_json") }?;
        // SAFETY: forwarded to the caller.
        let opts = unsafe { request_options(request_id, request_id_len) }?;
        let r = c
            .inner
            .create_with(body, &opts)
            .map_err(|e| pfhir_error::from_client(&e))?;
        let result = pfhir_create_result {
            patient_id: CText::new(&r.patient_id),
            bundle_id: CText::new(&r.bundle_id),
            request_id: CText::new(&r.request_id),
            bundle_json: CText::new(&String::from_utf8_lossy(&pfhir_core::model::to_vec(
                &r.bundle,
            ))),
            status: r.status,
            attempts: r.attempts,
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(result)) };
        Ok(())
    })
}

/// Creates a patient with a fresh request id (see `pfhir_client_create_with_request_id`).
///
/// # Safety
/// `c` must be a live client; `bundle_json` must point at `len` bytes; `out` must be valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_create(
    c: *const pfhir_client,
    bundle_json: *const u8,
    len: usize,
    out: *mut *mut pfhir_create_result,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { pfhir_client_create_with_request_id(c, bundle_json, len, std::ptr::null(), 0, out) }
}

/// Settles a create that failed with `pfhir_error_may_have_been_processed`: give the same
/// Bundle and the failed create's request id. Writes `PFHIR_CREATE_*` to `state` and, when
/// created, the patient's id to `patient_id` (free with `pfhir_bytes_free`; empty
/// otherwise). v1 reads `Patient/{business id}`; v2 follows
/// `pfhir_client_config_set_uncertain_create` (by default nothing is sent:
/// `PFHIR_CREATE_CREATED_ID_UNKNOWN`). An error means it is still unknown.
///
/// # Safety
/// `c` must be a live client; the buffers must point at their lengths of bytes; `state` and
/// `patient_id` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_resolve_uncertain_create(
    c: *const pfhir_client,
    bundle_json: *const u8,
    len: usize,
    request_id: *const u8,
    request_id_len: usize,
    state: *mut pfhir_create_state,
    patient_id: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(state, "state")?;
        out_arg(patient_id, "patient_id")?;
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle(c, "client") }?;
        // SAFETY: forwarded to the caller.
        let body = unsafe { bytes_arg(bundle_json, len, "bundle_json") }?;
        // SAFETY: forwarded to the caller.
        let rid = unsafe { text_arg(request_id, request_id_len, "request_id") }?;
        let found = c
            .inner
            .resolve_uncertain_create(body, rid)
            .map_err(|e| pfhir_error::from_client(&e))?;
        let (s, id) = match found {
            UncertainCreate::Created { patient_id } => (PFHIR_CREATE_CREATED, patient_id),
            UncertainCreate::CreatedIdUnknown => (PFHIR_CREATE_CREATED_ID_UNKNOWN, String::new()),
            UncertainCreate::NotCreated => (PFHIR_CREATE_NOT_CREATED, String::new()),
        };
        // SAFETY: both checked non-NULL; the caller guarantees they are writable.
        unsafe {
            write_out(state, s);
            write_out(patient_id, pfhir_bytes::from_vec(id.into_bytes()));
        }
        Ok(())
    })
}

/// Updates a patient: validates the Bundle locally and PUTs it to `id` (v2: the logical id
/// a create returned; v1: the business id). Retried on transient failures.
///
/// # Safety
/// `c` must be a live client; the buffers must point at their lengths of bytes; `out` must
/// be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_update_with_request_id(
    c: *const pfhir_client,
    id: *const u8,
    id_len: usize,
    bundle_json: *const u8,
    len: usize,
    request_id: *const u8,
    request_id_len: usize,
    out: *mut *mut pfhir_update_result,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle(c, "client") }?;
        // SAFETY: forwarded to the caller.
        let id = unsafe { text_arg(id, id_len, "id") }?;
        // SAFETY: forwarded to the caller.
        let body = unsafe { bytes_arg(bundle_json, len, "bundle_json") }?;
        // SAFETY: forwarded to the caller.
        let opts = unsafe { request_options(request_id, request_id_len) }?;
        let r = c
            .inner
            .update_with(id, body, &opts)
            .map_err(|e| pfhir_error::from_client(&e))?;
        let result = pfhir_update_result {
            request_id: CText::new(&r.request_id),
            status: r.status,
            attempts: r.attempts,
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(result)) };
        Ok(())
    })
}

/// Updates a patient with a fresh request id (see `pfhir_client_update_with_request_id`).
///
/// # Safety
/// As `pfhir_client_update_with_request_id`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_update(
    c: *const pfhir_client,
    id: *const u8,
    id_len: usize,
    bundle_json: *const u8,
    len: usize,
    out: *mut *mut pfhir_update_result,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        pfhir_client_update_with_request_id(
            c,
            id,
            id_len,
            bundle_json,
            len,
            std::ptr::null(),
            0,
            out,
        )
    }
}

/// Reads a patient by logical id (v2; v1: by business id) with the given
/// `x-origin-request-id` (`(NULL, 0)`: a fresh UUID), as core's `Client::read_with`: a caller
/// that logs its own request ids can find the request in the platform's logs. Retried on
/// transient failures, with the same request id.
///
/// # Safety
/// `c` must be a live client; `id` must point at `id_len` bytes; `request_id` must be NULL
/// or point at `request_id_len` bytes; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_read_with_request_id(
    c: *const pfhir_client,
    id: *const u8,
    id_len: usize,
    request_id: *const u8,
    request_id_len: usize,
    out: *mut *mut pfhir_read_result,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let c = unsafe { handle(c, "client") }?;
        // SAFETY: forwarded to the caller.
        let id = unsafe { text_arg(id, id_len, "id") }?;
        // SAFETY: forwarded to the caller.
        let opts = unsafe { request_options(request_id, request_id_len) }?;
        let r = c
            .inner
            .read_with(id, &opts)
            .map_err(|e| pfhir_error::from_client(&e))?;
        let result = pfhir_read_result {
            patient_json: CText::new(&String::from_utf8_lossy(&r.json)),
            request_id: CText::new(&r.request_id),
            status: r.status,
            attempts: r.attempts,
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(result)) };
        Ok(())
    })
}

/// Reads a patient with a fresh request id (see `pfhir_client_read_with_request_id`).
///
/// # Safety
/// As `pfhir_client_read_with_request_id`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_read(
    c: *const pfhir_client,
    id: *const u8,
    id_len: usize,
    out: *mut *mut pfhir_read_result,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { pfhir_client_read_with_request_id(c, id, id_len, std::ptr::null(), 0, out) }
}

/// New TLS connections the client opened so far (the rest of its requests reused them).
///
/// # Safety
/// `c` must be NULL or a live client.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_connection_count(c: *const pfhir_client) -> u64 {
    guard_or(0, || {
        // SAFETY: forwarded to the caller.
        unsafe { c.as_ref() }.map_or(0, |c| c.inner.stats().connections)
    })
}

/// Frees a client: closes its connections and wipes its copies of the client secret and the
/// key and its connections' buffers (see "Secrets in memory" in ffi/README.md). NULL is a
/// no-op.
///
/// # Safety
/// `c` must be NULL or a client not freed before, and no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn pfhir_client_free(c: *mut pfhir_client) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(c) })
}

/// The platform's Patient id (v2: logical id; v1: business id). Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_patient_id(
    r: *const pfhir_create_result,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.patient_id.lend()) }
}

/// The platform's Bundle id. Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_bundle_id(r: *const pfhir_create_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.bundle_id.lend()) }
}

/// The `x-origin-request-id` sent. Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_request_id(
    r: *const pfhir_create_result,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.request_id.lend()) }
}

/// The Bundle the platform answered with, as JSON. Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_bundle_json(
    r: *const pfhir_create_result,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.bundle_json.lend()) }
}

/// The HTTP status (0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_status(r: *const pfhir_create_result) -> u16 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.status) }
}

/// Attempts made (1 = no retry; 0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_attempts(r: *const pfhir_create_result) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.attempts) }
}

/// Frees a create result. NULL is a no-op.
///
/// # Safety
/// `r` must be NULL or a result not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_create_result_free(r: *mut pfhir_create_result) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(r) })
}

/// The `x-origin-request-id` sent. Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_update_result_request_id(
    r: *const pfhir_update_result,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.request_id.lend()) }
}

/// The HTTP status (0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_update_result_status(r: *const pfhir_update_result) -> u16 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.status) }
}

/// Attempts made (1 = no retry; 0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_update_result_attempts(r: *const pfhir_update_result) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.attempts) }
}

/// Frees an update result. NULL is a no-op.
///
/// # Safety
/// `r` must be NULL or a result not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_update_result_free(r: *mut pfhir_update_result) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(r) })
}

/// The Patient as the platform sent it (JSON). Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_read_result_patient_json(r: *const pfhir_read_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.patient_json.lend()) }
}

/// The `x-origin-request-id` sent. Borrowed from `r`.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_read_result_request_id(r: *const pfhir_read_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.request_id.lend()) }
}

/// The HTTP status (0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_read_result_status(r: *const pfhir_read_result) -> u16 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.status) }
}

/// Attempts made (1 = no retry; 0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_read_result_attempts(r: *const pfhir_read_result) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.attempts) }
}

/// Frees a read result. NULL is a no-op.
///
/// # Safety
/// `r` must be NULL or a result not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_read_result_free(r: *mut pfhir_read_result) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(r) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #10 item 2: the results' `Debug` never shows the patient's JSON or ids.
    #[test]
    fn result_debug_hides_patient_data() {
        let json = r#"{"resourceType":"Patient","name":[{"family":"Garcia"}]}"#;
        let read = pfhir_read_result {
            patient_json: CText::new(json),
            request_id: CText::new("r1"),
            status: 200,
            attempts: 1,
        };
        let created = pfhir_create_result {
            patient_id: CText::new("BUSINESS-ID-1"),
            bundle_id: CText::new("BUSINESS-ID-1"),
            request_id: CText::new("r2"),
            bundle_json: CText::new(json),
            status: 200,
            attempts: 1,
        };
        for text in [format!("{read:?}"), format!("{created:?}")] {
            assert!(
                !text.contains("Garcia") && !text.contains("BUSINESS"),
                "{text}"
            );
            assert!(text.contains("status: 200"), "{text}");
        }
    }
}
