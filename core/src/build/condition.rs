//! The Conditions of the Bundle: the one of the flat members (`diabetes` / `condition`,
//! `onset`, `clinicalStatus`, `verificationStatus`) first, then one per `conditions` item.

use super::codes::{diabetes_codings, normalize_date_time};
use super::input::{CodeInput, PatientInput};
use super::json_out::JsonOut;
use super::write_meta;
use crate::profile;

/// One Condition to build, with the input field names of its parts.
pub(super) struct ConditionView<'a> {
    /// The prefix of its fields: `""` for the flat members, `conditions[2].` for an item.
    pub prefix: String,
    /// The `diabetes` shorthand.
    pub diabetes: Option<&'a str>,
    /// The explicit codings, each with its field (`condition`, `conditions[2].codings[0]`).
    pub codings: Vec<(String, &'a CodeInput)>,
    /// Onset (a date or dateTime; HL7 v2 timestamps accepted).
    pub onset: Option<&'a str>,
    /// Condition.clinicalStatus.
    pub clinical_status: Option<&'a str>,
    /// Condition.verificationStatus.
    pub verification_status: Option<&'a str>,
}

impl ConditionView<'_> {
    /// The field name of one of its members (`onset`, `conditions[1].onset`).
    pub fn field(&self, name: &str) -> String {
        cat!(self.prefix, name)
    }

    /// True for the Condition of the flat members.
    pub fn is_flat(&self) -> bool {
        self.prefix.is_empty()
    }
}

/// The Conditions of `input`, in Bundle order.
pub(super) fn views(input: &PatientInput) -> Vec<ConditionView<'_>> {
    let mut out = Vec::with_capacity(input.conditions.len() + 1);
    if input.diabetes.is_some() || input.condition.is_some() {
        out.push(ConditionView {
            prefix: String::new(),
            diabetes: input.diabetes.as_deref(),
            codings: input
                .condition
                .iter()
                .map(|c| ("condition".to_string(), c))
                .collect(),
            onset: input.onset.as_deref(),
            clinical_status: input.clinical_status.as_deref(),
            verification_status: input.verification_status.as_deref(),
        });
    }
    for (i, c) in input.conditions.iter().enumerate() {
        out.push(ConditionView {
            prefix: cat!("conditions[", i, "]."),
            diabetes: c.diabetes.as_deref(),
            codings: c
                .codings
                .iter()
                .enumerate()
                .map(|(j, k)| (cat!("conditions[", i, "].codings[", j, "]"), k))
                .collect(),
            onset: c.onset.as_deref(),
            clinical_status: c.clinical_status.as_deref(),
            verification_status: c.verification_status.as_deref(),
        });
    }
    out
}

/// Writes one (checked) Condition about `Patient/<patient_id>` (an entry's `resource`).
pub(super) fn write(out: &mut JsonOut, view: &ConditionView<'_>, id: &str, patient_id: &str) {
    out.open(Some("resource"));
    out.string("resourceType", "Condition");
    out.string("id", id);
    write_meta(out, profile::CONDITION_PROFILE);
    // STU3 con-3: clinicalStatus is required unless the Condition was entered in error.
    let in_error = view.verification_status == Some("entered-in-error");
    let clinical_status = match view.clinical_status {
        Some(s) => Some(s),
        None if in_error => None,
        None => Some("active"),
    };
    out.opt_string("clinicalStatus", clinical_status);
    out.opt_string("verificationStatus", view.verification_status);
    out.open(Some("code"));
    let shorthand = view
        .diabetes
        .and_then(diabetes_codings)
        .into_iter()
        .flatten()
        .map(|&(system, code, display)| (system, code, Some(display)));
    let explicit = view
        .codings
        .iter()
        .map(|(_, c)| (c.system.as_str(), c.code.as_str(), c.display.as_deref()));
    out.codings(shorthand.chain(explicit));
    out.close();
    out.open(Some("subject"));
    out.string_of("reference", &["Patient/", patient_id]);
    out.close();
    if let Some(onset) = view.onset {
        out.string("onsetDateTime", &normalize_date_time(onset));
    }
    out.close();
}
