//! `PatientInput`: the flat, EMR-shaped description of a patient that pfhir turns into a
//! partner message Bundle.
//!
//! Its JSON form (camelCase members) is pfhir's input contract for every binding; see
//! `docs/patient-input.md`. Reading (in `read.rs`) is strict: an unknown member is an error
//! that names it, and no error message repeats a value (they are patient data).
//!
//! The shape follows what an EMR sends (an HL7 v2 PID segment and its DG1 diagnoses): one
//! member per field, lists where the EMR repeats (identifiers, phones, e-mails, addresses,
//! languages, diagnoses), and the original single-valued members (`authority` + `patientId`,
//! `email`, `address`, `diabetes` / `condition`) kept beside the lists.

use serde::Serialize;

/// A patient identifier (Patient.identifier), as HL7 v2 PID-3 carries it (CX).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierInput {
    /// The namespace of the value (Identifier.system): `cip`, `meteda`, or an absolute URI
    /// (`urn:oid:…`; the CX.4 assigning authority's universal id).
    pub system: String,
    /// The identifier (CX.1).
    pub value: String,
    /// `usual`, `official`, `temp` or `secondary` (Identifier.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// An HL7 v2 table 0203 identifier type code (CX.5: `MR`, `JHN`, `NI`, `PPN`...), coded
    /// in Identifier.type with system `http://hl7.org/fhir/v2/0203`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The name of the organization that issued it (Identifier.assigner.display; the CX.4
    /// namespace id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigner: Option<String>,
}

/// A phone number of the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneInput {
    /// The number, as the EMR holds it.
    pub value: String,
    /// `home`, `work`, `mobile`, `temp` or `old` (ContactPoint.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

/// An e-mail address of the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailInput {
    /// The address (`name@domain`).
    pub value: String,
    /// `home`, `work`, `temp` or `old` (ContactPoint.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

/// A postal address of the patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressInput {
    /// Street lines.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// District or county.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// State or province.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Country (ISO 3166 code or name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `home`, `work`, `temp` or `old` (Address.use).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    /// `postal`, `physical` or `both` (Address.type).
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

/// A language the patient communicates in (Patient.communication).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationInput {
    /// A BCP 47 language tag (`es`, `ca`, `en-GB`), coded with system `urn:ietf:bcp:47`.
    pub language: String,
    /// Whether it is the patient's preferred language (Patient.communication.preferred).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred: Option<bool>,
}

/// The organization that keeps the patient record (Patient.managingOrganization): a literal
/// reference, an identifier, a name, or several of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationInput {
    /// A literal reference: `Organization/<id>` or an absolute URL ending so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The namespace of `value` (an absolute URI; `urn:ietf:rfc:3986` when the value is an
    /// OID as `urn:oid:…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The organization's identifier in `system` (Reference.identifier.value).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Its name (Reference.display).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// Whether the patient has died: a flag (HL7 v2 PID-30), or when (PID-29).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DeceasedInput {
    /// Patient.deceasedBoolean.
    Flag(bool),
    /// Patient.deceasedDateTime: a date, or a dateTime with time zone (HL7 v2
    /// `YYYYMMDD[HHMM[SS]]±ZZZZ` accepted).
    DateTime(String),
}

/// One coding of a condition (when the `diabetes` shorthand is not enough).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeInput {
    /// Code system URI (SNOMED CT: `http://snomed.info/sct`; ICD-10:
    /// `http://hl7.org/fhir/sid/icd-10`).
    pub system: String,
    /// The code.
    pub code: String,
    /// Its display text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
}

/// A Condition of the patient (one DG1 diagnosis).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionInput {
    /// `type1`, `type2`, `gestational` or `unspecified`: coded in SNOMED CT and ICD-10.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diabetes: Option<String>,
    /// Codings of Condition.code, after those of `diabetes`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub codings: Vec<CodeInput>,
    /// Onset: a date, or a dateTime with time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    /// Condition.clinicalStatus (default `active`, none when `entered-in-error`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<String>,
    /// Condition.verificationStatus (`provisional`, `differential`, `confirmed`, `refuted`,
    /// `entered-in-error`, `unknown`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
}

