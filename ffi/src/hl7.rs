//! HL7 v2 in (docs/hl7v2.md): options, the conversion of an ADT message to a partner Bundle
//! with its issues located at HL7 fields, and the ACK.

use crate::error::{guard, guard_or, pfhir_error, ErrorBox};
use crate::types::{
    bytes_arg, free_handle, handle, handle_mut, into_handle, lend_opt, new_default_handle, out_arg,
    pfhir_bytes, pfhir_str, read_field, text_arg, write_out, CText,
};
use crate::validate::{pfhir_severity, severity_code};
use pfhir_core::build::IdsInput;
use pfhir_core::hl7v2::{
    ack_of, outcome_json, parse_offset, AckCode, Charset, Converter, EventKind, Header, Hl7Issue,
    Hl7Options,
};
use std::sync::{Arc, OnceLock};

/// A text option of the HL7 v2 conversion (`pfhir_hl7_options_set`); each is the CLI flag
/// of the same name (`pfhir hl7 to-bundle --org-id`).
pub type pfhir_hl7_option = u32;
/// The organization OID (default: MSH-4.2 when MSH-4.3 is `ISO`).
pub const PFHIR_HL7_OPTION_ORG_ID: pfhir_hl7_option = 1;
/// The exact MessageHeader.source.endpoint (default `urn:oid:` + the organization OID).
pub const PFHIR_HL7_OPTION_SOURCE_ENDPOINT: pfhir_hl7_option = 2;
/// The platform's Patient id for updates (A08, A31): a v2 update; without it the business id
/// becomes Patient.id (v1). Ignored for creates.
pub const PFHIR_HL7_OPTION_PATIENT_ID: pfhir_hl7_option = 3;
/// The site's fixed UTC offset for times without zone (`+01:00`, `-0500`, `Z`); without it
/// such times are errors.
pub const PFHIR_HL7_OPTION_TZ: pfhir_hl7_option = 4;
/// The character set of messages without MSH-18: `ASCII`, `8859/1`, `8859/15` or
/// `UNICODE UTF-8` (the default).
pub const PFHIR_HL7_OPTION_CHARSET: pfhir_hl7_option = 5;
/// Fixed resource ids for reproducible output: `S` gives `bundle-S`, `header-S`,
/// `patient-S`, `condition-S` (default: fresh UUIDs).
pub const PFHIR_HL7_OPTION_FIXED_IDS: pfhir_hl7_option = 6;
/// The ACK's MSH-10 (default: a fresh UUID).
pub const PFHIR_HL7_OPTION_ACK_CONTROL_ID: pfhir_hl7_option = 7;
/// The ACK's MSH-7, an HL7 DTM (default: now, in UTC).
pub const PFHIR_HL7_OPTION_ACK_TIME: pfhir_hl7_option = 8;

/// Whether an HL7 v2 message creates or updates a patient (`pfhir_hl7_result_kind`).
pub type pfhir_hl7_kind = u32;
/// Not a Patient services event pfhir maps (or the message could not be read).
pub const PFHIR_HL7_KIND_NONE: pfhir_hl7_kind = 0;
/// A01, A04, A05, A28: create.
pub const PFHIR_HL7_KIND_CREATE: pfhir_hl7_kind = 1;
/// A08, A31: update.
pub const PFHIR_HL7_KIND_UPDATE: pfhir_hl7_kind = 2;

/// Options of the HL7 v2 conversion (docs/hl7v2.md, "Options"). Not thread-safe: configure
/// it from one thread, then it may be shared read-only.
#[derive(Debug, Default)]
pub struct pfhir_hl7_options {
    pub(crate) inner: Hl7Options,
    /// The converter of `inner`, made by the first conversion and shared by the later ones
    /// (and by their results, which make the ACK from it); dropped by every change.
    converter: OnceLock<Arc<Converter>>,
}

impl pfhir_hl7_options {
    /// The options, to change: the cached converter goes.
    fn options_mut(&mut self) -> &mut Hl7Options {
        self.converter = OnceLock::new();
        &mut self.inner
    }

