//! Building partner message Bundles: from PatientInput JSON, or field by field with a
//! builder handle.

use crate::error::{guard, guard_or, pfhir_error, ErrorBox};
use crate::types::{
    bytes_arg, free_handle, handle, handle_mut, new_default_handle, out_arg, pfhir_bytes, text_arg,
    write_out,
};
use pfhir_core::build::{
    build_bundle_json_from_json_with, build_bundle_json_with, read_input_json, AddressInput,
    BuildOptions, CodeInput, CommunicationInput, ConditionInput, DeceasedInput, EmailInput,
    IdentifierInput, OrganizationInput, PatientInput, PhoneInput,
};
use pfhir_core::ErrorCode;

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
        let bundle = build_bundle_json_from_json_with(json, &BuildOptions::default())
            .map_err(|e| pfhir_error::from_build(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(bundle)) };
        Ok(())
    })
}

/// A PatientInput (docs/patient-input.md) filled field by field: a `pfhir_builder_set_*`
/// function per single-valued member, a `pfhir_builder_add_*` function per list item. Texts
/// are checked for UTF-8 when set and for their values when the Bundle is built. Not
/// thread-safe.
#[derive(Debug, Default)]
pub struct pfhir_builder {
    input: PatientInput,
    options: BuildOptions,
}

/// Creates an empty builder. Free with `pfhir_builder_free`.
///
/// # Safety
/// `out` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_new(out: *mut *mut pfhir_builder) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { new_default_handle(out) }
}

/// Reads the texts `args` (each `(ptr, len, name)`, `name` naming it in errors), all of
/// them before anything changes, then hands them to `set`.
///
/// # Safety
/// `b` must be NULL or a live builder; each `ptr` must point at its `len` readable bytes.
unsafe fn set_texts<const N: usize>(
    b: *mut pfhir_builder,
    args: [(*const u8, usize, &str); N],
    set: impl FnOnce(&mut PatientInput, [&str; N]) -> Result<(), ErrorBox>,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        let mut texts = [""; N];
        for (text, (ptr, len, what)) in texts.iter_mut().zip(args) {
            // SAFETY: forwarded to the caller.
            *text = unsafe { text_arg(ptr, len, what) }?;
        }
        set(&mut b.input, texts)
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
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, [(v, len, what)], |input, [text]| {
            set(input, text.to_string());
            Ok(())
        })
    }
}

/// An optional text: the empty text (`(NULL, 0)`) is none.
fn opt(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

/// The error of an `add_*` call that needs an earlier call.
fn needs_earlier(function: &str) -> ErrorBox {
    pfhir_error::new(
        ErrorCode::InvalidArgument,
        format!("no item to add to: call {function} first"),
    )
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

/// Appends a patient identifier (HL7 v2 PID-3): `system` (`cip`, `meteda` or an absolute URI)
/// and `value` are required; `use_` (`usual`, `official`, `temp`, `secondary`), `type_` (an
/// HL7 v2 table 0203 code: `MR`, `JHN`, `NI`...) and `assigner` (the issuing organization's
/// name) may be `(NULL, 0)`. One identifier of the Patient must have an accepted authority:
/// this one, another, or the one of `pfhir_builder_set_authority` + `_set_patient_id`.
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_identifier(
    b: *mut pfhir_builder,
    system: *const u8,
    system_len: usize,
    value: *const u8,
    value_len: usize,
    use_: *const u8,
    use_len: usize,
    type_: *const u8,
    type_len: usize,
    assigner: *const u8,
    assigner_len: usize,
) -> *mut pfhir_error {
    let args = [
        (system, system_len, "identifiers.system"),
        (value, value_len, "identifiers.value"),
        (use_, use_len, "identifiers.use"),
        (type_, type_len, "identifiers.type"),
        (assigner, assigner_len, "identifiers.assigner"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [system, value, use_, type_, assigner]| {
            i.identifiers.push(IdentifierInput {
                system: system.to_string(),
                value: value.to_string(),
                use_: opt(use_),
                type_: opt(type_),
                assigner: opt(assigner),
            });
            Ok(())
        })
    }
}

/// Sets the father's family name (the first Spanish surname): the
/// humanname-fathers-family extension of Patient.name.family, and the first part of the
/// family text when no family name is set.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_fathers_family(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "fathersFamily", |i, t| {
            i.fathers_family = Some(t)
        })
    }
}

