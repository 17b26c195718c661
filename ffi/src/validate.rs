//! Validation: options, the validator, and the outcome with its issues.

use crate::error::{guard, guard_or, pfhir_error};
use crate::types::{
    bytes_arg, free_handle, handle, handle_mut, into_handle, new_default_handle, out_arg,
    pfhir_bytes, pfhir_str, text_arg, write_out, CText,
};
use pfhir_core::validate::{Outcome, Profile, Severity, Validator, ValidatorOptions};

/// A validation profile (`pfhir_validator_options_set_profile`).
pub type pfhir_profile = u32;
/// STU3 only.
pub const PFHIR_PROFILE_BASE: pfhir_profile = 0;
/// STU3 plus the partner profile rules (the default).
pub const PFHIR_PROFILE_PARTNER: pfhir_profile = 1;

/// The severity of an issue (`pfhir_outcome_issue_severity`).
pub type pfhir_severity = u32;
/// The document could not be processed (size, UTF-8, JSON syntax, depth).
pub const PFHIR_SEVERITY_FATAL: pfhir_severity = 1;
/// The content is invalid: the platform would refuse it.
pub const PFHIR_SEVERITY_ERROR: pfhir_severity = 2;
/// Suspicious, or a partner rule set to warn.
pub const PFHIR_SEVERITY_WARNING: pfhir_severity = 3;
/// A note.
pub const PFHIR_SEVERITY_INFORMATION: pfhir_severity = 4;

/// Validator options, built before a validator. Not thread-safe: configure it from one
/// thread, then it may be shared read-only.
#[derive(Debug, Default)]
pub struct pfhir_validator_options {
    pub(crate) inner: ValidatorOptions,
}

/// A validator: immutable and thread-safe; share one across threads.
#[derive(Debug)]
pub struct pfhir_validator {
    inner: Validator,
}

/// One issue with its texts kept NUL-terminated for C.
#[derive(Debug)]
struct IssueTexts {
    severity: pfhir_severity,
    code: CText,
    message_id: CText,
    key: Option<CText>,
    expression: CText,
    message: CText,
    line: u32,
    column: u32,
}

/// The result of a validation: every issue in document order. Immutable and thread-safe.
#[derive(Debug)]
pub struct pfhir_outcome {
    outcome: Outcome,
    issues: Vec<IssueTexts>,
}

/// The C value of a severity (validation and HL7 issues alike).
pub(crate) fn severity_code(severity: Severity) -> pfhir_severity {
    match severity {
        Severity::Fatal => PFHIR_SEVERITY_FATAL,
        Severity::Error => PFHIR_SEVERITY_ERROR,
        Severity::Warning => PFHIR_SEVERITY_WARNING,
        Severity::Information => PFHIR_SEVERITY_INFORMATION,
    }
}

impl pfhir_outcome {
    pub(crate) fn new(outcome: Outcome) -> pfhir_outcome {
        let issues = outcome
            .issues
            .iter()
            .map(|i| IssueTexts {
                severity: severity_code(i.severity),
                code: CText::new(i.code().as_str()),
                message_id: CText::new(&i.message_id.to_string()),
                key: i.key.map(CText::new),
                expression: CText::new(&i.expression),
                message: CText::new(&i.message),
                line: i.line,
                column: i.column,
            })
            .collect();
        pfhir_outcome { outcome, issues }
    }
}

use crate::error::invalid_argument as invalid;

/// Creates validator options with the defaults: partner profile, default rule severities,
/// the Meteda and CIP authorities, a 1 MiB size limit and a depth limit of 64.
/// Free with `pfhir_validator_options_free`.
///
/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_new(
    out: *mut *mut pfhir_validator_options,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { new_default_handle(out) }
}

/// Chooses base (`PFHIR_PROFILE_BASE`) or partner (`PFHIR_PROFILE_PARTNER`) validation. A
/// size limit still at the old profile's default follows to the new one's (partner: 1 MiB,
/// its message size; base: 64 MiB, which real STU3 resources fit); a limit set with
/// `pfhir_validator_options_set_limits` stays.
///
/// # Safety
/// `opts` must be a live options handle (or NULL, which is an error).
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_set_profile(
    opts: *mut pfhir_validator_options,
    profile: pfhir_profile,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        let profile = match profile {
            PFHIR_PROFILE_BASE => Profile::Base,
            PFHIR_PROFILE_PARTNER => Profile::Partner,
            other => return Err(invalid(format!("unknown profile {other}"))),
        };
        o.inner.set_profile(profile);
        Ok(())
    })
}