    /// The converter of the options (made once; fails when an accepted authority is not
    /// a usable identifier system).
    fn converter(&self) -> Result<Arc<Converter>, ErrorBox> {
        if let Some(c) = self.converter.get() {
            return Ok(Arc::clone(c));
        }
        let made =
            Arc::new(Converter::new(self.inner.clone()).map_err(|e| invalid(e.to_string()))?);
        // Two threads may both make one: either is the same converter.
        Ok(Arc::clone(self.converter.get_or_init(|| made)))
    }
}

/// One issue with its texts kept NUL-terminated for C.
#[derive(Debug)]
struct Hl7IssueTexts {
    severity: pfhir_severity,
    message_id: CText,
    location: Option<CText>,
    expression: Option<CText>,
    message: CText,
    hl7_code: u32,
    line: u32,
    column: u32,
}

// The ACK, the OperationOutcome and the issues' C texts are made when first read (a caller
// that only sends the Bundle does not pay for them); OnceLock keeps the result immutable
// and thread-safe as seen from C.
/// The result of converting one HL7 v2 message: the Bundle (when valid), the event kind,
/// the issues with their HL7 locations and the ACK. Immutable and thread-safe.
#[derive(Debug)]
pub struct pfhir_hl7_result {
    /// The Bundle's compact JSON.
    bundle: Option<CText>,
    kind: pfhir_hl7_kind,
    /// `ack_code_value` as text for C (`AA`, `AE` or `AR`).
    ack_code: CText,
    /// What the ACK, the outcome and the issues are made from (the rest of the conversion
    /// is dropped at once: a small result is cheaper to allocate).
    ack_code_value: AckCode,
    header: Header,
    findings: Vec<Hl7Issue>,
    converter: Arc<Converter>,
    ack: OnceLock<Vec<u8>>,
    outcome_json: OnceLock<CText>,
    issues: OnceLock<Vec<Hl7IssueTexts>>,
}

impl pfhir_hl7_result {
    fn issues(&self) -> &[Hl7IssueTexts] {
        self.issues.get_or_init(|| {
            self.findings
                .iter()
                .map(|i| Hl7IssueTexts {
                    severity: severity_code(i.severity),
                    message_id: CText::new(&i.message_id),
                    location: i.location.map(|l| CText::new(&l.to_string())),
                    expression: i.expression.as_deref().map(CText::new),
                    message: CText::new(&i.message),
                    hl7_code: u32::from(i.hl7_code.code()),
                    line: i.line,
                    column: i.column,
                })
                .collect()
        })
    }
}

use crate::error::invalid_argument as invalid;

/// Creates HL7 options with the defaults: the CIP and METEDA namespaces, no site time zone,
/// UTF-8 for messages without MSH-18, a 1 MiB size limit, fresh ids and ACK times. Free with
/// `pfhir_hl7_options_free`.
///
/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_new(
    out: *mut *mut pfhir_hl7_options,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { new_default_handle(out) }
}

/// Sets a text option (`PFHIR_HL7_OPTION_*`, UTF-8, not NUL-terminated); `(NULL, 0)` goes
/// back to the default. A malformed value (time zone, character set) is `invalid_argument`
/// and leaves the options as they were.
///
/// # Safety
/// `opts` must be a live options handle; `value` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_set(
    opts: *mut pfhir_hl7_options,
    option: pfhir_hl7_option,
    value: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        // SAFETY: forwarded to the caller.
        let text = unsafe { text_arg(value, len, "value") }?;
        let value = (!value.is_null()).then(|| text.to_string());
        set_option(o.options_mut(), option, value)
    })
}