/// Sets the mother's family name (the second Spanish surname): the
/// humanname-mothers-family extension of Patient.name.family, and the second part of the
/// family text when no family name is set.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_mothers_family(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "mothersFamily", |i, t| {
            i.mothers_family = Some(t)
        })
    }
}

/// Sets whether the patient has died (Patient.deceasedBoolean; HL7 v2 PID-30). Replaces a
/// date-time set before.
///
/// # Safety
/// `b` must be a live builder.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_deceased(
    b: *mut pfhir_builder,
    deceased: bool,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        b.input.deceased = Some(DeceasedInput::Flag(deceased));
        Ok(())
    })
}

/// Sets when the patient died (Patient.deceasedDateTime; HL7 v2 PID-29): a date, a dateTime
/// with time zone, or `YYYYMMDD[HHMM[SS]]±ZZZZ`. Replaces a flag set before.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_deceased_date_time(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "deceased", |i, t| {
            i.deceased = Some(DeceasedInput::DateTime(t))
        })
    }
}

/// Sets the marital status: an HL7 v3 MaritalStatus code (`A`, `D`, `I`, `L`, `M`, `P`, `S`,
/// `T`, `U`, `W`) or `UNK`.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_marital_status(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "maritalStatus", |i, t| {
            i.marital_status = Some(t)
        })
    }
}

/// Sets the patient's preferred language, a BCP 47 tag (`es`, `ca`, `en-GB`): the first
/// Patient.communication, preferred.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_language(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "language", |i, t| i.language = Some(t)) }
}

/// Appends a language the patient communicates in (a BCP 47 tag) and whether it is a
/// preferred one (Patient.communication.preferred).
///
/// # Safety
/// `b` must be a live builder; `language` must point at `language_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_communication(
    b: *mut pfhir_builder,
    language: *const u8,
    language_len: usize,
    preferred: bool,
) -> *mut pfhir_error {
    let args = [(language, language_len, "communication.language")];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [language]| {
            i.communication.push(CommunicationInput {
                language: language.to_string(),
                preferred: Some(preferred),
            });
            Ok(())
        })
    }
}

/// Appends an e-mail address; `use_` (`home`, `work`, `temp`, `old`) may be `(NULL, 0)`.
/// (`pfhir_builder_set_email` sets the first one.)
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_email(
    b: *mut pfhir_builder,
    value: *const u8,
    value_len: usize,
    use_: *const u8,
    use_len: usize,
) -> *mut pfhir_error {
    let args = [
        (value, value_len, "emails.value"),
        (use_, use_len, "emails.use"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [value, use_]| {
            i.emails.push(EmailInput {
                value: value.to_string(),
                use_: opt(use_),
            });
            Ok(())
        })
    }
}

