//! The issues of an HL7 v2 conversion: pfhir's own (`PFHIR-H…`) and the Bundle validator's
//! traced back to their HL7 field; their OperationOutcome form carries the HL7 location in
//! `location` and the FHIRPath in `expression`.

use super::location::Location;
use crate::model::{
    CodeableConcept, Coding, Extension, ExtensionValue, OperationOutcome, OperationOutcomeIssue,
};
use crate::validate::{IssueCode, IssueType, Severity};
use crate::validate::{
    COL_EXTENSION, ISSUE_TYPE_SYSTEM, LINE_EXTENSION, MESSAGE_ID_SYSTEM, RULE_SYSTEM,
};

/// An HL7 v2 error code (table 0357), as ERR-3 carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode0357 {
    /// 0: message accepted (warnings and notes).
    Accepted,
    /// 100: segment sequence error.
    SegmentSequence,
    /// 101: required field missing.
    RequiredFieldMissing,
    /// 102: data type error.
    DataType,
    /// 103: table value not found.
    TableValueNotFound,
    /// 200: unsupported message type.
    UnsupportedMessageType,
    /// 201: unsupported event code.
    UnsupportedEvent,
    /// 203: unsupported version id.
    UnsupportedVersion,
    /// 207: application internal error.
    Internal,
}

impl ErrorCode0357 {
    /// The numeric code.
    pub const fn code(self) -> u16 {
        match self {
            Self::Accepted => 0,
            Self::SegmentSequence => 100,
            Self::RequiredFieldMissing => 101,
            Self::DataType => 102,
            Self::TableValueNotFound => 103,
            Self::UnsupportedMessageType => 200,
            Self::UnsupportedEvent => 201,
            Self::UnsupportedVersion => 203,
            Self::Internal => 207,
        }
    }

    /// The table's text for the code.
    pub const fn text(self) -> &'static str {
        match self {
            Self::Accepted => "Message accepted",
            Self::SegmentSequence => "Segment sequence error",
            Self::RequiredFieldMissing => "Required field missing",
            Self::DataType => "Data type error",
            Self::TableValueNotFound => "Table value not found",
            Self::UnsupportedMessageType => "Unsupported message type",
            Self::UnsupportedEvent => "Unsupported event code",
            Self::UnsupportedVersion => "Unsupported version id",
            Self::Internal => "Application internal error",
        }
    }
}

/// pfhir's own HL7 v2 findings; the number is stable (`PFHIR-H0304`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hl7MessageId {
    /// H0101: the message is larger than the limit.
    TooLong,
    /// H0102: not an ER7 message (no MSH, truncated MSH, bad separators or segment ids).
    Unreadable,
    /// H0103: MSH-18 names a character set pfhir does not support.
    UnknownCharset,
    /// H0104: a value's escapes or bytes cannot be decoded.
    Undecodable,
    /// H0201: not an ADT message.
    UnsupportedMessageType,
    /// H0202: not a Patient services event pfhir maps.
    UnsupportedEvent,
    /// H0203: a version outside 2.3 .. 2.8.
    UnsupportedVersion,
    /// H0204: MSH-10 (message control id) is empty.
    NoControlId,
    /// H0301: a required segment (PID) is missing.
    MissingSegment,
    /// H0302: a required field is empty.
    MissingField,
    /// H0303: no identifier of an accepted assigning authority in PID-3.
    NoAcceptedAuthority,
    /// H0304: not a valid date or date/time.
    BadDateTime,
    /// H0305: a coded value outside its table.
    NotInTable,
    /// H0306: a time without zone and no site time zone.
    NoTimeZone,
    /// H0307: the Bundle builder refused a mapped value.
    BuilderRefused,
    /// H0308: no organization OID (option or MSH-4).
    NoOrganization,
    /// H0309: an identifier whose namespace is not in the authority table (left out).
    UnknownNamespace,
    /// H0310: the business id cannot serve as Patient.id.
    BadBusinessId,
    /// H0401: a diagnosis that is not sent.
    DiagnosisNotSent,
    /// H0402: a telecom that is not sent (fax, pager...).
    TelecomNotSent,
    /// H0403: an update without the platform's id (Patient.id is the business id, API v1).
    UpdateWithBusinessId,
    /// H0501: internal error of the builder.
    Internal,
}