/// Sets a partner rule's severity: `rule` is its id (`partner-meta-profile`), `severity` is
/// `error`, `warning` or `off` (UTF-8, not NUL-terminated).
///
/// # Safety
/// `opts` must be a live options handle; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_set_rule(
    opts: *mut pfhir_validator_options,
    rule: *const u8,
    rule_len: usize,
    severity: *const u8,
    severity_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        // SAFETY: forwarded to the caller.
        let rule = unsafe { text_arg(rule, rule_len, "rule") }?;
        // SAFETY: forwarded to the caller.
        let severity = unsafe { text_arg(severity, severity_len, "severity") }?;
        o.inner
            .set_severity_by_name(rule, severity)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(())
    })
}

/// Accepts one more identifier system as the Patient's assigning authority.
///
/// # Safety
/// `opts` must be a live options handle; `system` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_add_authority(
    opts: *mut pfhir_validator_options,
    system: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        // SAFETY: forwarded to the caller.
        let system = unsafe { text_arg(system, len, "system") }?;
        o.inner
            .add_authority(system)
            .map_err(|e| invalid(e.to_string()))?;
        Ok(())
    })
}

/// Sets the size limit (bytes, 1 to 4 GiB - 1) and the nesting limit (1 to 128); 0 keeps the
/// current value.
///
/// # Safety
/// `opts` must be a live options handle.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_set_limits(
    opts: *mut pfhir_validator_options,
    max_bytes: usize,
    max_depth: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        let mut next = o.inner.clone();
        if max_bytes != 0 {
            next.limits.max_bytes = max_bytes;
        }
        if max_depth != 0 {
            next.limits.max_depth = max_depth;
        }
        next.check().map_err(|e| invalid(e.to_string()))?;
        o.inner = next;
        Ok(())
    })
}

/// Sets the most issues listed per document (default 1000; 0: no limit; at most
/// 4294967295). Past it, the
/// outcome ends with one `too-costly` issue (`PFHIR-V0108`) that counts the rest, with the
/// severity of the most serious one left out.
///
/// # Safety
/// `opts` must be a live options handle.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_set_max_issues(
    opts: *mut pfhir_validator_options,
    max_issues: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        let mut next = o.inner.clone();
        next.max_issues = max_issues;
        next.check().map_err(|e| invalid(e.to_string()))?;
        o.inner = next;
        Ok(())
    })
}

/// Puts the offending values in messages (off by default: they are patient data).
///
/// # Safety
/// `opts` must be a live options handle.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_set_include_values(
    opts: *mut pfhir_validator_options,
    include: bool,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        o.inner.include_values = include;
        Ok(())
    })
}

/// Frees options. NULL is a no-op.
///
/// # Safety
/// `opts` must be NULL or an options handle not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_options_free(opts: *mut pfhir_validator_options) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(opts) })
}

/// Creates a validator from options (NULL: partner defaults). The options are copied and may
/// be freed at once. The validator is thread-safe. Free with `pfhir_validator_free`.
///
/// # Safety
/// `opts` must be NULL or a live options handle; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_new(
    opts: *const pfhir_validator_options,
    out: *mut *mut pfhir_validator,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let options = match unsafe { opts.as_ref() } {
            Some(o) => o.inner.clone(),
            None => ValidatorOptions::default(),
        };
        let inner = Validator::new(options).map_err(|e| invalid(e.to_string()))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_validator { inner })) };
        Ok(())
    })
}

/// Validates `len` bytes of JSON. Findings are data, not errors: this succeeds for any input
/// and writes an outcome (free it with `pfhir_outcome_free`). A `len` above the size limit
/// gives the `too-long` outcome without reading the bytes. `(NULL, 0)` is an empty document.
///
/// # Safety
/// `v` must be a live validator; `json` must point at `len` readable bytes (unless `len`
/// exceeds the size limit); `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validate(
    v: *const pfhir_validator,
    json: *const u8,
    len: usize,
    out: *mut *mut pfhir_outcome,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let v = unsafe { handle(v, "validator") }?;
        let outcome = match v.inner.too_long(len) {
            Some(o) => o,
            None => {
                // SAFETY: forwarded to the caller.
                let bytes = unsafe { bytes_arg(json, len, "json") }?;
                v.inner.validate(bytes)
            }
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_outcome::new(outcome))) };
        Ok(())
    })
}

/// The validator's size limit in bytes (a caller can refuse larger input before copying it;
/// `pfhir_validate` answers a larger `len` without reading the buffer). 0 for NULL.
///
/// # Safety
/// `v` must be NULL or a live validator.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_max_bytes(v: *const pfhir_validator) -> usize {
    guard_or(0, || {
        // SAFETY: forwarded to the caller.
        unsafe { v.as_ref() }.map_or(0, |v| v.inner.options().limits.max_bytes)
    })
}

/// Frees a validator. NULL is a no-op.
///
/// # Safety
/// `v` must be NULL or a validator not freed before, and no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn pfhir_validator_free(v: *mut pfhir_validator) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(v) })
}

/// Borrows an outcome; NULL reads as an outcome without issues.
///
/// # Safety
/// `o` must be NULL or a live outcome.
unsafe fn outcome_ref<'a>(o: *const pfhir_outcome) -> Option<&'a pfhir_outcome> {
    // SAFETY: forwarded to the caller.
    unsafe { o.as_ref() }
}

