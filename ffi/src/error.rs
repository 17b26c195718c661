//! `pfhir_error`: what a failed call returns, and the panic guard every export runs in.

use crate::code::pfhir_code;
use crate::types::{free_handle, lend_opt, pfhir_str, read_field, CText};
use pfhir_core::build::BuildError;
use pfhir_core::client::{ClientError, TlsCause};
use pfhir_core::validate::Outcome;
use pfhir_core::ErrorCode;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// An error returned by a fallible call (NULL means success). Read it with the
/// `pfhir_error_*` accessors and free it with `pfhir_error_free`. Immutable: it may be read
/// from any thread.
pub struct pfhir_error {
    code: ErrorCode,
    message: CText,
    http_status: u16,
    outcome_json: Option<CText>,
    request_id: Option<CText>,
    body: Option<CText>,
    retry_safe: bool,
    may_have_been_processed: bool,
    fields: Vec<(CText, CText)>,
    validation: Option<Outcome>,
    tls_cause: pfhir_tls_cause,
    retry_after_ms: u32,
}

impl std::fmt::Debug for pfhir_error {
    /// The code, status, request id and flags; the body, the OperationOutcome and the field
    /// messages only as present or absent (they may hold patient data).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let present = |b: bool| if b { "<present>" } else { "<absent>" };
        f.debug_struct("pfhir_error")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("http_status", &self.http_status)
            .field("request_id", &self.request_id)
            .field("retry_safe", &self.retry_safe)
            .field("may_have_been_processed", &self.may_have_been_processed)
            .field("tls_cause", &self.tls_cause)
            .field("retry_after_ms", &self.retry_after_ms)
            .field("outcome_json", &present(self.outcome_json.is_some()))
            .field("body", &present(self.body.is_some()))
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

/// Why a TLS handshake failed (`pfhir_error_tls_cause`).
pub type pfhir_tls_cause = u32;
/// Not a TLS error.
pub const PFHIR_TLS_CAUSE_NONE: pfhir_tls_cause = 0;
/// The server's certificate is not signed by a trusted CA (check the CA PEM).
pub const PFHIR_TLS_CAUSE_UNKNOWN_CA: pfhir_tls_cause = 1;
/// The server's certificate is for another host name.
pub const PFHIR_TLS_CAUSE_NAME_MISMATCH: pfhir_tls_cause = 2;
/// The server's certificate has expired.
pub const PFHIR_TLS_CAUSE_EXPIRED: pfhir_tls_cause = 3;
/// The server's certificate is not valid yet (check the clock).
pub const PFHIR_TLS_CAUSE_NOT_YET_VALID: pfhir_tls_cause = 4;
/// The server did not accept the client certificate.
pub const PFHIR_TLS_CAUSE_CLIENT_CERT_REJECTED: pfhir_tls_cause = 5;
/// Another TLS failure.
pub const PFHIR_TLS_CAUSE_OTHER: pfhir_tls_cause = 6;

/// An error on its way to C.
pub(crate) type ErrorBox = Box<pfhir_error>;

impl pfhir_error {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorBox {
        Box::new(pfhir_error {
            code,
            message: CText::new(&message.into()),
            http_status: 0,
            outcome_json: None,
            request_id: None,
            body: None,
            retry_safe: false,
            may_have_been_processed: false,
            fields: Vec::new(),
            validation: None,
            tls_cause: PFHIR_TLS_CAUSE_NONE,
            retry_after_ms: 0,
        })
    }

    /// The error of a failed request.
    pub fn from_client(e: &ClientError) -> ErrorBox {
        let mut err = pfhir_error::new(e.code(), e.to_string());
        err.http_status = e.http_status().unwrap_or(0);
        err.outcome_json = e.outcome_json().as_deref().map(CText::new);
        err.request_id = e.request_id().map(CText::new);
        err.body = e.body().map(|b| CText::new(&String::from_utf8_lossy(b)));
        err.retry_safe = e.retry_safe();
        err.may_have_been_processed = e.may_have_been_processed();
        match e {
            ClientError::Validation { outcome } => err.validation = Some(outcome.clone()),
            ClientError::Tls { cause, .. } => {
                err.tls_cause = match cause {
                    TlsCause::UnknownCa => PFHIR_TLS_CAUSE_UNKNOWN_CA,
                    TlsCause::NameMismatch => PFHIR_TLS_CAUSE_NAME_MISMATCH,
                    TlsCause::Expired => PFHIR_TLS_CAUSE_EXPIRED,
                    TlsCause::NotYetValid => PFHIR_TLS_CAUSE_NOT_YET_VALID,
                    TlsCause::ClientCertRejected => PFHIR_TLS_CAUSE_CLIENT_CERT_REJECTED,
                    // TlsCause is non-exhaustive: a cause added later reads as "other".
                    _ => PFHIR_TLS_CAUSE_OTHER,
                }
            }
            ClientError::Http { failure, .. } => {
                err.retry_after_ms = failure
                    .retry_after
                    .map_or(0, |d| u32::try_from(d.as_millis()).unwrap_or(u32::MAX))
            }
            _ => {}
        }
        err
    }

