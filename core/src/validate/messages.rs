//! The stable message ids of validation issues.
//!
//! Every issue carries one of these ids (`PFHIR-V0301`). The numbers are part of pfhir's
//! contract: an id keeps its meaning forever and a retired one is never reused. The list is
//! also published in `docs/messages.md`, which a test keeps in sync with this table.

use super::issue::{IssueCode, IssueType};

macro_rules! message_ids {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident = $num:literal, $code:ident, $itype:ident, $summary:literal;
    )*) => {
        /// A stable message id (see the module docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum MessageId {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl MessageId {
            /// Every message id, in number order.
            pub const ALL: &'static [MessageId] = &[$(MessageId::$variant,)*];

            /// The number (`301` for `PFHIR-V0301`).
            pub const fn number(self) -> u16 {
                match self { $(MessageId::$variant => $num,)* }
            }

            /// The partner issue code this message is reported with.
            pub const fn code(self) -> IssueCode {
                match self { $(MessageId::$variant => IssueCode::$code,)* }
            }

            /// The finer STU3 issue type.
            pub const fn issue_type(self) -> IssueType {
                match self { $(MessageId::$variant => IssueType::$itype,)* }
            }

            /// A one-line summary, for the documentation.
            pub const fn summary(self) -> &'static str {
                match self { $(MessageId::$variant => $summary,)* }
            }
        }
    };
}

message_ids! {
    /// The document is larger than the size limit.
    TooLong = 101, TooLong, TooLong, "the document is larger than the size limit";
    /// The bytes are not UTF-8.
    InvalidUtf8 = 102, Structure, Structure, "the document is not valid UTF-8";
    /// JSON syntax error.
    Syntax = 103, Structure, Structure, "the document is not valid JSON";
    /// Objects and arrays nest deeper than the limit.
    TooDeep = 104, Structure, TooLong, "objects and arrays nest deeper than the limit";
    /// A member name occurs twice in one object.
    DuplicateMember = 105, Structure, Structure, "a member name occurs twice in one object";
    /// The document starts with a byte order mark.
    ByteOrderMark = 106, Structure, Structure, "the document starts with a byte order mark";
    /// The document is empty.
    EmptyDocument = 107, Structure, Structure, "the document is empty";
    /// More issues than the per-document limit: the rest are counted, not listed.
    TooManyIssues = 108, TooCostly, TooCostly, "more issues than the per-document limit (max_issues): the rest are counted in this issue, not listed; its severity is that of the most serious one left out";

    /// An element that the type does not define.
    UnknownElement = 201, Structure, Structure, "an element that the type does not define";
    /// A value of the wrong JSON type.
    WrongJsonType = 202, Structure, Structure, "a value of the wrong JSON type";
    /// An array where a single value belongs.
    UnexpectedArray = 203, Structure, Structure, "an array where a single value belongs";
    /// A single value where an array belongs.
    ExpectedArray = 204, Structure, Structure, "a single value where an array belongs";
    /// A null value.
    NullValue = 205, Structure, Structure, "a null value (only allowed inside primitive arrays, aligned with `_x`)";
    /// An empty string.
    EmptyString = 206, Structure, Structure, "an empty string";
    /// An object with no content.
    EmptyObject = 207, Structure, Structure, "an object without content (ele-1)";
    /// An empty array.
    EmptyArray = 208, Structure, Structure, "an empty array";
    /// A `_x` member that does not fit its primitive.
    BadPrimitiveExtension = 209, Structure, Structure, "a `_x` member that does not belong to a primitive element, or does not line up with it";
    /// Two values for one choice element.
    ChoiceTwice = 210, Structure, Structure, "two values for one choice element (`onset[x]`)";
    /// A resource without `resourceType`.
    MissingResourceType = 211, Structure, Structure, "a resource without resourceType";
    /// A `resourceType` that names no STU3 resource.
    UnknownResourceType = 212, Structure, Structure, "a resourceType that names no STU3 resource";
    /// A choice element written without its type suffix.
    ChoiceWithoutType = 213, Structure, Structure, "a choice element written without its type suffix (`onset` for `onsetDateTime`)";

    /// A required element is missing.
    Required = 301, Required, Required, "a required element is missing";
    /// More values than the element allows.
    TooMany = 302, Structure, Structure, "more values than the element allows";
    /// A primitive value that does not match its type's format.
    InvalidFormat = 303, Invalid, Value, "a primitive value that does not match its type's format";
    /// A code outside the required value set.
    CodeNotInValueSet = 304, Invalid, CodeInvalid, "a code outside its required value set";
    /// An integer outside its type's range.
    OutOfRange = 305, Invalid, Value, "an integer outside its type's range";
    /// A reference to a resource type the element does not allow.
    ReferenceTarget = 306, Invalid, Value, "a reference to a resource type the element does not allow";
    /// A string longer than STU3 allows (1 MiB).
    StringTooLong = 307, TooLong, TooLong, "a string longer than STU3 allows";

    /// An STU3 invariant is violated.
    Invariant = 401, Invalid, Invariant, "an STU3 invariant is violated (the key is in details.coding)";

    /// The document is not a Bundle.
    PartnerNotBundle = 501, Invalid, BusinessRule, "partner-bundle: the message is not a Bundle";
    /// Bundle.type is not `message`.
    PartnerBundleType = 502, Invalid, BusinessRule, "partner-bundle-type: Bundle.type is not message";
    /// The Bundle has no MessageHeader (no entries, or none is a MessageHeader).
    PartnerHeaderFirst = 503, Required, BusinessRule, "partner-header-first: the Bundle has no MessageHeader";
    /// MessageHeader.event is not the partner's event.
    PartnerHeaderEvent = 504, Invalid, BusinessRule, "partner-header-event: MessageHeader.event is not the partner's new-bundle coding";
    /// MessageHeader.source.endpoint is not an OID.
    PartnerHeaderEndpoint = 505, Invalid, BusinessRule, "partner-header-endpoint: MessageHeader.source.endpoint is not the organization's OID";
    /// MessageHeader.source.software / version missing.
    PartnerHeaderSoftware = 506, Required, BusinessRule, "partner-header-software: MessageHeader.source.software or version is missing";
    /// No Patient.
    PartnerOnePatient = 507, Required, BusinessRule, "partner-one-patient: the Bundle holds no Patient";
    /// The Patient has no identifier at all.
    PartnerPatientIdentifier = 508, Required, BusinessRule, "partner-patient-identifier: the Patient has no identifier";
    /// A Condition.subject does not point at the Bundle's Patient.
    PartnerConditionSubject = 509, Invalid, BusinessRule, "partner-condition-subject: a Condition.subject does not point at the Bundle's Patient";
    /// The Bundle holds no Condition.
    PartnerConditionPresent = 510, Required, BusinessRule, "partner-condition-present: the Bundle holds no Condition";
    /// An entry of a type the partner message does not carry.
    PartnerEntryType = 511, Invalid, BusinessRule, "partner-entry-type: an entry that is not a MessageHeader, Patient or Condition";
    /// Entries out of the guide's order.
    PartnerEntryOrder = 512, Invalid, BusinessRule, "partner-entry-order: entries not in the order MessageHeader, Patient, Condition";
    /// meta.profile is absent.
    PartnerMetaProfile = 513, Required, BusinessRule, "partner-meta-profile: the resource has no meta.profile";
    /// A resource of a type pfhir does not validate.
    PartnerUnvalidated = 514, Invalid, BusinessRule, "partner-unvalidated-resource: a contained resource of a type pfhir does not validate";
    /// The Patient lacks name, gender or birth date.
    PartnerPatientDemographics = 515, Required, BusinessRule, "partner-patient-demographics: the Patient lacks a name, gender or birth date";
    /// Condition.code is absent or has no coding.
    PartnerConditionCode = 516, Required, BusinessRule, "partner-condition-code: Condition.code is absent or has no coding";
    /// A MessageHeader is present, but not as the first entry.
    PartnerHeaderNotFirst = 517, Invalid, BusinessRule, "partner-header-first: a MessageHeader is present but is not the first entry";
    /// A second (or further) Patient.
    PartnerSecondPatient = 518, Invalid, BusinessRule, "partner-one-patient: a second Patient in the Bundle";
    /// The Patient has identifiers, none of an accepted assigning authority (with a value).
    PartnerIdentifierAuthority = 519, Invalid, BusinessRule, "partner-patient-identifier: the Patient's identifiers are all of authorities the platform does not accept (or carry no value)";
    /// meta.profile is given but lacks the partner profile.
    PartnerMetaProfileOther = 520, Invalid, BusinessRule, "partner-meta-profile: meta.profile is given but does not name the partner profile";
    /// Condition.code has codings, none SNOMED CT.
    PartnerConditionCodeSystem = 521, Invalid, BusinessRule, "partner-condition-code: Condition.code has codings, none of them SNOMED CT";
    /// Condition.subject has no reference.
    PartnerConditionSubjectMissing = 522, Required, BusinessRule, "partner-condition-subject: Condition.subject has no reference";

    /// A resource of a type pfhir does not validate (information; the partner profile adds an
    /// error for it).
    NotValidated = 901, Informational, Informational, "a resource of a type pfhir does not model was checked as JSON only";
    /// No issue was found.
    AllOk = 902, Informational, Informational, "no issue was found";
}

