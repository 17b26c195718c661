//! The builder of partner message Bundles: a [`PatientInput`] goes in, a Bundle of
//! MessageHeader + Patient + Condition comes out, shaped like the guide's examples.
//!
//! Bad input is refused with errors that name the input field (`birthDate`), never with a
//! FHIRPath into the Bundle. What comes out always passes partner validation: the builder
//! validates its own output with the partner validator before returning it.

mod ids;
mod input;

pub use ids::{instant_from_millis, now_instant, uuid_v4, RandomError};
pub use input::{AddressInput, CodeInput, FieldError, IdsInput, PatientInput, PhoneInput};

use crate::model::{
    Address, Bundle, BundleEntry, CodeableConcept, Coding, Condition, ConditionOnset, ContactPoint,
    HumanName, Identifier, MessageHeader, MessageHeaderSource, Meta, Patient, Reference, Resource,
};
use crate::profile::{self, CIP_SYSTEM, METEDA_SYSTEM};
use crate::spec::Primitive;
use crate::validate::{check_string_format, Validator, ValidatorOptions};

/// Why a Bundle could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
}

/// SNOMED CT codes of the `diabetes` shorthand.
const DIABETES_CODES: &[(&str, &str, &str)] = &[
    ("type1", "46635009", "Diabetes mellitus type 1"),
    ("type2", "44054006", "Diabetes mellitus type 2"),
    ("gestational", "11687002", "Gestational diabetes mellitus"),
    ("unspecified", "73211009", "Diabetes mellitus"),
];

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
    let value = PatientInput::parse_json(json).map_err(input_error)?;
    let (input, mut read_errors) = PatientInput::read_partial(&value).map_err(input_error)?;
    if read_errors.is_empty() {
        return build_bundle_with(&input, options);
    }
    // Report the values of the readable members too, but not twice for a member already
    // in error (an unreadable member is empty in `input`).
    if let Err(BuildError::Input(more)) = check_input(&input, &authorities(options)) {
        let fresh: Vec<FieldError> = more
            .into_iter()
            .filter(|m| {
                !read_errors.iter().any(|r| {
                    m.field == r.field
                        || m.field.starts_with(&format!("{}.", r.field))
                        || m.field.starts_with(&format!("{}[", r.field))
                })
            })
            .collect();
        read_errors.extend(fresh);
    }
    Err(BuildError::Input(read_errors))
}

/// The accepted authorities: the defaults and the options' extra ones.
fn authorities(options: &BuildOptions) -> Vec<String> {
    let mut all: Vec<String> = profile::DEFAULT_AUTHORITIES
        .iter()
        .map(|s| s.to_string())
        .collect();
    all.extend(options.extra_authorities.iter().cloned());
    all
}

struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// A non-empty string without surrounding whitespace or control characters.
    fn text(&mut self, field: &str, s: &str) {
        if s.trim().is_empty() {
            self.error(field, "must not be empty");
        } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.error(field, "must not contain control characters");
        }
    }

    fn format(&mut self, field: &str, p: Primitive, s: &str, what: &str) {
        if check_string_format(p, s).is_err() {
            self.error(field, what);
        }
    }

    fn one_of(&mut self, field: &str, s: &str, allowed: &[&str]) {
        if !allowed.contains(&s) {
            self.error(field, format!("must be one of: {}", allowed.join(", ")));
        }
    }
}

/// `male`/`female`/`other`/`unknown`, or the HL7 v2 letters.
fn normalize_gender(g: &str) -> Option<&'static str> {
    match g.to_ascii_lowercase().as_str() {
        "male" | "m" => Some("male"),
        "female" | "f" => Some("female"),
        "other" | "o" => Some("other"),
        "unknown" | "u" => Some("unknown"),
        _ => None,
    }
}

/// `YYYYMMDD` (HL7 v2) becomes `YYYY-MM-DD`; other text is kept.
fn normalize_date(d: &str) -> String {
    if d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}-{}", &d[..4], &d[4..6], &d[6..])
    } else {
        d.to_string()
    }
}

