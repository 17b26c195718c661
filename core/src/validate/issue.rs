//! Issues and outcomes: what validation reports, and its OperationOutcome form.

use super::messages::MessageId;
use crate::model::{
    CodeableConcept, Coding, Extension, ExtensionValue, OperationOutcome, OperationOutcomeIssue,
};

/// The FHIR extension carrying an issue's 1-based line.
pub const LINE_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line";
/// The FHIR extension carrying an issue's 1-based column.
pub const COL_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-col";
/// The code system of the finer STU3 issue types in `details.coding`.
pub const ISSUE_TYPE_SYSTEM: &str = "http://hl7.org/fhir/issue-type";
/// The code system of pfhir's message ids in `details.coding`.
pub const MESSAGE_ID_SYSTEM: &str = "urn:pfhir:message-id";
/// The code system of STU3 invariant keys in `details.coding`.
pub const INVARIANT_SYSTEM: &str = "urn:pfhir:invariant";
/// The code system of partner rule ids in `details.coding`.
pub const RULE_SYSTEM: &str = "urn:pfhir:rule";

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Processing stopped: the document could not be read.
    Fatal,
    /// The content is invalid; the platform would refuse it.
    Error,
    /// Suspicious, or a partner rule set to warn.
    Warning,
    /// A note.
    Information,
}

impl Severity {
    /// The STU3 code (`fatal`, `error`, `warning`, `information`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Fatal => "fatal",
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
        }
    }

    /// True for fatal and error.
    pub const fn is_error(self) -> bool {
        matches!(self, Severity::Fatal | Severity::Error)
    }
}

/// The issue code in the platform's vocabulary (PARTNER_API.md "Errors").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueCode {
    /// A required element is missing.
    Required,
    /// Structural issue: content that cannot be parsed, wrong shape.
    Structure,
    /// Content invalid against the specification or a profile.
    Invalid,
    /// Content too long.
    TooLong,
    /// Validation stopped listing issues to protect resources (STU3 `too-costly`, under
    /// `processing` like `too-long`): the document has more issues than the per-document
    /// limit.
    TooCostly,
    /// A note.
    Informational,
}

impl IssueCode {
    /// The code as it appears in `issue.code`.
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueCode::Required => "required",
            IssueCode::Structure => "structure",
            IssueCode::Invalid => "invalid",
            IssueCode::TooLong => "too-long",
            IssueCode::TooCostly => "too-costly",
            IssueCode::Informational => "informational",
        }
    }
}

/// The finer STU3 issue type, reported in `details.coding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IssueType {
    /// `structure`
    Structure,
    /// `required`
    Required,
    /// `value`
    Value,
    /// `invariant`
    Invariant,
    /// `code-invalid`
    CodeInvalid,
    /// `too-long`
    TooLong,
    /// `too-costly`
    TooCostly,
    /// `business-rule`
    BusinessRule,
    /// `informational`
    Informational,
}

impl IssueType {
    /// The STU3 issue-type code.
    pub const fn as_str(self) -> &'static str {
        match self {
            IssueType::Structure => "structure",
            IssueType::Required => "required",
            IssueType::Value => "value",
            IssueType::Invariant => "invariant",
            IssueType::CodeInvalid => "code-invalid",
            IssueType::TooLong => "too-long",
            IssueType::TooCostly => "too-costly",
            IssueType::BusinessRule => "business-rule",
            IssueType::Informational => "informational",
        }
    }
}

/// One finding of the validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// How serious it is.
    pub severity: Severity,
    /// The stable message id; it also gives the partner code and the STU3 issue type.
    pub message_id: MessageId,
    /// The invariant key (`cpt-2`) or partner rule id (`partner-bundle-type`), if any.
    pub key: Option<&'static str>,
    /// FHIRPath of the element, zero-based indices (`Bundle.entry[1].resource.birthDate`).
    pub expression: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// Byte offset in the input.
    pub offset: usize,
    /// What is wrong and what to do; no patient value unless the caller opted in.
    pub message: String,
    /// The FHIRPath of a violated invariant, for reference.
    pub diagnostics: Option<&'static str>,
}

impl Issue {
    /// The partner issue code.
    pub fn code(&self) -> IssueCode {
        self.message_id.code()
    }

    /// The finer STU3 issue type.
    pub fn issue_type(&self) -> IssueType {
        self.message_id.issue_type()
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
            coding(ISSUE_TYPE_SYSTEM, self.issue_type().as_str()),
            coding(MESSAGE_ID_SYSTEM, &self.message_id.id()),
        ];
        if let Some(key) = self.key {
            let system = if key.starts_with("partner-") {
                RULE_SYSTEM
            } else {
                INVARIANT_SYSTEM
            };
            codings.push(coding(system, key));
        }
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
            code: Some(self.code().as_str().to_string()),
            details: Some(CodeableConcept {
                coding: codings,
                text: Some(self.message.clone()),
                ..Default::default()
            }),
            diagnostics: self.diagnostics.map(str::to_string),
            expression: if self.expression.is_empty() {
                Vec::new()
            } else {
                vec![Some(self.expression.clone())]
            },
            ..Default::default()
        }
    }
}

/// The result of validating one document: every issue, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The findings, in document order (by byte offset, then by layer).
    pub issues: Vec<Issue>,
}

impl Outcome {
    /// True when some issue is an error (or fatal).
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity.is_error())
    }

    /// Number of issues at error (or fatal) level.
    pub fn error_count(&self) -> usize {
        self.issues.iter().filter(|i| i.severity.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Warning)
            .count()
    }

    /// The STU3 OperationOutcome. STU3 requires at least one issue, so an outcome without
    /// findings holds one informational "no issue was found" issue.
    pub fn to_operation_outcome(&self) -> OperationOutcome {
        let mut issue: Vec<OperationOutcomeIssue> =
            self.issues.iter().map(Issue::to_model).collect();
        if issue.is_empty() {
            issue.push(
                Issue {
                    severity: Severity::Information,
                    message_id: MessageId::AllOk,
                    key: None,
                    expression: String::new(),
                    line: 0,
                    column: 0,
                    offset: 0,
                    message: "No issue was found.".to_string(),
                    diagnostics: None,
                }
                .to_model(),
            );
        }
        OperationOutcome {
            issue,
            ..Default::default()
        }
    }

    /// The OperationOutcome as compact JSON: deterministic, the same bytes on every platform.
    pub fn to_json(&self) -> String {
        let bytes = crate::model::to_vec(&self.to_operation_outcome());
        // The model only writes valid UTF-8.
        String::from_utf8(bytes).unwrap_or_default()
    }
}
