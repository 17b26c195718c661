//! The Patient of the Bundle, written from a checked [`PatientInput`].

use super::check::Checked;
use super::codes::{
    authority_system, marital_status, FATHERS_FAMILY_URL, IDENTIFIER_TYPE_SYSTEM, LANGUAGE_SYSTEM,
    MOTHERS_FAMILY_URL,
};
use super::input::{AddressInput, OrganizationInput, PatientInput};
use super::json_out::JsonOut;
use super::write_meta;
use crate::model::PatientDeceased;
use crate::profile;

/// Writes the Patient with logical id `id` (an entry's `resource`).
pub(super) fn write(out: &mut JsonOut, input: &PatientInput, checked: &Checked, id: &str) {
    out.open(Some("resource"));
    out.string("resourceType", "Patient");
    out.string("id", id);
    write_meta(out, profile::PATIENT_PROFILE);
    identifiers(out, input);
    out.boolean("active", input.active.unwrap_or(true));
    name(out, input);
    telecom(out, input);
    out.opt_string("gender", checked.gender);
    out.opt_string("birthDate", checked.birth_date.as_deref());
    match &checked.deceased {
        Some(PatientDeceased::Boolean(b)) => out.boolean("deceasedBoolean", *b),
        Some(PatientDeceased::DateTime(d)) => out.string("deceasedDateTime", d),
        None => {}
    }
    out.array(
        "address",
        input.address.iter().chain(&input.addresses),
        address,
    );
    if let Some((system, code, display)) = input.marital_status.as_deref().and_then(marital_status)
    {
        out.open(Some("maritalStatus"));
        out.codings([(*system, *code, Some(*display))]);
        out.close();
    }
    communication(out, input);
    if let Some(o) = &input.managing_organization {
        organization(out, o);
    }
    out.close();
}

/// The identifier of `authority` + `patientId` first, then `identifiers`.
fn identifiers(out: &mut JsonOut, input: &PatientInput) {
    // (system, value, use, type, assigner)
    let flat = (!input.authority.is_empty()).then_some((
        input.authority.as_str(),
        input.patient_id.as_str(),
        None,
        None,
        None,
    ));
    let listed = input.identifiers.iter().map(|i| {
        (
            i.system.as_str(),
            i.value.as_str(),
            i.use_.as_deref(),
            i.type_.as_deref(),
            i.assigner.as_deref(),
        )
    });
    out.array(
        "identifier",
        flat.into_iter().chain(listed),
        |out, (system, value, use_, type_, assigner)| {
            out.open(None);
            out.opt_string("use", use_);
            if let Some(t) = type_ {
                out.open(Some("type"));
                out.codings([(IDENTIFIER_TYPE_SYSTEM, t, None)]);
                out.close();
            }
            out.string("system", authority_system(system));
            out.string("value", value);
            if let Some(a) = assigner {
                out.open(Some("assigner"));
                out.string("display", a);
                out.close();
            }
            out.close();
        },
    );
}

/// The name: `family` is `familyName`, or the father's and mother's family names joined by
/// a space; those two also go in the humanname-fathers-family / -mothers-family extensions
/// of `family`.
fn name(out: &mut JsonOut, input: &PatientInput) {
    let joined;
    let family = match (
        &input.family_name,
        &input.fathers_family,
        &input.mothers_family,
    ) {
        (Some(f), _, _) => Some(f.as_str()),
        (None, Some(a), Some(b)) => {
            joined = [a.as_str(), " ", b.as_str()].concat();
            Some(joined.as_str())
        }
        (None, Some(one), None) | (None, None, Some(one)) => Some(one.as_str()),
        (None, None, None) => None,
    };
    if family.is_none() && input.given_names.is_empty() {
        return;
    }
    out.open_array("name");
    out.open(None);
    out.opt_string("family", family);
    if input.fathers_family.is_some() || input.mothers_family.is_some() {
        out.open(Some("_family"));
        out.open_array("extension");
        for (url, value) in [
            (FATHERS_FAMILY_URL, &input.fathers_family),
            (MOTHERS_FAMILY_URL, &input.mothers_family),
        ] {
            if let Some(v) = value {
                out.open(None);
                out.string("url", url);
                out.string("valueString", v);
                out.close();
            }
        }
        out.close_array();
        out.close();
    }
    out.strings("given", input.given_names.iter().map(String::as_str));
    out.close();
    out.close_array();
}

/// Phones, then `email`, then `emails`.
fn telecom(out: &mut JsonOut, input: &PatientInput) {
    let phones = input
        .phones
        .iter()
        .map(|p| ("phone", p.value.as_str(), p.use_.as_deref()));
    let email = input.email.iter().map(|e| ("email", e.as_str(), None));
    let emails = input
        .emails
        .iter()
        .map(|e| ("email", e.value.as_str(), e.use_.as_deref()));
    out.array(
        "telecom",
        phones.chain(email).chain(emails),
        |out, (system, value, use_)| {
            out.open(None);
            out.string("system", system);
            out.string("value", value);
            out.opt_string("use", use_);
            out.close();
        },
    );
}

fn address(out: &mut JsonOut, a: &AddressInput) {
    out.open(None);
    out.opt_string("use", a.use_.as_deref());
    out.opt_string("type", a.type_.as_deref());
    out.strings("line", a.lines.iter().map(String::as_str));
    out.opt_string("city", a.city.as_deref());
    out.opt_string("district", a.district.as_deref());
    out.opt_string("state", a.state.as_deref());
    out.opt_string("postalCode", a.postal_code.as_deref());
    out.opt_string("country", a.country.as_deref());
    out.close();
}

/// `language` (preferred), then `communication`.
fn communication(out: &mut JsonOut, input: &PatientInput) {
    let preferred = input.language.iter().map(|l| (l.as_str(), Some(true)));
    let listed = input
        .communication
        .iter()
        .map(|c| (c.language.as_str(), c.preferred));
    out.array(
        "communication",
        preferred.chain(listed),
        |out, (tag, preferred)| {
            out.open(None);
            out.open(Some("language"));
            out.codings([(LANGUAGE_SYSTEM, tag, None)]);
            out.close();
            if let Some(p) = preferred {
                out.boolean("preferred", p);
            }
            out.close();
        },
    );
}

fn organization(out: &mut JsonOut, o: &OrganizationInput) {
    out.open(Some("managingOrganization"));
    out.opt_string("reference", o.reference.as_deref());
    if let Some(value) = &o.value {
        out.open(Some("identifier"));
        out.opt_string("system", o.system.as_deref());
        out.string("value", value);
        out.close();
    }
    out.opt_string("display", o.display.as_deref());
    out.close();
}