/// Applies one text option (`None`: the default).
fn set_option(
    o: &mut Hl7Options,
    option: pfhir_hl7_option,
    value: Option<String>,
) -> Result<(), ErrorBox> {
    match option {
        PFHIR_HL7_OPTION_ORG_ID => o.org_id = value,
        PFHIR_HL7_OPTION_SOURCE_ENDPOINT => o.source_endpoint = value,
        PFHIR_HL7_OPTION_PATIENT_ID => o.patient_id = value,
        PFHIR_HL7_OPTION_TZ => {
            o.utc_offset = match value {
                None => None,
                Some(v) => Some(parse_offset(&v).ok_or_else(|| {
                    invalid(
                        "the site time zone must be a fixed UTC offset such as +01:00, -05:00 or Z",
                    )
                })?),
            }
        }
        PFHIR_HL7_OPTION_CHARSET => {
            o.default_charset = match value {
                None => Charset::Utf8,
                Some(v) => Charset::from_msh18(&v).ok_or_else(|| {
                    invalid("the character set must be ASCII, 8859/1, 8859/15 or UNICODE UTF-8")
                })?,
            }
        }
        PFHIR_HL7_OPTION_FIXED_IDS => {
            o.ids = match value {
                None => IdsInput::default(),
                Some(s) => IdsInput {
                    bundle: Some(format!("bundle-{s}")),
                    message_header: Some(format!("header-{s}")),
                    patient: Some(format!("patient-{s}")),
                    condition: Some(format!("condition-{s}")),
                    conditions: Vec::new(),
                },
            }
        }
        PFHIR_HL7_OPTION_ACK_CONTROL_ID => o.ack_control_id = value,
        PFHIR_HL7_OPTION_ACK_TIME => o.ack_time = value,
        other => return Err(invalid(format!("unknown HL7 option {other}"))),
    }
    Ok(())
}

/// Maps an assigning authority namespace (CX.4.1 / HD.1, case-insensitive) to an identifier
/// system (`HOSP` -> `urn:oid:2.16.724.4.2.1`), replacing an entry of the same namespace.
/// This does not make the system accepted: see `pfhir_hl7_options_add_authority`.
///
/// # Safety
/// `opts` must be a live options handle; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_add_namespace(
    opts: *mut pfhir_hl7_options,
    namespace: *const u8,
    namespace_len: usize,
    system: *const u8,
    system_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        // SAFETY: forwarded to the caller.
        let ns = unsafe { text_arg(namespace, namespace_len, "namespace") }?;
        // SAFETY: forwarded to the caller.
        let system = unsafe { text_arg(system, system_len, "system") }?;
        if ns.contains('=') {
            return Err(invalid("an HL7 namespace cannot contain '='"));
        }
        o.options_mut()
            .add_namespace(&format!("{ns}={system}"))
            .map_err(|e| invalid(e.to_string()))
    })
}

/// Accepts one more identifier system as the Patient's assigning authority (besides CIP and
/// Meteda), as `pfhir_validator_options_add_authority`.
///
/// # Safety
/// `opts` must be a live options handle; `system` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_add_authority(
    opts: *mut pfhir_hl7_options,
    system: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        // SAFETY: forwarded to the caller.
        let system = unsafe { text_arg(system, len, "system") }?;
        pfhir_core::validate::ValidatorOptions::check_authority(system)
            .map_err(|e| invalid(e.to_string()))?;
        o.options_mut().extra_authorities.push(system.to_string());
        Ok(())
    })
}

/// Sets the size limit in bytes (default 1 MiB); a larger message is refused (ACK AR,
/// `PFHIR-H0101`). 0 is `invalid_argument`.
///
/// # Safety
/// `opts` must be a live options handle.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_set_max_bytes(
    opts: *mut pfhir_hl7_options,
    max_bytes: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let o = unsafe { handle_mut(opts, "opts") }?;
        if max_bytes == 0 {
            return Err(invalid("the size limit must be at least 1 byte"));
        }
        o.options_mut().limits.max_bytes = max_bytes;
        Ok(())
    })
}

/// Frees HL7 options. NULL is a no-op.
///
/// # Safety
/// `opts` must be NULL or an options handle not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_options_free(opts: *mut pfhir_hl7_options) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(opts) })
}

