//! The state of one validation run: the current FHIRPath, the findings so far, and the
//! resources being walked (for the invariants that look at their container).

use super::issue::{Issue, Severity};
use super::messages::MessageId;
use super::options::ValidatorOptions;
use crate::json::{Document, LineIndex, Value};
use std::fmt::Write;

/// A finding before its line and column are known.
struct Pending {
    severity: Severity,
    message_id: MessageId,
    key: Option<&'static str>,
    expression: String,
    offset: usize,
    message: String,
    diagnostics: Option<&'static str>,
}

/// A resource that is not itself contained: the scope of `#id` references.
pub struct Container<'d, 'a> {
    /// The resource object.
    pub obj: Value<'d, 'a>,
    /// Its FHIRPath.
    pub path: String,
    /// Local references (`#id`) met inside it.
    pub local_refs: Vec<String>,
}

/// One validation run.
pub struct Ctx<'v, 'd, 'a> {
    /// The caller's options.
    pub opts: &'v ValidatorOptions,
    /// The current FHIRPath; walkers push segments and truncate back.
    pub path: String,
    /// Containers being walked, innermost last.
    pub containers: Vec<Container<'d, 'a>>,
    /// Depth of `contained` resources being walked.
    pub contained_depth: usize,
    pending: Vec<Pending>,
    /// Duplicate member names not reported yet: (offset of the repeated name, name).
    duplicates: Vec<(usize, String)>,
}

impl<'v, 'd, 'a> Ctx<'v, 'd, 'a> {
    /// A run with the given options.
    pub fn new(opts: &'v ValidatorOptions) -> Self {
        Ctx {
            opts,
            path: String::with_capacity(128),
            containers: Vec::new(),
            contained_depth: 0,
            pending: Vec::new(),
            duplicates: Vec::new(),
        }
    }

    /// The parser's duplicate member names, to be reported where the walker meets them.
    pub fn set_duplicates(&mut self, duplicates: &[crate::json::Duplicate]) {
        self.duplicates = duplicates
            .iter()
            .map(|d| (d.offset, d.name.clone()))
            .collect();
    }

    /// Reports the duplicate member name at `offset`, if it is one, at the current path + key.
    pub fn duplicate_at(&mut self, offset: usize, key: &str) {
        if self.duplicates.is_empty() {
            return;
        }
        if let Ok(i) = self.duplicates.binary_search_by_key(&offset, |d| d.0) {
            self.duplicates.remove(i);
            let len = self.push(key);
            self.report(
                MessageId::DuplicateMember,
                offset,
                "This member occurs twice in the same object; JSON readers keep one of them silently.".to_string(),
            );
            self.pop(len);
        }
    }

    /// Reports the duplicates the walker did not meet (inside content it does not walk).
    pub fn report_remaining_duplicates(&mut self) {
        for (offset, _) in std::mem::take(&mut self.duplicates) {
            self.report(
                MessageId::DuplicateMember,
                offset,
                "A member name occurs twice in the same object; JSON readers keep one of them silently.".to_string(),
            );
        }
    }

    /// Appends `.name` to the path; returns the length to truncate back to.
    pub fn push(&mut self, name: &str) -> usize {
        let len = self.path.len();
        if !self.path.is_empty() {
            self.path.push('.');
        }
        self.path.push_str(name);
        len
    }

    /// Appends `[i]` to the path; returns the length to truncate back to.
    pub fn push_index(&mut self, i: usize) -> usize {
        let len = self.path.len();
        let _ = write!(self.path, "[{i}]");
        len
    }

    /// Restores the path to a length returned by [`Ctx::push`].
    pub fn pop(&mut self, len: usize) {
        self.path.truncate(len);
    }

    /// Reports a finding at the current path.
    pub fn report(&mut self, message_id: MessageId, offset: usize, message: String) {
        let severity = if message_id.code() == super::IssueCode::Informational {
            Severity::Information
        } else {
            Severity::Error
        };
        self.report_full(severity, message_id, None, offset, message, None);
    }

    /// Reports a finding at the current path with every detail.
    pub fn report_full(
        &mut self,
        severity: Severity,
        message_id: MessageId,
        key: Option<&'static str>,
        offset: usize,
        message: String,
        diagnostics: Option<&'static str>,
    ) {
        self.pending.push(Pending {
            severity,
            message_id,
            key,
            expression: self.path.clone(),
            offset,
            message,
            diagnostics,
        });
    }

    /// Reports a finding at `path` (instead of the current path).
    pub fn report_at_path(
        &mut self,
        path: &str,
        severity: Severity,
        message_id: MessageId,
        key: Option<&'static str>,
        offset: usize,
        message: String,
    ) {
        let saved = std::mem::replace(&mut self.path, path.to_string());
        self.report_full(severity, message_id, key, offset, message, None);
        self.path = saved;
    }

    /// ` (value: "...")` when the caller opted in to values in messages, else nothing.
    pub fn value_note(&self, v: &str) -> String {
        if !self.opts.include_values {
            return String::new();
        }
        let mut shown: String = v.chars().take(64).collect();
        if shown.len() < v.len() {
            shown.push('…');
        }
        format!(" (value: {shown:?})")
    }

    /// The findings, in document order, with line and column.
    pub fn finish(mut self, doc: Option<&Document<'a>>, src: &[u8]) -> Vec<Issue> {
        self.pending.sort_by_key(|p| p.offset);
        let index = doc.map(|d| LineIndex::new(d.source()));
        self.pending
            .into_iter()
            .map(|p| {
                let (line, column) = match &index {
                    Some(ix) => ix.line_col(p.offset),
                    None => crate::json::line_col_bytes(src, p.offset),
                };
                Issue {
                    severity: p.severity,
                    message_id: p.message_id,
                    key: p.key,
                    expression: p.expression,
                    line,
                    column,
                    offset: p.offset,
                    message: p.message,
                    diagnostics: p.diagnostics,
                }
            })
            .collect()
    }
}
