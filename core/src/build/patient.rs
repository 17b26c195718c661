//! The Patient of the Bundle, from a checked [`PatientInput`].

use super::check::Checked;
use super::codes::{
    authority_system, marital_status, FATHERS_FAMILY_URL, IDENTIFIER_TYPE_SYSTEM, LANGUAGE_SYSTEM,
    MOTHERS_FAMILY_URL,
};
use super::input::{AddressInput, IdentifierInput, OrganizationInput, PatientInput};
use super::profile_meta;
use crate::model::{
    Address, CodeableConcept, Coding, ContactPoint, Element, Extension, ExtensionValue, HumanName,
    Identifier, Patient, PatientCommunication, Reference,
};
use crate::profile;

/// Builds the Patient with logical id `id`.
pub(super) fn build(input: &PatientInput, checked: &Checked, id: &str) -> Patient {
    Patient {
        id: Some(id.to_string()),
        meta: profile_meta(profile::PATIENT_PROFILE),
        identifier: identifiers(input),
        active: Some(input.active.unwrap_or(true)),
        name: name(input).into_iter().collect(),
        telecom: telecom(input),
        gender: checked.gender.map(str::to_string),
        birth_date: checked.birth_date.clone(),
        deceased: checked.deceased.clone(),
        address: input
            .address
            .iter()
            .chain(&input.addresses)
            .map(address)
            .collect(),
        marital_status: input
            .marital_status
            .as_deref()
            .and_then(marital_status)
            .map(|(system, code, display)| CodeableConcept {
                coding: vec![coding(system, code, Some(display))],
                ..Default::default()
            }),
        communication: communication(input),
        managing_organization: input.managing_organization.as_ref().map(organization),
        ..Default::default()
    }
}

fn coding(system: &str, code: &str, display: Option<&str>) -> Coding {
    Coding {
        system: Some(system.to_string()),
        code: Some(code.to_string()),
        display: display.map(str::to_string),
        ..Default::default()
    }
}

/// The identifier of `authority` + `patientId` first, then `identifiers`.
fn identifiers(input: &PatientInput) -> Vec<Identifier> {
    let flat = (!input.authority.is_empty()).then(|| IdentifierInput {
        system: input.authority.clone(),
        value: input.patient_id.clone(),
        ..Default::default()
    });
    flat.iter()
        .chain(&input.identifiers)
        .map(|i| Identifier {
            use_: i.use_.clone(),
            type_: i.type_.as_deref().map(|t| CodeableConcept {
                coding: vec![coding(IDENTIFIER_TYPE_SYSTEM, t, None)],
                ..Default::default()
            }),
            system: Some(authority_system(&i.system).to_string()),
            value: Some(i.value.clone()),
            assigner: i.assigner.as_ref().map(|a| {
                Box::new(Reference {
                    display: Some(a.clone()),
                    ..Default::default()
                })
            }),
            ..Default::default()
        })
        .collect()
}

/// The name: `family` is `familyName`, or the father's and mother's family names joined by
/// a space; those two also go in the humanname-fathers-family / -mothers-family extensions
/// of `family`.
fn name(input: &PatientInput) -> Option<HumanName> {
    let parts: Vec<&String> = input
        .fathers_family
        .iter()
        .chain(&input.mothers_family)
        .collect();
    let family = input.family_name.clone().or_else(|| {
        (!parts.is_empty()).then(|| {
            parts
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    });
    let extension: Vec<Extension> = [
        (FATHERS_FAMILY_URL, &input.fathers_family),
        (MOTHERS_FAMILY_URL, &input.mothers_family),
    ]
    .into_iter()
    .filter_map(|(url, v)| {
        v.as_ref().map(|v| Extension {
            url: Some(url.to_string()),
            value: Some(ExtensionValue::String(v.clone())),
            ..Default::default()
        })
    })
    .collect();
    if family.is_none() && input.given_names.is_empty() {
        return None;
    }
    Some(HumanName {
        family,
        family_ext: (!extension.is_empty()).then(|| {
            Box::new(Element {
                extension,
                ..Default::default()
            })
        }),
        given: input.given_names.iter().cloned().map(Some).collect(),
        ..Default::default()
    })
}

/// Phones, then `email`, then `emails`.
fn telecom(input: &PatientInput) -> Vec<ContactPoint> {
    let point = |system: &str, value: &str, use_: &Option<String>| ContactPoint {
        system: Some(system.to_string()),
        value: Some(value.to_string()),
        use_: use_.clone(),
        ..Default::default()
    };
    let phones = input
        .phones
        .iter()
        .map(|p| point("phone", &p.value, &p.use_));
    let email = input.email.iter().map(|e| point("email", e, &None));
    let emails = input
        .emails
        .iter()
        .map(|e| point("email", &e.value, &e.use_));
    phones.chain(email).chain(emails).collect()
}

fn address(a: &AddressInput) -> Address {
    Address {
        use_: a.use_.clone(),
        type_: a.type_.clone(),
        line: a.lines.iter().cloned().map(Some).collect(),
        city: a.city.clone(),
        district: a.district.clone(),
        state: a.state.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
        ..Default::default()
    }
}

/// `language` (preferred), then `communication`.
fn communication(input: &PatientInput) -> Vec<PatientCommunication> {
    let language = |tag: &str, preferred: Option<bool>| PatientCommunication {
        language: Some(CodeableConcept {
            coding: vec![coding(LANGUAGE_SYSTEM, tag, None)],
            ..Default::default()
        }),
        preferred,
        ..Default::default()
    };
    input
        .language
        .iter()
        .map(|l| language(l, Some(true)))
        .chain(
            input
                .communication
                .iter()
                .map(|c| language(&c.language, c.preferred)),
        )
        .collect()
}

fn organization(o: &OrganizationInput) -> Reference {
    Reference {
        reference: o.reference.clone(),
        identifier: o.value.as_ref().map(|value| {
            Box::new(Identifier {
                system: o.system.clone(),
                value: Some(value.clone()),
                ..Default::default()
            })
        }),
        display: o.display.clone(),
        ..Default::default()
    }
}