/// Ids to use instead of generated ones (for reproducible output, or the platform's
/// Patient id on update).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdsInput {
    /// Bundle.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundle: Option<String>,
    /// MessageHeader.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_header: Option<String>,
    /// Patient.id
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// The id of the first Condition (the others' ids are derived from it: `<id>-2`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The ids of the Conditions, in Bundle order (instead of `condition`); Conditions
    /// past the end of the list get `<first id>-<position>`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// A patient as an EMR holds it. See the module docs and `docs/patient-input.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatientInput {
    /// Assigning authority of the patient id: `cip`, `meteda`, or an identifier system URI
    /// (empty: not given; then `identifiers` must hold one of an accepted authority).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub authority: String,
    /// The patient's id at that authority (Patient.identifier.value; empty: not given).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub patient_id: String,
    /// Further identifiers (after the one of `authority` + `patientId`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<IdentifierInput>,
    /// Family name(s), as one text (Patient.name.family); by default the father's and the
    /// mother's family names joined by a space.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// The father's family name (first Spanish surname; extension humanname-fathers-family).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fathers_family: Option<String>,
    /// The mother's family name (second Spanish surname; extension humanname-mothers-family).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mothers_family: Option<String>,
    /// Given names, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub given_names: Vec<String>,
    /// `male`, `female`, `other`, `unknown` (HL7 v2 `M`, `F`, `O`, `U` accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birth date: `YYYY-MM-DD` (also `YYYY`, `YYYY-MM`, and HL7 v2 `YYYYMMDD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Whether, or when, the patient died.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deceased: Option<DeceasedInput>,
    /// An HL7 v3 MaritalStatus code (`M`, `S`, `D`, `W`...; `UNK` for unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<String>,
    /// The patient's preferred language, a BCP 47 tag (a preferred Patient.communication).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Further languages (after `language`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communication: Vec<CommunicationInput>,
    /// Phone numbers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<PhoneInput>,
    /// E-mail address (must be unique on the platform).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Further e-mail addresses (after `email`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<EmailInput>,
    /// Postal address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<AddressInput>,
    /// Further postal addresses (after `address`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<AddressInput>,
    /// Whether the patient record is active (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The organization that keeps the patient record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managing_organization: Option<OrganizationInput>,
    /// `type1`, `type2`, `gestational` or `unspecified` (coded in SNOMED CT and ICD-10):
    /// the first Condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diabetes: Option<String>,
    /// A coded condition instead of `diabetes`: the first Condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<CodeInput>,
    /// Onset of the first Condition: a date or a dateTime with time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onset: Option<String>,
    /// Condition.clinicalStatus of the first Condition (default `active`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clinical_status: Option<String>,
    /// Condition.verificationStatus of the first Condition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification_status: Option<String>,
    /// Further Conditions (after the one of `diabetes` / `condition`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<ConditionInput>,
    /// OID of the sending organization (`2.16.724.4.2` or `urn:oid:2.16.724.4.2`).
    pub organization_oid: String,
    /// MessageHeader.source.software (default `pfhir`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_name: Option<String>,
    /// MessageHeader.source.version (default pfhir's version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub software_version: Option<String>,
    /// Ids to use instead of generated ones.
    #[serde(skip_serializing_if = "is_default_ids")]
    pub ids: IdsInput,
    /// MessageHeader.timestamp (an instant; default: now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

fn is_default_ids(ids: &IdsInput) -> bool {
    *ids == IdsInput::default()
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The input field, as in the JSON form (`birthDate`, `phones[1].use`).
    pub field: String,
    /// What is wrong (never the value).
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl PatientInput {
    /// Reads the JSON form. Returns every problem found in reading, each naming its field
    /// (values are checked when the Bundle is built).
    pub fn from_json(bytes: &[u8]) -> Result<PatientInput, Vec<FieldError>> {
        Self::from_value(&Self::parse_json(bytes)?)
    }

    /// Reads the JSON form from a parsed value.
    pub fn from_value(value: &serde_json::Value) -> Result<PatientInput, Vec<FieldError>> {
        let (input, errors) = Self::read_partial(value)?;
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