/// Converts one HL7 v2 message (ER7, MLLP framing allowed, `len` bytes in any character set
/// MSH-18 names) with `opts` (NULL: the defaults). Findings are data, not errors: any
/// message gives a result (free it with `pfhir_hl7_result_free`) with the Bundle when a
/// valid one results, the issues with their HL7 locations, and the ACK. Fails only for
/// unusable arguments (NULL, an accepted authority that is not an identifier system).
///
/// A `len` above the size limit gives the `too-long` rejection (ACK AR, `PFHIR-H0101`)
/// after reading only the first limit + 1 bytes.
///
/// # Safety
/// `opts` must be NULL or a live options handle; `message` must point at `len` readable
/// bytes (at least the first limit + 1 of them when `len` is larger); `out` must be valid
/// for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_convert(
    opts: *const pfhir_hl7_options,
    message: *const u8,
    len: usize,
    out: *mut *mut pfhir_hl7_result,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let converter = match unsafe { opts.as_ref() } {
            Some(o) => o.converter()?,
            None => {
                Arc::new(Converter::new(Hl7Options::default()).map_err(|e| invalid(e.to_string()))?)
            }
        };
        // Past the size limit the answer is the same `too-long` rejection whatever follows:
        // read no more than one byte over it.
        let read = len.min(converter.options().limits.max_bytes.saturating_add(1));
        // SAFETY: forwarded to the caller (`read` <= `len`).
        let bytes = unsafe { bytes_arg(message, read, "message") }?;
        let result = convert(converter, bytes);
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(result)) };
        Ok(())
    })
}

/// Converts and keeps what C reads.
fn convert(converter: Arc<Converter>, bytes: &[u8]) -> pfhir_hl7_result {
    let mut conv = converter.convert(bytes);
    let bundle = conv.take_bundle_json();
    // The conversion's large parts (PatientInput, traces) go before the result is made.
    let (header, findings, code, kind) = (
        std::mem::take(&mut conv.header),
        std::mem::take(&mut conv.issues),
        conv.ack_code,
        conv.kind,
    );
    drop(conv);
    let bundle = bundle.map(|json| {
        // Written by the builder from Rust strings, so UTF-8: no copy (the lossy path never
        // runs).
        CText::from_string(
            String::from_utf8(json)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    });
    pfhir_hl7_result {
        bundle,
        kind: match kind {
            None => PFHIR_HL7_KIND_NONE,
            Some(EventKind::Create) => PFHIR_HL7_KIND_CREATE,
            Some(EventKind::Update) => PFHIR_HL7_KIND_UPDATE,
        },
        ack_code: CText::new(code.as_str()),
        ack_code_value: code,
        header,
        findings,
        converter,
        ack: OnceLock::new(),
        outcome_json: OnceLock::new(),
        issues: OnceLock::new(),
    }
}

/// The Bundle as compact JSON, borrowed from the result; `{NULL, 0}` when the message gave
/// no valid Bundle (see the issues).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_bundle(r: *const pfhir_hl7_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe {
        read_field(r, pfhir_str::EMPTY, |r| {
            r.bundle.as_ref().map_or(pfhir_str::EMPTY, CText::lend)
        })
    }
}

/// Create or update (`PFHIR_HL7_KIND_*`); `PFHIR_HL7_KIND_NONE` for NULL and for messages
/// that are not a Patient services event pfhir maps.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_kind(r: *const pfhir_hl7_result) -> pfhir_hl7_kind {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, PFHIR_HL7_KIND_NONE, |r| r.kind) }
}

/// What the ACK says (MSA-1): `AA` (a valid Bundle), `AE` (wrong content) or `AR` (the
/// message cannot be processed). Borrowed; `{NULL, 0}` for NULL.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_ack_code(r: *const pfhir_hl7_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, pfhir_str::EMPTY, |r| r.ack_code.lend()) }
}

/// Copies the ACK to `out` (free it with `pfhir_bytes_free`): segments ended by `\r`, in
/// the message's character set (so not always UTF-8).
///
/// # Safety
/// `r` must be a live result; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_ack(
    r: *const pfhir_hl7_result,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let r = unsafe { handle(r, "result") }?;
        let ack = r.ack.get_or_init(|| {
            ack_of(
                &r.header,
                &r.findings,
                r.ack_code_value,
                r.converter.options(),
            )
        });
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(ack.clone())) };
        Ok(())
    })
}