impl Hl7MessageId {
    /// The number (`304` for `PFHIR-H0304`).
    pub const fn number(self) -> u16 {
        match self {
            Self::TooLong => 101,
            Self::Unreadable => 102,
            Self::UnknownCharset => 103,
            Self::Undecodable => 104,
            Self::UnsupportedMessageType => 201,
            Self::UnsupportedEvent => 202,
            Self::UnsupportedVersion => 203,
            Self::NoControlId => 204,
            Self::MissingSegment => 301,
            Self::MissingField => 302,
            Self::NoAcceptedAuthority => 303,
            Self::BadDateTime => 304,
            Self::NotInTable => 305,
            Self::NoTimeZone => 306,
            Self::BuilderRefused => 307,
            Self::NoOrganization => 308,
            Self::UnknownNamespace => 309,
            Self::BadBusinessId => 310,
            Self::DiagnosisNotSent => 401,
            Self::TelecomNotSent => 402,
            Self::UpdateWithBusinessId => 403,
            Self::Internal => 501,
        }
    }

    /// The id as text.
    pub fn id(self) -> String {
        format!("PFHIR-H{:04}", self.number())
    }

    /// Severity, partner issue code, STU3 issue type and table 0357 code.
    pub const fn class(self) -> (Severity, IssueCode, IssueType, ErrorCode0357) {
        use ErrorCode0357 as E;
        use IssueCode as C;
        use IssueType as T;
        use Severity::{Error, Fatal, Information, Warning};
        match self {
            Self::TooLong => (Fatal, C::TooLong, T::TooLong, E::Internal),
            Self::Unreadable => (Fatal, C::Structure, T::Structure, E::SegmentSequence),
            Self::UnknownCharset => (Fatal, C::Invalid, T::CodeInvalid, E::TableValueNotFound),
            Self::Undecodable => (Error, C::Structure, T::Structure, E::DataType),
            Self::UnsupportedMessageType => (
                Fatal,
                C::Invalid,
                T::BusinessRule,
                E::UnsupportedMessageType,
            ),
            Self::UnsupportedEvent => (Fatal, C::Invalid, T::BusinessRule, E::UnsupportedEvent),
            Self::UnsupportedVersion => (Fatal, C::Invalid, T::BusinessRule, E::UnsupportedVersion),
            Self::NoControlId => (Fatal, C::Required, T::Required, E::RequiredFieldMissing),
            Self::MissingSegment => (Error, C::Required, T::Required, E::SegmentSequence),
            Self::MissingField => (Error, C::Required, T::Required, E::RequiredFieldMissing),
            Self::NoAcceptedAuthority => {
                (Error, C::Invalid, T::BusinessRule, E::TableValueNotFound)
            }
            Self::BadDateTime => (Error, C::Invalid, T::Value, E::DataType),
            Self::NotInTable => (Error, C::Invalid, T::CodeInvalid, E::TableValueNotFound),
            Self::NoTimeZone => (Error, C::Invalid, T::Value, E::DataType),
            Self::BuilderRefused => (Error, C::Invalid, T::Value, E::DataType),
            Self::NoOrganization => (Error, C::Required, T::Required, E::RequiredFieldMissing),
            Self::UnknownNamespace => (Warning, C::Invalid, T::CodeInvalid, E::TableValueNotFound),
            Self::BadBusinessId => (Error, C::Invalid, T::Value, E::DataType),
            Self::DiagnosisNotSent | Self::TelecomNotSent | Self::UpdateWithBusinessId => {
                (Information, C::Informational, T::Informational, E::Accepted)
            }
            Self::Internal => (Error, C::Invalid, T::Structure, E::Internal),
        }
    }
}

