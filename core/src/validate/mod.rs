//! The validator: every issue of a document, in document order, as an OperationOutcome.
//!
//! Layers, each reporting in the same [`Issue`] shape:
//! 1. size limit (before parsing, constant memory), UTF-8, JSON syntax, nesting depth,
//!    duplicate member names;
//! 2. structure against the generated STU3 tables: unknown elements, JSON types, arrays vs
//!    single values, nulls, empty strings / objects / arrays, `_x` primitive extensions,
//!    choice types, `resourceType`;
//! 3. cardinality, primitive formats and required bindings;
//! 4. the STU3 invariants, one function each (`validate/invariants.rs`);
//! 5. with [`Profile::Partner`], the partner profile rules ([`crate::profile`]).
//!
//! A [`Validator`] is built once and shared: it is immutable, `Send + Sync`, and a validation
//! allocates only the path buffer and what the output holds (each thread reuses its parse tape).

pub(crate) mod context;
mod invariants;
mod issue;
mod messages;
mod options;
pub(crate) mod primitives;
mod walk;
mod xhtml;

pub use issue::{
    Issue, IssueCode, IssueType, Outcome, Severity, COL_EXTENSION, INVARIANT_SYSTEM,
    ISSUE_TYPE_SYSTEM, LINE_EXTENSION, MESSAGE_ID_SYSTEM, RULE_SYSTEM,
};
pub use messages::{markdown as messages_markdown, MessageId};
pub use options::{OptionsError, Profile, ValidatorOptions};
pub use primitives::{
    check_number as check_number_format, check_string as check_string_format, FormatError,
};
pub(crate) use walk::article;

use crate::json::{self, JsonErrorKind};
use crate::model::ReadError;
use context::Ctx;

/// A validator, configured once. Cheap to share: `Send + Sync`, immutable.
#[derive(Debug, Clone, Default)]
pub struct Validator {
    options: ValidatorOptions,
}

impl Validator {
    /// A validator with the given options (checked).
    pub fn new(options: ValidatorOptions) -> Result<Self, OptionsError> {
        options.check()?;
        Ok(Validator { options })
    }

    /// A partner validator with the default options.
    pub fn partner() -> Self {
        Validator::default()
    }

    /// A base (STU3-only) validator with the default options.
    pub fn base() -> Self {
        Validator {
            options: ValidatorOptions::base(),
        }
    }

    /// The options.
    pub fn options(&self) -> &ValidatorOptions {
        &self.options
    }

    /// The outcome [`Validator::validate`] gives for any input of `size` bytes when `size` is
    /// over the size limit, without the input: for callers that know the size before reading
    /// (streams, C callers passing a length). `None` when `size` is within the limit.
    pub fn too_long(&self, size: usize) -> Option<Outcome> {
        let limit = self.options.limits.max_bytes;
        if size <= limit {
            return None;
        }
        let mut ctx = Ctx::new(&self.options);
        let kind = JsonErrorKind::TooLong { size, limit };
        let mut message = kind.to_string();
        if let Some(first) = message.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        message.push('.');
        ctx.report_full(Severity::Fatal, MessageId::TooLong, None, 0, message, None);
        Some(Outcome {
            issues: ctx.finish(None, &[]),
        })
    }

    /// Validates a document. Never fails and never panics: every problem is an issue.
    pub fn validate(&self, bytes: &[u8]) -> Outcome {
        if let Some(outcome) = self.too_long(bytes.len()) {
            return outcome;
        }
        let mut ctx = Ctx::new(&self.options);
        let tape = REUSED_TAPE.with(std::cell::Cell::take);
        let doc = match json::parse_with_tape(bytes, &self.options.limits, tape) {
            Ok(doc) => doc,
            Err(e) => {
                let (id, severity) = match e.kind {
                    JsonErrorKind::TooLong { .. } => (MessageId::TooLong, Severity::Fatal),
                    JsonErrorKind::InvalidUtf8 => (MessageId::InvalidUtf8, Severity::Fatal),
                    JsonErrorKind::TooDeep { .. } => (MessageId::TooDeep, Severity::Fatal),
                    JsonErrorKind::Empty => (MessageId::EmptyDocument, Severity::Fatal),
                    _ => (MessageId::Syntax, Severity::Fatal),
                };
                let message = match e.kind {
                    JsonErrorKind::InvalidUtf8 => {
                        format!(
                            "The document is not valid UTF-8 (first invalid byte at offset {}).",
                            e.offset
                        )
                    }
                    other => {
                        let mut m = other.to_string();
                        if let Some(first) = m.get_mut(0..1) {
                            first.make_ascii_uppercase();
                        }
                        m.push('.');
                        m
                    }
                };
                ctx.report_full(severity, id, None, e.offset, message, None);
                return Outcome {
                    issues: ctx.finish(None, bytes),
                };
            }
        };
        if doc.had_bom {
            ctx.report_full(
                Severity::Warning,
                MessageId::ByteOrderMark,
                None,
                0,
                "The document starts with a UTF-8 byte order mark; JSON senders must not add one."
                    .to_string(),
                None,
            );
        }
        ctx.set_duplicates(&doc.duplicates);
        let root = doc.root();
        walk::resource(&mut ctx, root, false);
        ctx.report_remaining_duplicates();
        if self.options.profile == Profile::Partner {
            crate::profile::check(&mut ctx, root);
        }
        let issues = ctx.finish(Some(&doc), bytes);
        let tape = doc.into_tape();
        if tape.capacity() <= MAX_REUSED_TOKENS {
            REUSED_TAPE.with(|kept| kept.set(tape));
        }
        Outcome { issues }
    }
}

/// The largest tape a thread keeps for its next validation (about 1.3 MB: a 500 KB
/// document's); a larger one is freed, so a thread that once met a huge document does not
/// hold its memory.
const MAX_REUSED_TOKENS: usize = 64 * 1024;

thread_local! {
    /// The parse tape of this thread's last validation, reused by the next: the tape is the
    /// one allocation that grows with the document (a few KB for a partner Bundle), and
    /// bulk validation runs millions of documents per thread.
    static REUSED_TAPE: std::cell::Cell<Vec<json::Token>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Strict reading's check: the first structural problem (unknown element, wrong shape, JSON
/// error) of the resource in `bytes`, as a [`ReadError`].
pub fn check_structure(bytes: &[u8]) -> Result<(), ReadError> {
    let outcome = Validator::base().validate(bytes);
    match outcome.issues.iter().find(|i| {
        i.severity.is_error() && matches!(i.code(), IssueCode::Structure | IssueCode::TooLong)
    }) {
        Some(i) => Err(ReadError::Structure {
            message: i.message.clone(),
            path: i.expression.clone(),
            line: i.line,
            column: i.column,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