impl MessageId {
    /// The id as text (`PFHIR-V0301`).
    pub fn id(self) -> String {
        format!("PFHIR-V{:04}", self.number())
    }

    /// Parses `PFHIR-V0301`.
    pub fn from_id(s: &str) -> Option<MessageId> {
        let n: u16 = s.strip_prefix("PFHIR-V")?.parse().ok()?;
        MessageId::ALL.iter().copied().find(|m| m.number() == n)
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PFHIR-V{:04}", self.number())
    }
}

/// The message list as Markdown (the body of `docs/messages.md`).
pub fn markdown() -> String {
    let mut out = String::from(
        "# pfhir validation messages\n\nEvery issue pfhir reports carries one of these ids in \
         `details.coding` (system `urn:pfhir:message-id`). Ids are stable: a number keeps its \
         meaning and is never reused. This file is generated from \
         `core/src/validate/messages.rs` (`cargo test -p pfhir-core -- messages` checks it; \
         `PFHIR_BLESS=1` rewrites it).\n\n| id | code | STU3 issue type | meaning |\n|---|---|---|---|\n",
    );
    for m in MessageId::ALL {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            m,
            m.code().as_str(),
            m.issue_type().as_str(),
            m.summary().replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for m in MessageId::ALL {
            assert!(seen.insert(m.number()), "{m} is used twice");
            assert_eq!(MessageId::from_id(&m.id()), Some(*m));
        }
        assert_eq!(MessageId::from_id("PFHIR-V9999"), None);
    }

    #[test]
    fn messages_doc_is_in_sync() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/messages.md");
        let expected = markdown();
        if std::env::var_os("PFHIR_BLESS").is_some() {
            std::fs::write(&path, &expected).expect("write docs/messages.md");
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(actual == expected, "docs/messages.md is out of date: run `PFHIR_BLESS=1 cargo test -p pfhir-core --lib messages`");
    }
}