/// The identifier system of an authority alias or URI.
fn authority_system(a: &str) -> &str {
    match a.to_ascii_lowercase().as_str() {
        "cip" => CIP_SYSTEM,
        "meteda" => METEDA_SYSTEM,
        _ => a,
    }
}

fn id_or_new(given: &Option<String>) -> Result<String, BuildError> {
    match given {
        Some(id) => Ok(id.clone()),
        None => Ok(uuid_v4()?),
    }
}

fn some_if(s: &Option<String>) -> Option<String> {
    s.as_ref().filter(|v| !v.is_empty()).cloned()
}

fn profile_meta(url: &str) -> Option<Meta> {
    Some(Meta {
        profile: vec![Some(url.to_string())],
        ..Default::default()
    })
}

/// Checks every field; returns the normalized gender, birth date and organization OID.
fn check_input(
    input: &PatientInput,
    authorities: &[String],
) -> Result<(Option<&'static str>, Option<String>, String), BuildError> {
    let mut c = Checker { errors: Vec::new() };
    let system = authority_system(&input.authority);
    if input.authority.trim().is_empty() {
        c.error(
            "authority",
            "is required (cip, meteda, or an identifier system URI)",
        );
    } else if !authorities.iter().any(|a| a == system) {
        c.error(
            "authority",
            format!(
                "is not an accepted assigning authority (cip, meteda, or one of: {})",
                authorities.join(", ")
            ),
        );
    }
    c.text("patientId", &input.patient_id);
    if let Some(f) = &input.family_name {
        c.text("familyName", f);
    }
    for (i, g) in input.given_names.iter().enumerate() {
        c.text(&format!("givenNames[{i}]"), g);
    }
    let gender = input.gender.as_deref().and_then(|g| {
        let n = normalize_gender(g);
        if n.is_none() {
            c.error(
                "gender",
                "must be male, female, other or unknown (or M, F, O, U)",
            );
        }
        n
    });
    let birth_date = input.birth_date.as_deref().map(normalize_date);
    if let Some(d) = &birth_date {
        c.format(
            "birthDate",
            Primitive::Date,
            d,
            "must be a date: YYYY-MM-DD (or YYYY, YYYY-MM, YYYYMMDD)",
        );
    }
    for (i, p) in input.phones.iter().enumerate() {
        c.text(&format!("phones[{i}].value"), &p.value);
        if let Some(u) = &p.use_ {
            c.one_of(
                &format!("phones[{i}].use"),
                u,
                &["home", "work", "temp", "old", "mobile"],
            );
        }
    }
    if let Some(e) = &input.email {
        let parts: Vec<&str> = e.split('@').collect();
        if parts.len() != 2
            || parts.iter().any(|p| p.is_empty())
            || e.chars().any(char::is_whitespace)
        {
            c.error("email", "must be an e-mail address (name@domain)");
        }
    }
    if let Some(a) = &input.address {
        for (i, l) in a.lines.iter().enumerate() {
            c.text(&format!("address.lines[{i}]"), l);
        }
        for (name, v) in [
            ("city", &a.city),
            ("district", &a.district),
            ("state", &a.state),
            ("postalCode", &a.postal_code),
            ("country", &a.country),
        ] {
            if let Some(v) = v {
                c.text(&format!("address.{name}"), v);
            }
        }
        if let Some(u) = &a.use_ {
            c.one_of("address.use", u, &["home", "work", "temp", "old"]);
        }
    }
    if input.diabetes.is_some() && input.condition.is_some() {
        c.error("condition", "give either diabetes or condition, not both");
    }
    if let Some(d) = &input.diabetes {
        if !DIABETES_CODES.iter().any(|(k, _, _)| k == d) {
            c.error(
                "diabetes",
                "must be type1, type2, gestational or unspecified",
            );
        }
    }
    if let Some(code) = &input.condition {
        c.format(
            "condition.system",
            Primitive::Uri,
            &code.system,
            "must be a code system URI",
        );
        c.format(
            "condition.code",
            Primitive::Code,
            &code.code,
            "must be a code (no leading, trailing or doubled spaces)",
        );
        if let Some(d) = &code.display {
            c.text("condition.display", d);
        }
    }
    let has_condition = input.diabetes.is_some() || input.condition.is_some();
    if let Some(o) = &input.onset {
        c.format(
            "onset",
            Primitive::DateTime,
            &normalize_date(o),
            "must be a date (YYYY-MM-DD) or a dateTime with time zone",
        );
        if !has_condition {
            c.error("onset", "needs diabetes or condition");
        }
    }
    if let Some(s) = &input.clinical_status {
        c.one_of(
            "clinicalStatus",
            s,
            &["active", "recurrence", "inactive", "remission", "resolved"],
        );
        if !has_condition {
            c.error("clinicalStatus", "needs diabetes or condition");
        }
    }
    let oid = input
        .organization_oid
        .strip_prefix("urn:oid:")
        .unwrap_or(&input.organization_oid);
    if !crate::validate::primitives::is_bare_oid(oid) {
        c.error("organizationOid", "must be an OID such as 2.16.724.4.2");
    }
    for (name, v) in [
        ("softwareName", &input.software_name),
        ("softwareVersion", &input.software_version),
    ] {
        if let Some(v) = v {
            c.text(name, v);
        }
    }
    for (name, v) in [
        ("ids.bundle", &input.ids.bundle),
        ("ids.messageHeader", &input.ids.message_header),
        ("ids.patient", &input.ids.patient),
        ("ids.condition", &input.ids.condition),
    ] {
        if let Some(v) = v {
            c.format(
                name,
                Primitive::Id,
                v,
                "must be an id: 1 to 64 letters, digits, '-' or '.'",
            );
        }
    }
    if let Some(t) = &input.timestamp {
        c.format(
            "timestamp",
            Primitive::Instant,
            t,
            "must be an instant: YYYY-MM-DDThh:mm:ss[.fff] with time zone",
        );
    }
    if c.errors.is_empty() {
        Ok((gender, birth_date, oid.to_string()))
    } else {
        Err(BuildError::Input(c.errors))
    }
}