/// Appends a postal address (HL7 v2 PID-11); every text may be `(NULL, 0)`: `use_` (`home`,
/// `work`, `temp`, `old`), `type_` (`postal`, `physical`, `both`), city, district, state,
/// postal code, country. Add its street lines with `pfhir_builder_add_address_line`. An
/// address needs a line or one of the place texts.
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_address(
    b: *mut pfhir_builder,
    use_: *const u8,
    use_len: usize,
    type_: *const u8,
    type_len: usize,
    city: *const u8,
    city_len: usize,
    district: *const u8,
    district_len: usize,
    state: *const u8,
    state_len: usize,
    postal_code: *const u8,
    postal_code_len: usize,
    country: *const u8,
    country_len: usize,
) -> *mut pfhir_error {
    let args = [
        (use_, use_len, "addresses.use"),
        (type_, type_len, "addresses.type"),
        (city, city_len, "addresses.city"),
        (district, district_len, "addresses.district"),
        (state, state_len, "addresses.state"),
        (postal_code, postal_code_len, "addresses.postalCode"),
        (country, country_len, "addresses.country"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(
            b,
            args,
            |i, [use_, type_, city, district, state, postal_code, country]| {
                i.addresses.push(AddressInput {
                    lines: Vec::new(),
                    city: opt(city),
                    district: opt(district),
                    state: opt(state),
                    postal_code: opt(postal_code),
                    country: opt(country),
                    use_: opt(use_),
                    type_: opt(type_),
                });
                Ok(())
            },
        )
    }
}

/// Appends a street line to the address added last. Without one, the error has code
/// `PFHIR_CODE_INVALID_ARGUMENT` and nothing changes.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_address_line(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, [(v, len, "addresses.lines")], |i, [line]| {
            let address = i
                .addresses
                .last_mut()
                .ok_or_else(|| needs_earlier("pfhir_builder_add_address"))?;
            address.lines.push(line.to_string());
            Ok(())
        })
    }
}

