//! The partner profile: what the Partners FHIR API expects of a message Bundle beyond STU3.
//!
//! The platform's guide publishes examples, not StructureDefinitions (see PARTNER_API.md), so
//! every rule here is named, explained in one line, and has a severity the caller can set to
//! error, warning or off. Rules stated by the guide default to error; rules inferred from its
//! examples default to warning.

mod rules;

pub(crate) use rules::check;

use crate::validate::MessageId;

/// The Meteda assigning authority (Italian diabetes clinical record).
pub const METEDA_SYSTEM: &str = "urn:oid:1.3.6.1.4.1.56221.2.2";
/// The CIP assigning authority (Spanish regional personal health id).
pub const CIP_SYSTEM: &str = "urn:oid:2.16.724.4.41";
/// Identifier systems accepted as the Patient's assigning authority by default.
pub const DEFAULT_AUTHORITIES: &[&str] = &[METEDA_SYSTEM, CIP_SYSTEM];

/// The code system of the partner message event.
pub const EVENT_SYSTEM: &str = "http://roche.com/fhir/rdc/message-type";
/// The partner message event code.
pub const EVENT_CODE: &str = "new-bundle";
/// The partner message event display.
pub const EVENT_DISPLAY: &str = "New bundle generated";
/// Canonical URL of the partner MessageHeader profile.
pub const MESSAGE_HEADER_PROFILE: &str =
    "http://roche.com/fhir/rdc/StructureDefinition/message-header";
/// Canonical URL of the partner Patient profile.
pub const PATIENT_PROFILE: &str = "http://roche.com/fhir/rdc/StructureDefinition/patient-v2";
/// Canonical URL of the partner Condition profile.
pub const CONDITION_PROFILE: &str = "http://roche.com/fhir/rdc/StructureDefinition/condition";
/// SNOMED CT.
pub const SNOMED_SYSTEM: &str = "http://snomed.info/sct";

/// How a partner rule reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleSeverity {
    /// Reported as an error: the message would be refused.
    Error,
    /// Reported as a warning.
    Warning,
    /// Not checked.
    Off,
}

impl RuleSeverity {
    /// Parses `error`, `warning` or `off`.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "error" => Some(RuleSeverity::Error),
            "warning" => Some(RuleSeverity::Warning),
            "off" => Some(RuleSeverity::Off),
            _ => None,
        }
    }

    /// `error`, `warning` or `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Error => "error",
            RuleSeverity::Warning => "warning",
            RuleSeverity::Off => "off",
        }
    }
}

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $variant:ident = $id:literal, $sev:ident, $msg:ident, $why:literal; )*) => {
        /// A partner profile rule.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in documentation order.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant,)*];

            /// The rule id (`partner-bundle-type`).
            pub const fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id,)* }
            }

            /// The severity it has unless the caller sets another.
            pub const fn default_severity(self) -> RuleSeverity {
                match self { $(Rule::$variant => RuleSeverity::$sev,)* }
            }

            /// The message id its issues carry.
            pub const fn message_id(self) -> MessageId {
                match self { $(Rule::$variant => MessageId::$msg,)* }
            }

            /// Why the rule exists, in one line.
            pub const fn rationale(self) -> &'static str {
                match self { $(Rule::$variant => $why,)* }
            }
        }
    };
}

rules! {
    /// The message is a Bundle.
    Bundle = "partner-bundle", Error, PartnerNotBundle,
        "The API takes FHIR message Bundles only (every create and update example is a Bundle).";
    /// Bundle.type is `message`.
    BundleType = "partner-bundle-type", Error, PartnerBundleType,
        "Every example of the guide is a Bundle of type message.";
    /// The first entry is a MessageHeader.
    HeaderFirst = "partner-header-first", Error, PartnerHeaderFirst,
        "The guide lists the MessageHeader (profile message-header) as the first, mandatory entry; FHIR messages start with it.";
    /// The event is the partner's `new-bundle` coding.
    HeaderEvent = "partner-header-event", Error, PartnerHeaderEvent,
        "The guide's MessageHeader.event is system http://roche.com/fhir/rdc/message-type, code new-bundle.";
    /// source.endpoint is the organization OID.
    HeaderEndpoint = "partner-header-endpoint", Warning, PartnerHeaderEndpoint,
        "In the guide's create examples MessageHeader.source.endpoint is the sending organization's OID (the org_id header).";
    /// source.software and source.version are given.
    HeaderSoftware = "partner-header-software", Warning, PartnerHeaderSoftware,
        "The guide's examples name the middleware in MessageHeader.source.software and .version.";
    /// Exactly one Patient.
    OnePatient = "partner-one-patient", Error, PartnerOnePatient,
        "A create or update carries one Patient (profile patient-v2, mandatory); the platform answers with one Patient id.";
    /// The Patient has an identifier of an accepted assigning authority.
    PatientIdentifier = "partner-patient-identifier", Error, PartnerPatientIdentifier,
        "The Patient's identifier must name an assigning authority the platform accepts (Meteda, CIP, or configured ones) and carry the patient's id there.";
    /// Each Condition.subject points at the Bundle's Patient.
    ConditionSubject = "partner-condition-subject", Warning, PartnerConditionSubject,
        "The Condition describes the Bundle's patient, so its subject should reference that Patient; a warning by default because the guide's own example response breaks it.";
    /// The Bundle holds a Condition.
    ConditionPresent = "partner-condition-present", Warning, PartnerConditionPresent,
        "The Patient services page says the Bundle is composed by Patient and Condition, but the profile list marks Condition optional.";
    /// Entries are MessageHeader, Patient or Condition.
    EntryType = "partner-entry-type", Error, PartnerEntryType,
        "A partner message carries a MessageHeader, a Patient and Conditions; other entries are not part of the API.";
    /// Entries come in the guide's order.
    EntryOrder = "partner-entry-order", Warning, PartnerEntryOrder,
        "Every example lists MessageHeader, then Patient, then Condition.";
    /// meta.profile names the partner profile.
    MetaProfile = "partner-meta-profile", Warning, PartnerMetaProfile,
        "The guide's examples carry the partner profiles' canonical URLs in meta.profile; the guide does not say they are required.";
    /// No resource that pfhir does not validate.
    UnvalidatedResource = "partner-unvalidated-resource", Error, PartnerUnvalidated,
        "pfhir cannot vouch for resources it does not model (a Practitioner contained in the Patient, say): the partner message does not carry them (entries of other types fall under partner-entry-type).";
    /// The Patient has a name, gender and birth date.
    PatientDemographics = "partner-patient-demographics", Warning, PartnerPatientDemographics,
        "Every Patient example carries name, gender and birthDate; the guide does not publish which are mandatory.";
    /// Condition.code carries a SNOMED CT coding.
    ConditionCode = "partner-condition-code", Warning, PartnerConditionCode,
        "The guide's Condition is coded in SNOMED CT (46635009, diabetes mellitus type 1); the accepted codes are not published.";
}