/// The issues as one STU3 OperationOutcome (compact JSON; the HL7 location in `location`,
/// the FHIRPath in `expression`), borrowed from the result; `{NULL, 0}` for NULL.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_outcome_json(r: *const pfhir_hl7_result) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe {
        read_field(r, pfhir_str::EMPTY, |r| {
            r.outcome_json
                .get_or_init(|| CText::new(&outcome_json(&r.findings)))
                .lend()
        })
    }
}

/// Number of issues (0 for NULL).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_count(r: *const pfhir_hl7_result) -> usize {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, 0, |r| r.issues().len()) }
}

/// Reads a field of issue `i` (`fallback` for NULL or out of range).
///
/// # Safety
/// `r` must be NULL or a live result.
unsafe fn issue_field<V: Copy>(
    r: *const pfhir_hl7_result,
    i: usize,
    fallback: V,
    f: impl FnOnce(&Hl7IssueTexts) -> V,
) -> V {
    // SAFETY: forwarded to the caller.
    unsafe { read_field(r, fallback, |r| r.issues().get(i).map_or(fallback, f)) }
}

/// The severity of issue `i` (`PFHIR_SEVERITY_*`; fatal: the ACK is AR), 0 when out of
/// range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_severity(
    r: *const pfhir_hl7_result,
    i: usize,
) -> pfhir_severity {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, 0, |x| x.severity) }
}

/// The stable message id of issue `i`: `PFHIR-H0304` for pfhir's HL7 findings, `PFHIR-V….`
/// for the Bundle validator's. Borrowed; `{NULL, 0}` when out of range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_message_id(
    r: *const pfhir_hl7_result,
    i: usize,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, pfhir_str::EMPTY, |x| x.message_id.lend()) }
}

/// The HL7 location of issue `i` (`PID-7`, `PID-3(2).4`, `DG1[2]-5`: docs/hl7v2.md,
/// "Locations"). Borrowed; `{NULL, 0}` when the issue has none or is out of range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_location(
    r: *const pfhir_hl7_result,
    i: usize,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, pfhir_str::EMPTY, |x| lend_opt(&x.location)) }
}

/// The FHIRPath of the Bundle element of issue `i` (`Bundle.entry[1].resource.birthDate`).
/// Borrowed; `{NULL, 0}` when there is none or out of range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_expression(
    r: *const pfhir_hl7_result,
    i: usize,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, pfhir_str::EMPTY, |x| lend_opt(&x.expression)) }
}

/// The message of issue `i`: names fields, never values. Borrowed; `{NULL, 0}` when out of
/// range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_message(
    r: *const pfhir_hl7_result,
    i: usize,
) -> pfhir_str {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, pfhir_str::EMPTY, |x| x.message.lend()) }
}

/// The HL7 table 0357 code of issue `i`, as ERR-3 carries it (102: data type error; 0 for
/// warnings and notes, and when out of range).
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_hl7_code(
    r: *const pfhir_hl7_result,
    i: usize,
) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, 0, |x| x.hl7_code) }
}

/// The 1-based line (segment) of issue `i` in the message; 0 when it has no position or is
/// out of range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_line(r: *const pfhir_hl7_result, i: usize) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, 0, |x| x.line) }
}

/// The 1-based column (in characters) of issue `i`; 0 when it has no position or is out of
/// range.
///
/// # Safety
/// `r` must be NULL or a live result.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_issue_column(
    r: *const pfhir_hl7_result,
    i: usize,
) -> u32 {
    // SAFETY: forwarded to the caller.
    unsafe { issue_field(r, i, 0, |x| x.column) }
}

/// Frees a result. NULL is a no-op.
///
/// # Safety
/// `r` must be NULL or a result not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_hl7_result_free(r: *mut pfhir_hl7_result) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(r) })
}
