//! Checking every field of a [`PatientInput`] before anything is built: errors name the
//! field (`identifiers[2].type`), in documentation order, and never repeat the value.

use super::codes::{
    authority_system, diabetes_codings, is_absolute_uri, is_language_tag,
    is_organization_reference, marital_status, normalize_date, normalize_date_time,
    normalize_gender,
};
use super::condition::{self, ConditionView};
use super::ids::derived_condition_id;
use super::input::{AddressInput, DeceasedInput, FieldError, OrganizationInput, PatientInput};
use crate::model::PatientDeceased;
use crate::spec::Primitive;
use crate::validate::check_string_format;
use std::fmt;

/// The values that the builder writes in another form than the input's.
pub(super) struct Checked {
    /// Patient.gender.
    pub gender: Option<&'static str>,
    /// Patient.birthDate.
    pub birth_date: Option<String>,
    /// Patient.deceased[x].
    pub deceased: Option<PatientDeceased>,
    /// The bare OID of the sending organization.
    pub oid: String,
    /// The id of each Condition, in Bundle order (`None`: a fresh UUID).
    pub condition_ids: Vec<Option<String>>,
}

struct Checker {
    errors: Vec<FieldError>,
}

const ID_FORMAT: &str = "must be an id: 1 to 64 letters, digits, '-' or '.'";
const DATE_TIME_FORMAT: &str = "must be a date (YYYY-MM-DD) or a dateTime with time zone";

impl Checker {
    /// Field names are `Display` (`format_args!`): made into text only for an error.
    fn error(&mut self, field: impl fmt::Display, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// A non-empty string without control characters.
    fn text(&mut self, field: impl fmt::Display, s: &str) {
        if s.trim().is_empty() {
            self.error(field, "must not be empty");
        } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            self.error(field, "must not contain control characters");
        }
    }

    fn opt_text(&mut self, field: impl fmt::Display, s: &Option<String>) {
        if let Some(s) = s {
            self.text(field, s);
        }
    }

    fn format(&mut self, field: impl fmt::Display, p: Primitive, s: &str, what: &str) {
        if check_string_format(p, s).is_err() {
            self.error(field, what);
        }
    }

    fn one_of(&mut self, field: impl fmt::Display, s: &str, allowed: &[&str]) {
        if !allowed.contains(&s) {
            self.error(field, format!("must be one of: {}", allowed.join(", ")));
        }
    }

    fn opt_one_of(&mut self, field: impl fmt::Display, s: Option<&str>, allowed: &[&str]) {
        if let Some(s) = s {
            self.one_of(field, s, allowed);
        }
    }

    fn email(&mut self, field: impl fmt::Display, e: &str) {
        let parts: Vec<&str> = e.split('@').collect();
        if parts.len() != 2
            || parts.iter().any(|p| p.is_empty())
            || e.chars().any(char::is_whitespace)
        {
            self.error(field, "must be an e-mail address (name@domain)");
        }
    }
}

