//! Building partner message Bundles: from PatientInput JSON, or field by field with a
//! builder handle.

use crate::error::{guard, guard_or, pfhir_error};
use crate::types::{
    bytes_arg, free_handle, handle, handle_mut, into_handle, out_arg, pfhir_bytes, text_arg,
    write_out,
};
use pfhir_core::build::{
    build_bundle, build_bundle_from_json, CodeInput, PatientInput, PhoneInput,
};
use pfhir_core::model;

/// Builds the partner message Bundle (MessageHeader + Patient + Condition) from the JSON form
/// of a PatientInput (docs/patient-input.md) and writes its JSON to `out` (free with
/// `pfhir_bytes_free`). Bad input gives an error with code `PFHIR_CODE_INPUT` whose fields
/// (`pfhir_error_field_*`) name each wrong input field; a text that is not a JSON object gives
/// `PFHIR_CODE_JSON`.
///
/// # Safety
/// `patient_input_json` must point at `len` readable bytes; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_build_bundle(
    patient_input_json: *const u8,
    len: usize,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let json = unsafe { bytes_arg(patient_input_json, len, "patient_input_json") }?;
        let bundle = build_bundle_from_json(json).map_err(|e| pfhir_error::from_build(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(model::to_vec(&bundle))) };
        Ok(())
    })
}

/// A PatientInput filled field by field (the main fields; the address and the other ids go
/// through the JSON form and `pfhir_build_bundle`). Not thread-safe.
#[derive(Debug, Default)]
pub struct pfhir_builder {
    input: PatientInput,
}

/// Creates an empty builder. Free with `pfhir_builder_free`.
///
/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_new(out: *mut *mut pfhir_builder) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, into_handle(pfhir_builder::default())) };
        Ok(())
    })
}

/// Sets one text field of the builder from C arguments.
///
/// # Safety
/// `b` must be NULL or a live builder; `v` must point at `len` readable bytes.
unsafe fn set_text(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
    what: &str,
    set: impl FnOnce(&mut PatientInput, String),
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let text = unsafe { text_arg(v, len, what) }?;
        set(&mut b.input, text.to_string());
        Ok(())
    })
}

/// Sets the assigning authority: `cip`, `meteda`, or an identifier system URI.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_authority(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "authority", |i, t| i.authority = t) }
}

/// Sets the patient's id at the assigning authority (Patient.identifier.value).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_patient_id(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "patientId", |i, t| i.patient_id = t) }
}

/// Sets the family name.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_family_name(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "familyName", |i, t| i.family_name = Some(t)) }
}

/// Appends a given name.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_given_name(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "givenNames", |i, t| i.given_names.push(t)) }
}

/// Sets the gender: `male`, `female`, `other`, `unknown` (or `M`, `F`, `O`, `U`).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_gender(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "gender", |i, t| i.gender = Some(t)) }
}

/// Sets the birth date (`YYYY-MM-DD`, `YYYY`, `YYYY-MM` or `YYYYMMDD`).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_birth_date(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "birthDate", |i, t| i.birth_date = Some(t)) }
}

/// Appends a phone number; `use_` (`home`, `work`, `mobile`, `temp`, `old`) may be `(NULL, 0)`.
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_phone(
    b: *mut pfhir_builder,
    value: *const u8,
    value_len: usize,
    use_: *const u8,
    use_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let value = unsafe { text_arg(value, value_len, "phones.value") }?;
        // SAFETY: forwarded to the caller.
        let use_ = unsafe { text_arg(use_, use_len, "phones.use") }?;
        b.input.phones.push(PhoneInput {
            value: value.to_string(),
            use_: (!use_.is_empty()).then(|| use_.to_string()),
        });
        Ok(())
    })
}

/// Sets the e-mail address.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_email(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "email", |i, t| i.email = Some(t)) }
}

/// Sets the diabetes type: `type1`, `type2`, `gestational` or `unspecified`.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_diabetes(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "diabetes", |i, t| i.diabetes = Some(t)) }
}

/// Sets the onset of the condition (a date, or a dateTime with time zone).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_onset(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "onset", |i, t| i.onset = Some(t)) }
}

/// Sets whether the patient record is active (default true).
///
/// # Safety
/// `b` must be a live builder.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_active(
    b: *mut pfhir_builder,
    active: bool,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        b.input.active = Some(active);
        Ok(())
    })
}

/// Sets a coded condition instead of the diabetes shorthand: code system URI, code, and an
/// optional display (`(NULL, 0)` for none).
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_condition(
    b: *mut pfhir_builder,
    system: *const u8,
    system_len: usize,
    code: *const u8,
    code_len: usize,
    display: *const u8,
    display_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let system = unsafe { text_arg(system, system_len, "condition.system") }?;
        // SAFETY: forwarded to the caller.
        let code = unsafe { text_arg(code, code_len, "condition.code") }?;
        // SAFETY: forwarded to the caller.
        let display = unsafe { text_arg(display, display_len, "condition.display") }?;
        b.input.condition = Some(CodeInput {
            system: system.to_string(),
            code: code.to_string(),
            display: (!display.is_empty()).then(|| display.to_string()),
        });
        Ok(())
    })
}

/// Sets Condition.clinicalStatus (`active`, `recurrence`, `inactive`, `remission`,
/// `resolved`; default `active`).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_clinical_status(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "clinicalStatus", |i, t| {
            i.clinical_status = Some(t)
        })
    }
}

/// Sets the sending organization's OID (`2.16.724.4.2`).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_organization_oid(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "organizationOid", |i, t| i.organization_oid = t) }
}

/// Sets the middleware's name and version (MessageHeader.source.software / .version).
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_software(
    b: *mut pfhir_builder,
    name: *const u8,
    name_len: usize,
    version: *const u8,
    version_len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let name = unsafe { text_arg(name, name_len, "softwareName") }?;
        // SAFETY: forwarded to the caller.
        let version = unsafe { text_arg(version, version_len, "softwareVersion") }?;
        b.input.software_name = Some(name.to_string());
        b.input.software_version = Some(version.to_string());
        Ok(())
    })
}

/// Sets the Patient.id to put in the Bundle (for an update: the platform's logical id).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_patient_logical_id(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "ids.patient", |i, t| i.ids.patient = Some(t)) }
}

/// Sets MessageHeader.timestamp (an instant; default: now).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_timestamp(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "timestamp", |i, t| i.timestamp = Some(t)) }
}

/// Builds the Bundle JSON from the builder's fields (see `pfhir_build_bundle`).
///
/// # Safety
/// `b` must be a live builder; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_build(
    b: *const pfhir_builder,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle(b, "builder") }?;
        let bundle = build_bundle(&b.input).map_err(|e| pfhir_error::from_build(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(model::to_vec(&bundle))) };
        Ok(())
    })
}

/// Writes the builder's fields as PatientInput JSON.
///
/// # Safety
/// `b` must be a live builder; `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_to_json(
    b: *const pfhir_builder,
    out: *mut pfhir_bytes,
) -> *mut pfhir_error {
    guard(|| {
        out_arg(out, "out")?;
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle(b, "builder") }?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(b.input.to_json().into_bytes())) };
        Ok(())
    })
}

/// Frees a builder. NULL is a no-op.
///
/// # Safety
/// `b` must be NULL or a builder not freed before.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_free(b: *mut pfhir_builder) {
    // SAFETY: forwarded to the caller.
    guard_or((), || unsafe { free_handle(b) })
}