/// Builds the partner message Bundle for `input`.
pub fn build_bundle_with(
    input: &PatientInput,
    options: &BuildOptions,
) -> Result<Bundle, BuildError> {
    let mut authorities: Vec<String> = profile::DEFAULT_AUTHORITIES
        .iter()
        .map(|s| s.to_string())
        .collect();
    authorities.extend(options.extra_authorities.iter().cloned());
    let (gender, birth_date, oid) = check_input(input, &authorities)?;
    let timestamp = match (&input.timestamp, &options.now) {
        (Some(t), _) | (None, Some(t)) => t.clone(),
        (None, None) => now_instant().ok_or(BuildError::NoClock)?,
    };
    let patient_id = id_or_new(&input.ids.patient)?;

    let header = MessageHeader {
        id: Some(id_or_new(&input.ids.message_header)?),
        meta: profile_meta(profile::MESSAGE_HEADER_PROFILE),
        event: Some(Coding {
            system: Some(profile::EVENT_SYSTEM.to_string()),
            code: Some(profile::EVENT_CODE.to_string()),
            display: Some(profile::EVENT_DISPLAY.to_string()),
            ..Default::default()
        }),
        timestamp: Some(timestamp),
        source: Some(MessageHeaderSource {
            software: Some(some_if(&input.software_name).unwrap_or_else(|| "pfhir".to_string())),
            version: Some(
                some_if(&input.software_version)
                    .unwrap_or_else(|| env!("CARGO_PKG_VERSION").to_string()),
            ),
            endpoint: Some(format!("urn:oid:{oid}")),
            ..Default::default()
        }),
        ..Default::default()
    };

    let mut telecom: Vec<ContactPoint> = input
        .phones
        .iter()
        .map(|p| ContactPoint {
            system: Some("phone".to_string()),
            value: Some(p.value.clone()),
            use_: p.use_.clone(),
            ..Default::default()
        })
        .collect();
    if let Some(email) = &input.email {
        telecom.push(ContactPoint {
            system: Some("email".to_string()),
            value: Some(email.clone()),
            ..Default::default()
        });
    }
    let name = (input.family_name.is_some() || !input.given_names.is_empty()).then(|| HumanName {
        family: input.family_name.clone(),
        given: input.given_names.iter().cloned().map(Some).collect(),
        ..Default::default()
    });
    let patient = Patient {
        id: Some(patient_id.clone()),
        meta: profile_meta(profile::PATIENT_PROFILE),
        identifier: vec![Identifier {
            system: Some(authority_system(&input.authority).to_string()),
            value: Some(input.patient_id.clone()),
            ..Default::default()
        }],
        active: Some(input.active.unwrap_or(true)),
        name: name.into_iter().collect(),
        telecom,
        gender: gender.map(str::to_string),
        birth_date,
        address: input
            .address
            .iter()
            .map(|a| Address {
                use_: a.use_.clone(),
                line: a.lines.iter().cloned().map(Some).collect(),
                city: a.city.clone(),
                district: a.district.clone(),
                state: a.state.clone(),
                postal_code: a.postal_code.clone(),
                country: a.country.clone(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };

    let code = if let Some(d) = &input.diabetes {
        DIABETES_CODES
            .iter()
            .find(|(k, _, _)| k == d)
            .map(|(_, code, display)| Coding {
                system: Some(profile::SNOMED_SYSTEM.to_string()),
                code: Some(code.to_string()),
                display: Some(display.to_string()),
                ..Default::default()
            })
    } else {
        input.condition.as_ref().map(|c| Coding {
            system: Some(c.system.clone()),
            code: Some(c.code.clone()),
            display: c.display.clone(),
            ..Default::default()
        })
    };
    let condition = match code {
        Some(coding) => Some(Condition {
            id: Some(id_or_new(&input.ids.condition)?),
            meta: profile_meta(profile::CONDITION_PROFILE),
            clinical_status: Some(
                input
                    .clinical_status
                    .clone()
                    .unwrap_or_else(|| "active".to_string()),
            ),
            code: Some(CodeableConcept {
                coding: vec![coding],
                ..Default::default()
            }),
            subject: Some(Reference {
                reference: Some(format!("Patient/{patient_id}")),
                ..Default::default()
            }),
            onset: input
                .onset
                .as_deref()
                .map(|o| ConditionOnset::DateTime(normalize_date(o))),
            ..Default::default()
        }),
        None => None,
    };

    let mut entry = vec![
        BundleEntry {
            resource: Some(Resource::from(header)),
            ..Default::default()
        },
        BundleEntry {
            resource: Some(Resource::from(patient)),
            ..Default::default()
        },
    ];
    if let Some(c) = condition {
        entry.push(BundleEntry {
            resource: Some(Resource::from(c)),
            ..Default::default()
        });
    }
    let bundle = Bundle {
        id: Some(id_or_new(&input.ids.bundle)?),
        type_: Some("message".to_string()),
        entry,
        ..Default::default()
    };
    check_output(&bundle, &options.extra_authorities)?;
    Ok(bundle)
}

/// The builder's promise: its output passes partner validation.
fn check_output(bundle: &Bundle, extra_authorities: &[String]) -> Result<(), BuildError> {
    let mut opts = ValidatorOptions::partner();
    for a in extra_authorities {
        opts.add_authority(a)
            .map_err(|e| BuildError::Internal(e.to_string()))?;
    }
    let validator = Validator::new(opts).map_err(|e| BuildError::Internal(e.to_string()))?;
    let outcome = validator.validate(&crate::model::to_vec(bundle));
    if outcome.has_errors() {
        let ids: Vec<String> = outcome
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .map(|i| format!("{} at {}", i.message_id, i.expression))
            .collect();
        return Err(BuildError::Internal(ids.join(", ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