/// Checks every field; returns the values written in another form.
pub(super) fn check_input(
    input: &PatientInput,
    authorities: &[&str],
) -> Result<Checked, Vec<FieldError>> {
    let mut c = Checker { errors: Vec::new() };
    identifiers(&mut c, input, authorities);
    c.opt_text("familyName", &input.family_name);
    c.opt_text("fathersFamily", &input.fathers_family);
    c.opt_text("mothersFamily", &input.mothers_family);
    for (i, g) in input.given_names.iter().enumerate() {
        c.text(format_args!("givenNames[{i}]"), g);
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
    let deceased = input.deceased.as_ref().map(|d| match d {
        DeceasedInput::Flag(b) => PatientDeceased::Boolean(*b),
        DeceasedInput::DateTime(t) => {
            let t = normalize_date_time(t);
            c.format(
                "deceased",
                Primitive::DateTime,
                &t,
                "must be true, false, a date (YYYY-MM-DD) or a dateTime with time zone",
            );
            PatientDeceased::DateTime(t)
        }
    });
    if let Some(m) = &input.marital_status {
        if marital_status(m).is_none() {
            c.error(
                "maritalStatus",
                "must be an HL7 v3 MaritalStatus code: A, D, I, L, M, P, S, T, U, W, or UNK",
            );
        }
    }
    languages(&mut c, input);
    telecom(&mut c, input);
    if let Some(a) = &input.address {
        address(&mut c, &"address", a);
    }
    for (i, a) in input.addresses.iter().enumerate() {
        address(&mut c, &format_args!("addresses[{i}]"), a);
    }
    if let Some(o) = &input.managing_organization {
        organization(&mut c, o);
    }
    let views = condition::views(input);
    flat_condition_members(&mut c, input);
    for v in &views {
        condition(&mut c, v);
    }
    let oid = input
        .organization_oid
        .strip_prefix("urn:oid:")
        .unwrap_or(&input.organization_oid);
    if input.organization_oid.is_empty() {
        c.error(
            "organizationOid",
            "is required (an OID such as 2.16.724.4.2)",
        );
    } else if !crate::validate::primitives::is_bare_oid(oid) {
        c.error("organizationOid", "must be an OID such as 2.16.724.4.2");
    }
    c.opt_text("softwareName", &input.software_name);
    c.opt_text("softwareVersion", &input.software_version);
    let condition_ids = ids(&mut c, input, views.len());
    if let Some(t) = &input.timestamp {
        c.format(
            "timestamp",
            Primitive::Instant,
            t,
            "must be an instant: YYYY-MM-DDThh:mm:ss[.fff] with time zone",
        );
    }
    if c.errors.is_empty() {
        Ok(Checked {
            gender,
            birth_date,
            deceased,
            oid: oid.to_string(),
            condition_ids,
        })
    } else {
        Err(c.errors)
    }
}

/// `authority` + `patientId` and `identifiers`: one identifier at least, of an accepted
/// assigning authority; no identifier twice.
fn identifiers(c: &mut Checker, input: &PatientInput, authorities: &[&str]) {
    let accepted = |system: &str| authorities.contains(&system);
    let flat = !input.authority.is_empty() || !input.patient_id.is_empty();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut any_accepted = false;
    if flat || input.identifiers.is_empty() {
        let system = authority_system(&input.authority);
        if input.authority.trim().is_empty() {
            c.error(
                "authority",
                "is required (cip, meteda, or an identifier system URI), unless identifiers holds one of an accepted authority",
            );
        } else if !accepted(system) {
            c.error(
                "authority",
                format!(
                    "is not an accepted assigning authority (cip, meteda, or one of: {})",
                    authorities.join(", ")
                ),
            );
        }
        if input.patient_id.is_empty() {
            c.error(
                "patientId",
                "is required (the patient's id at the authority)",
            );
        } else {
            c.text("patientId", &input.patient_id);
        }
        seen.push((system, input.patient_id.as_str()));
    }
    for (i, id) in input.identifiers.iter().enumerate() {
        let system = authority_system(&id.system);
        if !is_absolute_uri(system) {
            c.error(
                format_args!("identifiers[{i}].system"),
                "must be cip, meteda or an absolute URI (urn:oid:...)",
            );
        }
        c.text(format_args!("identifiers[{i}].value"), &id.value);
        c.opt_one_of(
            format_args!("identifiers[{i}].use"),
            id.use_.as_deref(),
            &["usual", "official", "temp", "secondary"],
        );
        if let Some(t) = &id.type_ {
            c.format(
                format_args!("identifiers[{i}].type"),
                Primitive::Code,
                t,
                "must be an HL7 v2 table 0203 code (MR, JHN, NI, PPN...)",
            );
        }
        c.opt_text(format_args!("identifiers[{i}].assigner"), &id.assigner);
        if seen.contains(&(system, id.value.as_str())) {
            c.error(
                format_args!("identifiers[{i}]"),
                "repeats an identifier given before (same system and value)",
            );
        }
        seen.push((system, id.value.as_str()));
        any_accepted |= accepted(system) && !id.value.trim().is_empty();
    }
    if !flat && !input.identifiers.is_empty() && !any_accepted {
        c.error(
            "identifiers",
            format!(
                "needs an identifier of an accepted assigning authority (cip, meteda, or one of: {})",
                authorities.join(", ")
            ),
        );
    }
}

/// `language` and `communication`: BCP 47 tags, each language once.
fn languages(c: &mut Checker, input: &PatientInput) {
    let what = "must be a BCP 47 language tag (es, ca, en-GB)";
    let mut seen: Vec<String> = Vec::new();
    if let Some(l) = &input.language {
        if !is_language_tag(l) {
            c.error("language", what);
        }
        seen.push(l.to_ascii_lowercase());
    }
    for (i, m) in input.communication.iter().enumerate() {
        let field = format!("communication[{i}].language");
        if !is_language_tag(&m.language) {
            c.error(field, what);
        } else if seen.contains(&m.language.to_ascii_lowercase()) {
            c.error(field, "repeats a language given before");
        }
        seen.push(m.language.to_ascii_lowercase());
    }
}

/// `phones`, `email` and `emails`.
fn telecom(c: &mut Checker, input: &PatientInput) {
    for (i, p) in input.phones.iter().enumerate() {
        c.text(format_args!("phones[{i}].value"), &p.value);
        c.opt_one_of(
            format_args!("phones[{i}].use"),
            p.use_.as_deref(),
            &["home", "work", "temp", "old", "mobile"],
        );
    }
    if let Some(e) = &input.email {
        c.email("email", e);
    }
    for (i, e) in input.emails.iter().enumerate() {
        c.email(format_args!("emails[{i}].value"), &e.value);
        c.opt_one_of(
            format_args!("emails[{i}].use"),
            e.use_.as_deref(),
            &["home", "work", "temp", "old"],
        );
    }
}

fn address(c: &mut Checker, field: &dyn fmt::Display, a: &AddressInput) {
    for (i, l) in a.lines.iter().enumerate() {
        c.text(format_args!("{field}.lines[{i}]"), l);
    }
    let parts = [
        ("city", &a.city),
        ("district", &a.district),
        ("state", &a.state),
        ("postalCode", &a.postal_code),
        ("country", &a.country),
    ];
    for (name, v) in parts {
        c.opt_text(format_args!("{field}.{name}"), v);
    }
    if a.lines.is_empty() && parts.iter().all(|(_, v)| v.is_none()) {
        c.error(
            field,
            "needs one of lines, city, district, state, postalCode or country",
        );
    }
    c.opt_one_of(
        format_args!("{field}.use"),
        a.use_.as_deref(),
        &["home", "work", "temp", "old"],
    );
    c.opt_one_of(
        format_args!("{field}.type"),
        a.type_.as_deref(),
        &["postal", "physical", "both"],
    );
}

fn organization(c: &mut Checker, o: &OrganizationInput) {
    if let Some(r) = &o.reference {
        if !is_organization_reference(r) {
            c.error(
                "managingOrganization.reference",
                "must be Organization/<id>, or an absolute URL ending so",
            );
        }
    }
    if let Some(s) = &o.system {
        if !is_absolute_uri(s) {
            c.error(
                "managingOrganization.system",
                "must be an absolute URI (urn:ietf:rfc:3986 for an OID value)",
            );
        }
    }
    c.opt_text("managingOrganization.value", &o.value);
    match (&o.system, &o.value) {
        (Some(_), None) => c.error(
            "managingOrganization.value",
            "is required with managingOrganization.system",
        ),
        (None, Some(_)) => c.error(
            "managingOrganization.system",
            "is required with managingOrganization.value",
        ),
        _ => {}
    }
    c.opt_text("managingOrganization.display", &o.display);
    if o.reference.is_none() && o.value.is_none() && o.display.is_none() {
        c.error(
            "managingOrganization",
            "needs a reference, a system and value, or a display",
        );
    }
}

/// The flat condition members need `diabetes` or `condition`.
fn flat_condition_members(c: &mut Checker, input: &PatientInput) {
    if input.diabetes.is_some() && input.condition.is_some() {
        c.error("condition", "give either diabetes or condition, not both");
    }
    if input.diabetes.is_some() || input.condition.is_some() {
        return;
    }
    for (name, given) in [
        ("onset", input.onset.is_some()),
        ("clinicalStatus", input.clinical_status.is_some()),
        ("verificationStatus", input.verification_status.is_some()),
    ] {
        if given {
            c.error(name, "needs diabetes or condition");
        }
    }
}

fn condition(c: &mut Checker, v: &ConditionView<'_>) {
    if !v.is_flat() && v.diabetes.is_none() && v.codings.is_empty() {
        c.error(v.prefix.trim_end_matches('.'), "needs diabetes or codings");
    }
    let mut seen: Vec<(&str, &str)> = Vec::new();
    if let Some(d) = v.diabetes {
        match diabetes_codings(d) {
            Some(codes) => seen.extend(codes.iter().map(|(s, k, _)| (*s, *k))),
            None => c.error(
                v.field("diabetes"),
                "must be type1, type2, gestational or unspecified",
            ),
        }
    }
    for (field, k) in &v.codings {
        if !is_absolute_uri(&k.system) {
            c.error(
                format_args!("{field}.system"),
                "must be a code system URI (http://snomed.info/sct)",
            );
        }
        c.format(
            format_args!("{field}.code"),
            Primitive::Code,
            &k.code,
            "must be a code (no leading, trailing or doubled spaces)",
        );
        c.opt_text(format_args!("{field}.display"), &k.display);
        if seen.contains(&(k.system.as_str(), k.code.as_str())) {
            c.error(
                field.clone(),
                "repeats a coding given before (same system and code)",
            );
        }
        seen.push((k.system.as_str(), k.code.as_str()));
    }
    if let Some(o) = v.onset {
        c.format(
            v.field("onset"),
            Primitive::DateTime,
            &normalize_date_time(o),
            DATE_TIME_FORMAT,
        );
    }
    c.opt_one_of(
        v.field("clinicalStatus"),
        v.clinical_status,
        &["active", "recurrence", "inactive", "remission", "resolved"],
    );
    c.opt_one_of(
        v.field("verificationStatus"),
        v.verification_status,
        &[
            "provisional",
            "differential",
            "confirmed",
            "refuted",
            "entered-in-error",
            "unknown",
        ],
    );
}

/// The `ids` members; returns the id of each of the `count` Conditions.
fn ids(c: &mut Checker, input: &PatientInput, count: usize) -> Vec<Option<String>> {
    let ids = &input.ids;
    for (name, v) in [
        ("ids.bundle", &ids.bundle),
        ("ids.messageHeader", &ids.message_header),
        ("ids.patient", &ids.patient),
        ("ids.condition", &ids.condition),
    ] {
        if let Some(v) = v {
            c.format(name, Primitive::Id, v, ID_FORMAT);
        }
    }
    for (i, v) in ids.conditions.iter().enumerate() {
        c.format(
            format_args!("ids.conditions[{i}]"),
            Primitive::Id,
            v,
            ID_FORMAT,
        );
        if ids.conditions[..i].contains(v) {
            c.error(
                format_args!("ids.conditions[{i}]"),
                "repeats an id given before",
            );
        }
    }
    if ids.condition.is_some() && !ids.conditions.is_empty() {
        c.error(
            "ids.conditions",
            "give either ids.condition or ids.conditions, not both",
        );
    }
    if ids.conditions.len() > count {
        c.error(
            "ids.conditions",
            "has more ids than the input has Conditions",
        );
    }
    let (given, base_field): (Vec<&String>, &str) = match &ids.condition {
        Some(first) => (vec![first], "ids.condition"),
        None => (ids.conditions.iter().collect(), "ids.conditions[0]"),
    };
    let Some(first) = given.first() else {
        return vec![None; count];
    };
    if check_string_format(Primitive::Id, first).is_err() {
        return vec![None; count]; // already reported
    }
    let mut out: Vec<Option<String>> = Vec::with_capacity(count);
    for position in 1..=count {
        let id = match given.get(position - 1) {
            Some(id) => (*id).clone(),
            None => {
                let id = derived_condition_id(first, position);
                if check_string_format(Primitive::Id, &id).is_err() {
                    c.error(
                        base_field,
                        "is too long to derive the other Conditions' ids from (<id>-<position> must be at most 64 characters)",
                    );
                    break;
                }
                if given.contains(&&id) {
                    c.error(
                        "ids.conditions",
                        "holds an id that the builder derives for a later Condition (<first id>-<position>)",
                    );
                    break;
                }
                id
            }
        };
        out.push(Some(id));
    }
    out
}
