//! The builder of partner message Bundles: a [`PatientInput`] goes in, a Bundle of
//! MessageHeader + Patient + Condition comes out, shaped like the guide's examples.
//!
//! Bad input is refused with errors that name the input field (`birthDate`), never with a
//! FHIRPath into the Bundle. What comes out always passes partner validation: the builder
//! validates its own output with the partner validator before returning it.

mod check;
mod codes;
mod condition;
mod header;
mod ids;
mod input;
mod json_out;
mod patient;
mod read;

pub use ids::{instant_from_millis, now_instant, uuid_v4, RandomError};
pub use input::{
    AddressInput, CodeInput, CommunicationInput, ConditionInput, DeceasedInput, EmailInput,
    FieldError, IdentifierInput, IdsInput, OrganizationInput, PatientInput, PhoneInput,
};

use crate::model::{Bundle, ReadMode};
use crate::profile;
use crate::validate::{Validator, ValidatorOptions};
use json_out::JsonOut;

/// Why a Bundle could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// Some input fields are wrong; each error names its field.
    #[error("invalid patient input: {}", join(.0))]
    Input(Vec<FieldError>),
    /// The PatientInput text is not JSON, or not a JSON object.
    #[error("the PatientInput is {0}")]
    Json(String),
    /// No clock and no `timestamp` given (wasm32 without a host time).
    #[error("no timestamp given and no clock available")]
    NoClock,
    /// The system random generator failed.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The built Bundle failed partner validation: a bug in pfhir (the message ids say where).
    #[error("internal error: the built Bundle is not valid ({0})")]
    Internal(String),
}

impl BuildError {
    /// The shared error code: `input`, `json`, or `internal` for the rest.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            BuildError::Input(_) => crate::ErrorCode::Input,
            BuildError::Json(_) => crate::ErrorCode::Json,
            BuildError::NoClock | BuildError::Random(_) | BuildError::Internal(_) => {
                crate::ErrorCode::Internal
            }
        }
    }

    /// The field errors of an `Input` error (empty otherwise).
    pub fn fields(&self) -> &[FieldError] {
        match self {
            BuildError::Input(f) => f,
            _ => &[],
        }
    }
}

/// A read error of the whole document (no field name) is a JSON error; the rest are fields.
/// Reads the JSON form of a [`PatientInput`] (its members, not yet their values: those are
/// checked when the Bundle is built). Errors as [`build_bundle_from_json`]'s.
pub fn read_input_json(json: &[u8]) -> Result<PatientInput, BuildError> {
    PatientInput::from_json(json).map_err(input_error)
}

fn input_error(mut fields: Vec<FieldError>) -> BuildError {
    match fields.as_slice() {
        [only] if only.field.is_empty() => BuildError::Json(fields.remove(0).message),
        _ => BuildError::Input(fields),
    }
}