/// Sets the organization that keeps the patient record (Patient.managingOrganization); every
/// text may be `(NULL, 0)`, but not all of them: `reference` (`Organization/<id>`), `system`
/// and `value` (its identifier, given together; `urn:ietf:rfc:3986` + `urn:oid:…` for an
/// OID), `display` (its name).
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_managing_organization(
    b: *mut pfhir_builder,
    reference: *const u8,
    reference_len: usize,
    system: *const u8,
    system_len: usize,
    value: *const u8,
    value_len: usize,
    display: *const u8,
    display_len: usize,
) -> *mut pfhir_error {
    let args = [
        (reference, reference_len, "managingOrganization.reference"),
        (system, system_len, "managingOrganization.system"),
        (value, value_len, "managingOrganization.value"),
        (display, display_len, "managingOrganization.display"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [reference, system, value, display]| {
            i.managing_organization = Some(OrganizationInput {
                reference: opt(reference),
                system: opt(system),
                value: opt(value),
                display: opt(display),
            });
            Ok(())
        })
    }
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

/// Sets Condition.verificationStatus of the condition of `pfhir_builder_set_diabetes` /
/// `_set_condition` (`provisional`, `differential`, `confirmed`, `refuted`,
/// `entered-in-error`, `unknown`).
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_verification_status(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe {
        set_text(b, v, len, "verificationStatus", |i, t| {
            i.verification_status = Some(t)
        })
    }
}

/// Appends a Condition (one diagnosis, HL7 v2 DG1) after the one of
/// `pfhir_builder_set_diabetes` / `_set_condition`; every text may be `(NULL, 0)`:
/// `diabetes` (`type1`, `type2`, `gestational`, `unspecified`: SNOMED CT and ICD-10
/// codings), `onset` (a date or a dateTime with time zone), `clinical_status` (default
/// `active`), `verification_status`. Add further codings with
/// `pfhir_builder_add_condition_coding`; a Condition needs `diabetes` or a coding.
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_condition(
    b: *mut pfhir_builder,
    diabetes: *const u8,
    diabetes_len: usize,
    onset: *const u8,
    onset_len: usize,
    clinical_status: *const u8,
    clinical_status_len: usize,
    verification_status: *const u8,
    verification_status_len: usize,
) -> *mut pfhir_error {
    let args = [
        (diabetes, diabetes_len, "conditions.diabetes"),
        (onset, onset_len, "conditions.onset"),
        (
            clinical_status,
            clinical_status_len,
            "conditions.clinicalStatus",
        ),
        (
            verification_status,
            verification_status_len,
            "conditions.verificationStatus",
        ),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(
            b,
            args,
            |i, [diabetes, onset, clinical_status, verification_status]| {
                i.conditions.push(ConditionInput {
                    diabetes: opt(diabetes),
                    codings: Vec::new(),
                    onset: opt(onset),
                    clinical_status: opt(clinical_status),
                    verification_status: opt(verification_status),
                });
                Ok(())
            },
        )
    }
}

/// Appends a coding (code system URI, code, optional display) to the Condition added last
/// with `pfhir_builder_add_condition`. Without one, the error has code
/// `PFHIR_CODE_INVALID_ARGUMENT` and nothing changes.
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_condition_coding(
    b: *mut pfhir_builder,
    system: *const u8,
    system_len: usize,
    code: *const u8,
    code_len: usize,
    display: *const u8,
    display_len: usize,
) -> *mut pfhir_error {
    let args = [
        (system, system_len, "conditions.codings.system"),
        (code, code_len, "conditions.codings.code"),
        (display, display_len, "conditions.codings.display"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [system, code, display]| {
            let condition = i
                .conditions
                .last_mut()
                .ok_or_else(|| needs_earlier("pfhir_builder_add_condition"))?;
            condition.codings.push(CodeInput {
                system: system.to_string(),
                code: code.to_string(),
                display: opt(display),
            });
            Ok(())
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

/// Sets the ids of the Bundle, the MessageHeader and the Patient; `(NULL, 0)` for one of
/// them: a fresh UUID (this also undoes `pfhir_builder_set_patient_logical_id`).
///
/// # Safety
/// `b` must be a live builder; the texts must point at their lengths of bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_ids(
    b: *mut pfhir_builder,
    bundle: *const u8,
    bundle_len: usize,
    message_header: *const u8,
    message_header_len: usize,
    patient: *const u8,
    patient_len: usize,
) -> *mut pfhir_error {
    let args = [
        (bundle, bundle_len, "ids.bundle"),
        (message_header, message_header_len, "ids.messageHeader"),
        (patient, patient_len, "ids.patient"),
    ];
    // SAFETY: forwarded to the caller.
    unsafe {
        set_texts(b, args, |i, [bundle, message_header, patient]| {
            i.ids.bundle = opt(bundle);
            i.ids.message_header = opt(message_header);
            i.ids.patient = opt(patient);
            Ok(())
        })
    }
}

/// Appends the id of the next Condition, in Bundle order (the one of
/// `pfhir_builder_set_diabetes` / `_set_condition` first). Conditions without an id of
/// their own get `<first id>-<position>`, or fresh UUIDs when no id was added.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_condition_id(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    // SAFETY: forwarded to the caller.
    unsafe { set_text(b, v, len, "ids.conditions", |i, t| i.ids.conditions.push(t)) }
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

/// Replaces the builder's fields with a whole PatientInput in its JSON form
/// (docs/patient-input.md), for callers that hold the JSON and want the builder's options
/// (`pfhir_builder_add_accepted_authority`, `_set_source_endpoint`, `_set_omit_bundle_id`).
/// Unreadable members give `PFHIR_CODE_INPUT` with the fields named, a text that is not a
/// JSON object `PFHIR_CODE_JSON`; the builder is unchanged then. Values are checked when the
/// Bundle is built.
///
/// # Safety
/// `b` must be a live builder; `json` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_input_json(
    b: *mut pfhir_builder,
    json: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let json = unsafe { bytes_arg(json, len, "json") }?;
        b.input = read_input_json(json).map_err(|e| pfhir_error::from_build(&e))?;
        Ok(())
    })
}

/// Accepts one more identifier system as the Patient's assigning authority (besides Meteda
/// and CIP) when the Bundle is built and checked.
///
/// # Safety
/// `b` must be a live builder; `system` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_add_accepted_authority(
    b: *mut pfhir_builder,
    system: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let system = unsafe { text_arg(system, len, "system") }?;
        pfhir_core::validate::ValidatorOptions::check_authority(system)
            .map_err(|e| pfhir_error::new(ErrorCode::InvalidArgument, e.to_string()))?;
        if !b.options.extra_authorities.iter().any(|a| a == system) {
            b.options.extra_authorities.push(system.to_string());
        }
        Ok(())
    })
}