    /// The error of a failed build: code `input` with one entry per field, `json` for a text
    /// that is not a JSON object, `internal` otherwise.
    pub fn from_build(e: &BuildError) -> ErrorBox {
        let mut err = pfhir_error::new(e.code(), e.to_string());
        err.fields = e
            .fields()
            .iter()
            .map(|f| (CText::new(&f.field), CText::new(&f.message)))
            .collect();
        err
    }

    /// The error of the embedded outbox: `validation` with the outcome for an invalid
    /// Bundle (read it with `pfhir_error_outcome`), `input` or `update_target_mismatch` for
    /// a Bundle that cannot be delivered as given, `not_found` for an unknown message id,
    /// `config` for wrong options or a folder another outbox or relay delivers from, `internal` for a store or thread failure. Its message
    /// never holds patient values (the outbox's errors name ids and states only).
    pub fn from_outbox(e: &pfhir_relay::OutboxError) -> ErrorBox {
        use pfhir_relay::store::StoreError;
        use pfhir_relay::OutboxError;
        let code = match e {
            OutboxError::Invalid { .. } => ErrorCode::Validation,
            OutboxError::UpdateTarget => ErrorCode::UpdateTargetMismatch,
            OutboxError::Unusable(_) => ErrorCode::Input,
            OutboxError::Store(StoreError::NotFound(_)) => ErrorCode::NotFound,
            OutboxError::Options(_) | OutboxError::Validation(_) | OutboxError::Locked(_) => {
                ErrorCode::Config
            }
            _ => ErrorCode::Internal,
        };
        let mut err = pfhir_error::new(code, e.to_string());
        if let OutboxError::Invalid { outcome } = e {
            err.outcome_json = Some(CText::new(&outcome.to_json()));
            err.validation = Some(outcome.clone());
        }
        err
    }

    fn into_raw(self: ErrorBox) -> *mut pfhir_error {
        Box::into_raw(self)
    }
}

/// An `invalid_argument` error: an option value or an argument out of range.
pub(crate) fn invalid_argument(message: impl Into<String>) -> ErrorBox {
    pfhir_error::new(ErrorCode::InvalidArgument, message)
}

fn panic_error() -> ErrorBox {
    pfhir_error::new(
        ErrorCode::Panic,
        "internal error: pfhir panicked (a bug; please report it); the call had no effect",
    )
}

/// Runs a fallible export body: `Ok` becomes NULL, an error or a panic becomes a
/// `pfhir_error*`. Nothing unwinds into C.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), ErrorBox>) -> *mut pfhir_error {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => std::ptr::null_mut(),
        Ok(Err(e)) => e.into_raw(),
        Err(_) => panic_error().into_raw(),
    }
}

/// Runs an infallible export body (an accessor); a panic gives `fallback`.
pub(crate) fn guard_or<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

/// The error's code. `PFHIR_CODE_OK` for NULL (no error).
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_code(err: *const pfhir_error) -> pfhir_code {
    // SAFETY: forwarded to the caller. (NULL reads as OK; the conversion cannot panic.)
    unsafe { read_field(err, pfhir_code::PFHIR_CODE_OK, |e| pfhir_code::from(e.code)) }
}

/// The error's message: what failed and why, in English; never a secret, a response body or
/// a patient value. The platform's own texts (an OperationOutcome's `diagnostics` and
/// `details.text`, which may quote patient data) are not in it: read them, as the platform
/// sent them, from `pfhir_error_outcome_json`. Borrowed from `err`; `{NULL, 0}` for NULL.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_message(err: *const pfhir_error) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, pfhir_str::EMPTY, |e| e.message.lend()) }
}

/// The HTTP status the platform answered with, or 0 when no answer was received.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_http_status(err: *const pfhir_error) -> u16 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, 0, |e| e.http_status) }
}

/// The OperationOutcome as JSON: the platform's answer, or the local validation's findings
/// (code `PFHIR_CODE_VALIDATION`). `{NULL, 0}` when there is none. Borrowed from `err`.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_outcome_json(err: *const pfhir_error) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, pfhir_str::EMPTY, |e| lend_opt(&e.outcome_json)) }
}

/// The `x-origin-request-id` of the failed request (re-send an uncertain create with it),
/// or `{NULL, 0}` when no request was made. Borrowed from `err`.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_request_id(err: *const pfhir_error) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, pfhir_str::EMPTY, |e| lend_opt(&e.request_id)) }
}

/// The raw response body of an HTTP error (HTML from a gateway, say; invalid UTF-8 replaced
/// by U+FFFD), or `{NULL, 0}`. Borrowed from `err`.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_body(err: *const pfhir_error) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, pfhir_str::EMPTY, |e| lend_opt(&e.body)) }
}

/// True when sending the same request again cannot do harm and may succeed.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_retry_safe(err: *const pfhir_error) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, false, |e| e.retry_safe) }
}