fn join(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Options of [`build_bundle_with`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Identifier systems accepted as assigning authority besides Meteda and CIP.
    pub extra_authorities: Vec<String>,
    /// The current time as an instant, for a PatientInput without `timestamp`, on platforms
    /// without a clock (wasm32); by default the system clock.
    pub now: Option<String>,
    /// The exact `MessageHeader.source.endpoint` (a URI); by default `urn:oid:` and the
    /// organization OID. The guide shows only a placeholder, so a site may need another form.
    pub source_endpoint: Option<String>,
    /// Leave `Bundle.id` out (the guide's request example has none); by default the builder
    /// gives it `ids.bundle` or a fresh UUID.
    pub omit_bundle_id: bool,
}

/// Builds the partner message Bundle for `input` with the default options.
pub fn build_bundle(input: &PatientInput) -> Result<Bundle, BuildError> {
    build_bundle_with(input, &BuildOptions::default())
}

/// Builds the partner message Bundle from the JSON form of a [`PatientInput`]. Errors list
/// every problem: members that cannot be read (unknown, wrong JSON type) and values that are
/// wrong in the members that could be read.
pub fn build_bundle_from_json(json: &[u8]) -> Result<Bundle, BuildError> {
    build_bundle_from_json_with(json, &BuildOptions::default())
}

/// [`build_bundle_from_json`] with options.
pub fn build_bundle_from_json_with(
    json: &[u8],
    options: &BuildOptions,
) -> Result<Bundle, BuildError> {
    typed(&build_bundle_json_from_json_with(json, options)?)
}

/// [`build_bundle_from_json_with`] giving the Bundle as compact JSON (what is sent; the
/// builder writes JSON, so this is its fastest form).
pub fn build_bundle_json_from_json_with(
    json: &[u8],
    options: &BuildOptions,
) -> Result<Vec<u8>, BuildError> {
    let value = PatientInput::parse_json(json).map_err(input_error)?;
    let (input, mut read_errors) = PatientInput::read_partial(&value).map_err(input_error)?;
    if read_errors.is_empty() {
        return build_bundle_json_with(&input, options);
    }
    // Report the values of the readable members too, but not twice for a member already
    // in error, nor for what contains it (an unreadable member is empty in `input`).
    let within = |inner: &str, outer: &str| {
        inner == outer
            || inner.starts_with(&format!("{outer}."))
            || inner.starts_with(&format!("{outer}["))
    };
    if let Err(BuildError::Input(more)) = check_input(&input, &authorities(options)) {
        let fresh: Vec<FieldError> = more
            .into_iter()
            .filter(|m| {
                !read_errors
                    .iter()
                    .any(|r| within(&m.field, &r.field) || within(&r.field, &m.field))
            })
            .collect();
        read_errors.extend(fresh);
    }
    Err(BuildError::Input(read_errors))
}

/// The accepted authorities: the defaults and the options' extra ones.
fn authorities(options: &BuildOptions) -> Vec<&str> {
    let mut all = profile::DEFAULT_AUTHORITIES.to_vec();
    all.extend(options.extra_authorities.iter().map(String::as_str));
    all
}

fn id_or_new(given: &Option<String>, fresh: &mut ids::FreshIds) -> Result<String, BuildError> {
    match given {
        Some(id) => Ok(id.clone()),
        None => Ok(fresh.uuid_v4()?),
    }
}

/// `"meta": {"profile": [url]}`.
fn write_meta(out: &mut JsonOut, url: &str) {
    out.open(Some("meta"));
    out.strings("profile", [url]);
    out.close();
}

/// Checks every field: the field errors, as a [`BuildError::Input`].
fn check_input(input: &PatientInput, authorities: &[&str]) -> Result<check::Checked, BuildError> {
    check::check_input(input, authorities).map_err(BuildError::Input)
}

/// Builds the partner message Bundle for `input`.
pub fn build_bundle_with(
    input: &PatientInput,
    options: &BuildOptions,
) -> Result<Bundle, BuildError> {
    build_bundle_validated(input, options).map(|(bundle, _)| bundle)
}

/// [`build_bundle_with`] giving the Bundle as compact JSON (what is sent; the builder writes
/// JSON, so this is its fastest form).
pub fn build_bundle_json_with(
    input: &PatientInput,
    options: &BuildOptions,
) -> Result<Vec<u8>, BuildError> {
    build_bundle_checked(input, options).map(|c| c.json)
}

/// Reads the builder's JSON into the typed model (what the typed functions return).
fn typed(json: &[u8]) -> Result<Bundle, BuildError> {
    crate::model::from_slice(json, ReadMode::Tolerant)
        .map_err(|e| BuildError::Internal(format!("the built Bundle does not read back ({e})")))
}

/// [`build_bundle_with`], also returning the partner validation of the Bundle that the
/// builder runs anyway (its warnings and notes; never an error), so that a caller who
/// reports them does not validate twice.
pub fn build_bundle_validated(
    input: &PatientInput,
    options: &BuildOptions,
) -> Result<(Bundle, crate::validate::Outcome), BuildError> {
    let checked = build_bundle_checked(input, options)?;
    Ok((typed(&checked.json)?, checked.outcome))
}

/// A Bundle built and validated: its compact JSON, as the validator checked it.
#[derive(Debug, Clone)]
pub struct CheckedBundle {
    /// The Bundle's compact JSON (what `crate::model::to_vec` gives for the typed Bundle).
    pub json: Vec<u8>,
    /// The partner validation of `json` (warnings and notes; never an error).
    pub outcome: crate::validate::Outcome,
}

/// [`build_bundle_validated`] giving the Bundle as the JSON that the validator read (what a
/// caller sends), not as the typed model: the builder writes JSON, so this is its fastest
/// form ([`CheckedBundle::bundle`] reads it into the model).
pub fn build_bundle_checked(
    input: &PatientInput,
    options: &BuildOptions,
) -> Result<CheckedBundle, BuildError> {
    let checked = check_input(input, &authorities(options))?;
    if let Some(endpoint) = &options.source_endpoint {
        if crate::validate::check_string_format(crate::spec::Primitive::Uri, endpoint).is_err()
            || endpoint.is_empty()
        {
            return Err(BuildError::Input(vec![FieldError {
                field: "sourceEndpoint".to_string(),
                message: "must be a URI without spaces (e.g. urn:oid:2.16.724.4.2)".to_string(),
            }]));
        }
    }
    let timestamp = match (&input.timestamp, &options.now) {
        (Some(t), _) | (None, Some(t)) => t.clone(),
        (None, None) => now_instant().ok_or(BuildError::NoClock)?,
    };
    let mut fresh = ids::FreshIds::new();
    let patient_id = id_or_new(&input.ids.patient, &mut fresh)?;
    let header_id = id_or_new(&input.ids.message_header, &mut fresh)?;
    let views = condition::views(input);
    let mut condition_ids = Vec::with_capacity(views.len());
    for id in checked.condition_ids.iter().take(views.len()) {
        condition_ids.push(id_or_new(id, &mut fresh)?);
    }
    let bundle_id = match options.omit_bundle_id {
        true => None,
        false => Some(id_or_new(&input.ids.bundle, &mut fresh)?),
    };

    let mut out = JsonOut::new();
    out.open(None);
    out.string("resourceType", "Bundle");
    out.opt_string("id", bundle_id.as_deref());
    out.string("type", "message");
    out.open_array("entry");
    out.open(None);
    header::write(&mut out, input, options, &checked, &header_id, &timestamp);
    out.close();
    out.open(None);
    patient::write(&mut out, input, &checked, &patient_id);
    out.close();
    for (view, id) in views.iter().zip(&condition_ids) {
        out.open(None);
        condition::write(&mut out, view, id, &patient_id);
        out.close();
    }
    out.close_array();
    out.close();
    let json = out.into_bytes();
    let outcome = check_output(&json, &options.extra_authorities)?;
    Ok(CheckedBundle { json, outcome })
}

impl CheckedBundle {
    /// The Bundle in the typed model (read from [`CheckedBundle::json`]).
    pub fn bundle(&self) -> Result<Bundle, BuildError> {
        typed(&self.json)
    }
}

/// The builder's promise: its output passes partner validation.
fn check_output(
    json: &[u8],
    extra_authorities: &[String],
) -> Result<crate::validate::Outcome, BuildError> {
    let outcome = if extra_authorities.is_empty() {
        // The usual case: one partner validator with the default options, made once.
        static PARTNER: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
        PARTNER.get_or_init(Validator::partner).validate(json)
    } else {
        let mut opts = ValidatorOptions::partner();
        for a in extra_authorities {
            opts.add_authority(a)
                .map_err(|e| BuildError::Internal(e.to_string()))?;
        }
        let validator = Validator::new(opts).map_err(|e| BuildError::Internal(e.to_string()))?;
        validator.validate(json)
    };
    if outcome.has_errors() {
        let ids: Vec<String> = outcome
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .map(|i| format!("{} at {}", i.message_id, i.expression))
            .collect();
        return Err(BuildError::Internal(ids.join(", ")));
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests;