/// One finding about an HL7 v2 message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hl7Issue {
    /// How serious it is (fatal: the message could not be processed; the ACK says AR).
    pub severity: Severity,
    /// `PFHIR-H…` for pfhir's HL7 findings, `PFHIR-V…` for the Bundle validator's.
    pub message_id: String,
    /// The partner issue code.
    pub code: IssueCode,
    /// The finer STU3 issue type.
    pub issue_type: IssueType,
    /// The partner rule id of a validator finding, if any.
    pub rule: Option<&'static str>,
    /// The HL7 v2 error code of ERR-3.
    pub hl7_code: ErrorCode0357,
    /// The HL7 field (`PID-7`), when there is one.
    pub location: Option<Location>,
    /// The FHIRPath of the Bundle element, when there is one.
    pub expression: Option<String>,
    /// 1-based line (segment) in the message; 0: no position.
    pub line: u32,
    /// 1-based column in characters; 0: no position.
    pub column: u32,
    /// What is wrong; names fields, never values.
    pub message: String,
}

impl Hl7Issue {
    /// A pfhir HL7 finding.
    pub fn new(id: Hl7MessageId, location: Option<Location>, message: impl Into<String>) -> Self {
        let (severity, code, issue_type, hl7_code) = id.class();
        Hl7Issue {
            severity,
            message_id: id.id(),
            code,
            issue_type,
            rule: None,
            hl7_code,
            location,
            expression: None,
            line: 0,
            column: 0,
            message: message.into(),
        }
    }

    fn to_model(&self) -> OperationOutcomeIssue {
        let position = |url: &str, n: u32| Extension {
            url: Some(url.to_string()),
            value: Some(ExtensionValue::Integer(i64::from(n))),
            ..Default::default()
        };
        let coding = |system: &str, code: &str| Coding {
            system: Some(system.to_string()),
            code: Some(code.to_string()),
            ..Default::default()
        };
        let mut codings = vec![
            coding(ISSUE_TYPE_SYSTEM, self.issue_type.as_str()),
            coding(MESSAGE_ID_SYSTEM, &self.message_id),
        ];
        if let Some(rule) = self.rule {
            codings.push(coding(RULE_SYSTEM, rule));
        }
        codings.push(coding(HL7_ERROR_SYSTEM, &self.hl7_code.code().to_string()));
        OperationOutcomeIssue {
            extension: if self.line > 0 {
                vec![
                    position(LINE_EXTENSION, self.line),
                    position(COL_EXTENSION, self.column),
                ]
            } else {
                Vec::new()
            },
            severity: Some(self.severity.as_str().to_string()),
            code: Some(self.code.as_str().to_string()),
            details: Some(CodeableConcept {
                coding: codings,
                text: Some(self.message.clone()),
                ..Default::default()
            }),
            location: self.location.iter().map(|l| Some(l.to_string())).collect(),
            expression: self.expression.iter().map(|e| Some(e.clone())).collect(),
            ..Default::default()
        }
    }
}

/// The code system of the HL7 v2 error codes (table 0357) in `details.coding`.
pub const HL7_ERROR_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v2-0357";

/// The issues as an STU3 OperationOutcome (one informational issue when there is none).
pub fn operation_outcome(issues: &[Hl7Issue]) -> OperationOutcome {
    let mut issue: Vec<OperationOutcomeIssue> = issues.iter().map(Hl7Issue::to_model).collect();
    if issue.is_empty() {
        let mut ok = Hl7Issue::new(Hl7MessageId::DiagnosisNotSent, None, "No issue was found.");
        ok.message_id = crate::validate::MessageId::AllOk.id();
        issue.push(ok.to_model());
        if let Some(d) = issue[0].details.as_mut() {
            d.coding
                .retain(|c| c.system.as_deref() != Some(HL7_ERROR_SYSTEM));
        }
    }
    OperationOutcome {
        issue,
        ..Default::default()
    }
}