/// True when the platform may have processed the failed request: the connection broke or
/// timed out after it was sent, or the platform answered an internal `timeout` or
/// `exception`. For a create the patient may exist: do not simply create it again (v1: read
/// `Patient/{business id}`; v2: a re-send with the same request id is safe only against a
/// server that de-duplicates by it). False for NULL.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_may_have_been_processed(err: *const pfhir_error) -> bool {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, false, |e| e.may_have_been_processed) }
}

/// Why the TLS handshake failed (`PFHIR_TLS_CAUSE_*`), `PFHIR_TLS_CAUSE_NONE` for other
/// errors and NULL.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_tls_cause(err: *const pfhir_error) -> pfhir_tls_cause {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, PFHIR_TLS_CAUSE_NONE, |e| e.tls_cause) }
}

/// The platform's `Retry-After` in milliseconds (on 429 and 503 answers), 0 when it sent none.
/// The client already honours it for its own retries.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_retry_after_ms(err: *const pfhir_error) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, 0, |e| e.retry_after_ms) }
}

/// Number of input fields in error (code `PFHIR_CODE_INPUT`), 0 otherwise.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_field_count(err: *const pfhir_error) -> usize {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(err, 0, |e| e.fields.len()) }
}

/// The name of input field `i` in error (`birthDate`, `phones[1].use`); `{NULL, 0}` when `i`
/// is out of range. Borrowed from `err`.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_field_name(err: *const pfhir_error, i: usize) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe {
        read_field(err, pfhir_str::EMPTY, |e| {
            e.fields.get(i).map_or(pfhir_str::EMPTY, |f| f.0.lend())
        })
    }
}

/// What is wrong with input field `i` (never its value); `{NULL, 0}` when out of range.
///
/// # Safety
/// `err` must be NULL or a live `pfhir_error`.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_field_message(err: *const pfhir_error, i: usize) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe {
        read_field(err, pfhir_str::EMPTY, |e| {
            e.fields.get(i).map_or(pfhir_str::EMPTY, |f| f.1.lend())
        })
    }
}

/// For an error with code `PFHIR_CODE_VALIDATION`: writes the local validation's findings as
/// an outcome to `out` (free it with `pfhir_outcome_free`), to read issue by issue. Other
/// errors give `PFHIR_CODE_INVALID_ARGUMENT` and leave `out` untouched.
///
/// # Safety
/// `err` must be a live `pfhir_error`; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_outcome(
    err: *const pfhir_error,
    out: *mut *mut crate::validate::pfhir_outcome,
) -> *mut pfhir_error {
    guard(|| {
        crate::types::out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let e = unsafe { crate::types::handle(err, "err") }?;
        let outcome = e.validation.clone().ok_or_else(|| {
            pfhir_error::new(
                ErrorCode::InvalidArgument,
                "this error carries no validation outcome (its code is not validation)",
            )
        })?;
        let handle = crate::types::into_handle(crate::validate::pfhir_outcome::new(outcome));
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { crate::types::write_out(out, handle) };
        Ok(())
    })
}

/// Frees an error. NULL is a no-op.
///
/// # Safety
/// `err` must be NULL or an error returned by pfhir, not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_error_free(err: *mut pfhir_error) {
    guard_or((), || {
        // SAFETY: forwarded to the caller.
        unsafe { free_handle(err) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #10 item 2: an error's `Debug` never shows the body or the OperationOutcome.
    #[test]
    fn error_debug_hides_body_and_outcome() {
        let e = ClientError::InvalidResponse {
            status: 200,
            detail: "the read answer is not a Patient".into(),
            body: br#"{"resourceType":"Patient","name":[{"family":"Garcia"}]}"#.to_vec(),
            request_id: "r1".into(),
        };
        let err = pfhir_error::from_client(&e);
        assert!(
            err.body.is_some(),
            "the body stays available to pfhir_error_body"
        );
        let text = format!("{err:?}");
        assert!(!text.contains("Garcia"), "{text}");
        assert!(text.contains("body: \"<present>\""), "{text}");
    }

    #[test]
    fn a_panic_inside_guard_becomes_code_panic_and_never_unwinds() {
        let err = guard(|| panic!("a bug with patient data 1234"));
        assert!(!err.is_null(), "a panic is an error, not success");
        // SAFETY: `err` is the live error `guard` just returned (freed once, below); its
        // message lends `len` valid bytes.
        let (code, message) = unsafe {
            let m = pfhir_error_message(err);
            let bytes = std::slice::from_raw_parts(m.data.cast::<u8>(), m.len);
            (
                pfhir_error_code(err),
                String::from_utf8_lossy(bytes).into_owned(),
            )
        };
        assert_eq!(code, pfhir_code::PFHIR_CODE_PANIC);
        assert!(
            !message.contains("1234"),
            "the panic's text stays out: {message}"
        );
        // SAFETY: freed once.
        unsafe { pfhir_error_free(err) };
        assert_eq!(guard_or(7, || panic!("accessor bug")), 7);
    }
}