impl Rule {
    /// Every message id the rule reports with: the primary one ([`Rule::message_id`]) first;
    /// a second one tells an absent element (code `required`) from a present but wrong one
    /// (code `invalid`).
    pub const fn message_ids(self) -> &'static [MessageId] {
        match self {
            Rule::HeaderFirst => &[
                MessageId::PartnerHeaderFirst,
                MessageId::PartnerHeaderNotFirst,
            ],
            Rule::OnePatient => &[
                MessageId::PartnerOnePatient,
                MessageId::PartnerSecondPatient,
            ],
            Rule::PatientIdentifier => &[
                MessageId::PartnerPatientIdentifier,
                MessageId::PartnerIdentifierAuthority,
            ],
            Rule::ConditionSubject => &[
                MessageId::PartnerConditionSubject,
                MessageId::PartnerConditionSubjectMissing,
            ],
            Rule::MetaProfile => &[
                MessageId::PartnerMetaProfile,
                MessageId::PartnerMetaProfileOther,
            ],
            Rule::ConditionCode => &[
                MessageId::PartnerConditionCode,
                MessageId::PartnerConditionCodeSystem,
            ],
            Rule::Bundle => &[MessageId::PartnerNotBundle],
            Rule::BundleType => &[MessageId::PartnerBundleType],
            Rule::HeaderEvent => &[MessageId::PartnerHeaderEvent],
            Rule::HeaderEndpoint => &[MessageId::PartnerHeaderEndpoint],
            Rule::HeaderSoftware => &[MessageId::PartnerHeaderSoftware],
            Rule::ConditionPresent => &[MessageId::PartnerConditionPresent],
            Rule::EntryType => &[MessageId::PartnerEntryType],
            Rule::EntryOrder => &[MessageId::PartnerEntryOrder],
            Rule::UnvalidatedResource => &[MessageId::PartnerUnvalidated],
            Rule::PatientDemographics => &[MessageId::PartnerPatientDemographics],
        }
    }

    /// Finds a rule by id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }
}

/// The rule list as Markdown (the body of `docs/partner-rules.md`).
pub fn markdown() -> String {
    let mut out = String::from(
        "# Partner profile rules\n\nThe Partners FHIR API publishes examples, not profiles. pfhir's \
         partner validation adds these rules to STU3; each has an id, a default severity and a \
         severity the caller can set to `error`, `warning` or `off`. Generated from \
         `core/src/profile/mod.rs` (`PFHIR_BLESS=1 cargo test -p pfhir-core --lib profile` \
         rewrites it). Where a rule has two message ids, the one with code `required` \
         is for an absent element and the one with code `invalid` for an element that is \
         present but wrong (docs/messages.md gives each id's code).\n\n| rule | default | message ids | why |\n|---|---|---|---|\n",
    );
    for r in Rule::ALL {
        let ids: Vec<String> = r.message_ids().iter().map(|m| m.to_string()).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            r.id(),
            r.default_severity().as_str(),
            ids.join(", "),
            r.rationale()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_docs_are_in_sync() {
        for r in Rule::ALL {
            assert_eq!(Rule::from_id(r.id()), Some(*r));
            assert!(r.id().starts_with("partner-"));
        }
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/partner-rules.md");
        let expected = markdown();
        if std::env::var_os("PFHIR_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("write docs/partner-rules.md");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(actual == expected, "docs/partner-rules.md is out of date: run `PFHIR_BLESS=1 cargo test -p pfhir-core --lib profile`");
    }
}