/// True when some issue is an error or fatal. False for NULL.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_has_errors(o: *const pfhir_outcome) -> bool {
    guard_or(false, || {
        // SAFETY: forwarded to the caller.
        unsafe { outcome_ref(o) }.is_some_and(|o| o.outcome.has_errors())
    })
}

/// Number of issues (0 for a valid document, and for NULL).
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_count(o: *const pfhir_outcome) -> usize {
    guard_or(0, || {
        // SAFETY: forwarded to the caller.
        unsafe { outcome_ref(o) }.map_or(0, |o| o.issues.len())
    })
}

/// Issue `i`, or None when out of range.
///
/// # Safety
/// `o` must be NULL or a live outcome.
unsafe fn issue<'a>(o: *const pfhir_outcome, i: usize) -> Option<&'a IssueTexts> {
    // SAFETY: forwarded to the caller.
    unsafe { outcome_ref(o) }.and_then(|o| o.issues.get(i))
}

/// The severity of issue `i` (`PFHIR_SEVERITY_*`), 0 when out of range.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_severity(
    o: *const pfhir_outcome,
    i: usize,
) -> pfhir_severity {
    // SAFETY: forwarded to the caller.
    guard_or(0, || unsafe { issue(o, i) }.map_or(0, |x| x.severity))
}

/// The partner issue code of issue `i`: `required`, `structure`, `invalid`, `too-long` or
/// `informational`. Borrowed from the outcome; `{NULL, 0}` when out of range.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_code(o: *const pfhir_outcome, i: usize) -> pfhir_str {
    guard_or(pfhir_str::EMPTY, || {
        // SAFETY: forwarded to the caller.
        unsafe { issue(o, i) }.map_or(pfhir_str::EMPTY, |x| x.code.lend())
    })
}

/// The stable message id of issue `i` (`PFHIR-V0301`, see docs/messages.md).
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_message_id(
    o: *const pfhir_outcome,
    i: usize,
) -> pfhir_str {
    guard_or(pfhir_str::EMPTY, || {
        // SAFETY: forwarded to the caller.
        unsafe { issue(o, i) }.map_or(pfhir_str::EMPTY, |x| x.message_id.lend())
    })
}

/// The invariant key (`cpt-2`) or partner rule id (`partner-bundle-type`) of issue `i`, or
/// `{NULL, 0}`.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_key(o: *const pfhir_outcome, i: usize) -> pfhir_str {
    guard_or(pfhir_str::EMPTY, || {
        // SAFETY: forwarded to the caller.
        unsafe { issue(o, i) }.map_or(pfhir_str::EMPTY, |x| crate::types::lend_opt(&x.key))
    })
}

/// The FHIRPath of issue `i` (`Bundle.entry[1].resource.birthDate`; empty for issues found
/// before the document could be read).
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_expression(
    o: *const pfhir_outcome,
    i: usize,
) -> pfhir_str {
    guard_or(pfhir_str::EMPTY, || {
        // SAFETY: forwarded to the caller.
        unsafe { issue(o, i) }.map_or(pfhir_str::EMPTY, |x| x.expression.lend())
    })
}

/// The 1-based line of issue `i`, 0 when out of range.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_line(o: *const pfhir_outcome, i: usize) -> u32 {
    // SAFETY: forwarded to the caller.
    guard_or(0, || unsafe { issue(o, i) }.map_or(0, |x| x.line))
}

/// The 1-based column (in characters) of issue `i`, 0 when out of range.
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_column(o: *const pfhir_outcome, i: usize) -> u32 {
    // SAFETY: forwarded to the caller.
    guard_or(0, || unsafe { issue(o, i) }.map_or(0, |x| x.column))
}

/// The message of issue `i`: what is wrong and what to do, without patient values (unless
/// the options asked for them).
///
/// # Safety
/// `o` must be NULL or a live outcome.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_issue_message(
    o: *const pfhir_outcome,
    i: usize,
) -> pfhir_str {
    guard_or(pfhir_str::EMPTY, || {
        // SAFETY: forwarded to the caller.
        unsafe { issue(o, i) }.map_or(pfhir_str::EMPTY, |x| x.message.lend())
    })
}

/// Writes the whole outcome as STU3 OperationOutcome JSON (byte-identical on every platform)
/// to `out`; free it with `pfhir_bytes_free`.
///
/// # Safety
/// `o` must be a live outcome; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_to_json(
    o: *const pfhir_outcome,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle(o, "outcome") }?;
        let json = o.outcome.to_json().into_bytes();
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(json)) };
        Ok(())
    })
}

/// Frees an outcome. NULL is a no-op.
///
/// # Safety
/// `o` must be NULL or an outcome not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_outcome_free(o: *mut pfhir_outcome) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(o) })
}