/// Sets the exact `MessageHeader.source.endpoint` (a URI; checked when the Bundle is built,
/// as field `sourceEndpoint`). By default it is `urn:oid:` and the organization OID.
///
/// # Safety
/// `b` must be a live builder; `v` must point at `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_source_endpoint(
    b: *mut pfhir_builder,
    v: *const u8,
    len: usize,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        // SAFETY: forwarded to the caller.
        let v = unsafe { text_arg(v, len, "endpoint") }?;
        b.options.source_endpoint = Some(v.to_string());
        Ok(())
    })
}

/// Leaves `Bundle.id` out (true; the guide's request example has none) or gives it
/// `ids.bundle` or a fresh UUID (false, the default).
///
/// # Safety
/// `b` must be a live builder.
#[no_mangle]
pub unsafe extern "C" fn pfhir_builder_set_omit_bundle_id(
    b: *mut pfhir_builder,
    omit: bool,
) -> *mut pfhir_error {
    guard(|| {
        // SAFETY: forwarded to the caller.
        let b = unsafe { handle_mut(b, "builder") }?;
        b.options.omit_bundle_id = omit;
        Ok(())
    })
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
        let bundle = build_bundle_json_with(&b.input, &b.options)
            .map_err(|e| pfhir_error::from_build(&e))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { write_out(out, pfhir_bytes::from_vec(bundle)) };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{pfhir_error_code, pfhir_error_free};
    use pfhir_core::build::DeceasedInput;
    use std::ptr;

    /// The code of `err` (then freed).
    fn code(err: *mut pfhir_error) -> crate::pfhir_code {
        // SAFETY: `err` is NULL or an error from pfhir, freed once here.
        unsafe {
            let c = pfhir_error_code(err);
            pfhir_error_free(err);
            c
        }
    }

    #[test]
    fn refused_calls_change_nothing_and_items_go_to_the_last_one() {
        let mut b = pfhir_builder::default();
        let bad = b"ab\x80";
        // SAFETY: every pointer is valid for its length (or NULL with length 0).
        unsafe {
            let err = pfhir_builder_add_identifier(
                &mut b,
                b"cip".as_ptr(),
                3,
                b"1".as_ptr(),
                1,
                ptr::null(),
                0,
                ptr::null(),
                0,
                bad.as_ptr(),
                bad.len(),
            );
            assert_eq!(code(err), crate::pfhir_code::PFHIR_CODE_INVALID_UTF8);
            assert!(b.input.identifiers.is_empty(), "no half-read identifier");
            let err = pfhir_builder_add_condition_coding(
                &mut b,
                b"urn:x".as_ptr(),
                5,
                b"1".as_ptr(),
                1,
                ptr::null(),
                0,
            );
            assert_eq!(code(err), crate::pfhir_code::PFHIR_CODE_INVALID_ARGUMENT);
            for d in [&b"type1"[..], b"type2"] {
                let err = pfhir_builder_add_condition(
                    &mut b,
                    d.as_ptr(),
                    d.len(),
                    ptr::null(),
                    0,
                    ptr::null(),
                    0,
                    ptr::null(),
                    0,
                );
                assert!(err.is_null());
            }
            let err = pfhir_builder_add_condition_coding(
                &mut b,
                b"urn:x".as_ptr(),
                5,
                b"1".as_ptr(),
                1,
                ptr::null(),
                0,
            );
            assert!(err.is_null());
            assert!(pfhir_builder_set_deceased(&mut b, false).is_null());
        }
        assert!(b.input.conditions[0].codings.is_empty());
        assert_eq!(b.input.conditions[1].codings.len(), 1);
        assert_eq!(b.input.conditions[1].codings[0].display, None);
        assert_eq!(b.input.deceased, Some(DeceasedInput::Flag(false)));
    }
}
