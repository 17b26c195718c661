//! The state of one validation run: the current FHIRPath, the findings so far, and the
//! resources being walked (for the invariants that look at their container).

use super::issue::{Issue, Severity};
use super::messages::MessageId;
use super::options::ValidatorOptions;
use crate::json::{Document, Duplicate, PositionCursor, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// The text of a finding, formatted only when the finding is kept: a document with a
/// million findings past the issue cap costs no formatting for them.
pub trait MessageText {
    /// The text.
    fn into_message(self) -> String;
}

impl MessageText for String {
    fn into_message(self) -> String {
        self
    }
}

impl MessageText for &'static str {
    fn into_message(self) -> String {
        self.to_string()
    }
}

/// Static pieces joined: one exact allocation, no formatting machinery (for the messages a
/// document can hold hundreds of thousands of).
impl<const N: usize> MessageText for [&str; N] {
    fn into_message(self) -> String {
        self.concat()
    }
}

impl MessageText for std::fmt::Arguments<'_> {
    fn into_message(self) -> String {
        std::fmt::format(self)
    }
}

/// A resource that is not itself contained: the scope of `#id` references.
pub struct Container<'d, 'a> {
    /// The resource object (its FHIRPath is the walk's current path while it is checked).
    pub obj: Value<'d, 'a>,
    /// Local references (`#id`) met inside it.
    pub local_refs: Vec<String>,
}

/// The FHIRPath of the element being validated, kept as its segments and written out only
/// for a finding: the walk pushes and pops a segment for every member and array item of a
/// document, and appending each name to a string (a `memcpy` call each) cost about 2 000
/// instructions per partner Bundle. Segments are plain copies (a name borrowed from the
/// document or the tables, or an index), so going back is only a length: a name that has to
/// be owned (one with escapes) is kept aside in `owned` with the position of its segment,
/// and going back drops those past the new length. With `Cow` segments, dropping them on
/// every pop cost about 500 instructions per partner Bundle natively, and 4% of the WASM
/// module's validation time.
#[derive(Default)]
pub struct Path<'a> {
    segments: Vec<Segment<'a>>,
    /// The owned names with the position of their [`Segment::Owned`], in path order.
    owned: Vec<(usize, String)>,
}

/// One step of a [`Path`].
#[derive(Clone, Copy)]
enum Segment<'a> {
    /// `.name` (no dot when nothing comes before).
    Name(&'a str),
    /// `.name` where the name is `owned[i]` of the path.
    Owned(usize),
    /// `[i]`.
    Index(usize),
}

impl<'a> Path<'a> {
    /// A path written out already (the partner rules name their own).
    pub fn from_text(text: &str) -> Path<'a> {
        Path {
            segments: vec![Segment::Owned(0)],
            owned: vec![(0, text.to_string())],
        }
    }

    /// The number of segments: what [`Path::truncate`] goes back to.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// True when the path writes out as nothing.
    pub fn is_empty(&self) -> bool {
        self.segments.iter().all(|s| self.name(s) == Some(""))
    }

    /// Appends `.name`.
    #[inline]
    fn push_name(&mut self, name: Cow<'a, str>) {
        let segment = match name {
            Cow::Borrowed(name) => Segment::Name(name),
            Cow::Owned(name) => {
                self.owned.push((self.segments.len(), name));
                Segment::Owned(self.owned.len() - 1)
            }
        };
        self.segments.push(segment);
    }

    /// Goes back to `len` segments.
    #[inline]
    pub fn truncate(&mut self, len: usize) {
        self.segments.truncate(len);
        if !self.owned.is_empty() {
            self.drop_owned_from(len);
        }
    }

    /// Drops the owned names of the segments from `len` on: the last ones, in path order.
    /// Out of line: nearly every path has none, and the walk pops a segment per member.
    #[inline(never)]
    fn drop_owned_from(&mut self, len: usize) {
        while self.owned.last().is_some_and(|(at, _)| *at >= len) {
            self.owned.pop();
        }
    }

    /// The name of a segment (`None` for an index).
    fn name<'p>(&'p self, segment: &Segment<'p>) -> Option<&'p str> {
        match *segment {
            Segment::Name(name) => Some(name),
            Segment::Owned(i) => {
                debug_assert!(i < self.owned.len(), "an owned segment outlived its name");
                Some(self.owned.get(i).map_or("", |(_, name)| name.as_str()))
            }
            Segment::Index(_) => None,
        }
    }

    /// The FHIRPath, written out.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(64);
        for segment in &self.segments {
            if let Segment::Index(i) = segment {
                let _ = write!(out, "[{i}]");
            } else if let Some(name) = self.name(segment) {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
        }
        out
    }
}

/// One validation run.
pub struct Ctx<'v, 'd, 'a> {
    /// The caller's options.
    pub opts: &'v ValidatorOptions,
    /// The current FHIRPath; walkers push segments and truncate back.
    pub path: Path<'a>,
    /// Containers being walked, innermost last.
    pub containers: Vec<Container<'d, 'a>>,
    /// Depth of `contained` resources being walked.
    pub contained_depth: usize,
    /// Findings so far; line and column are filled in by [`Ctx::finish`].
    pending: Vec<Issue>,
    /// Once the issue cap has been applied: the largest offset kept. A later finding past it
    /// can never be kept, so it is only counted.
    cut_at: Option<usize>,
    /// Findings dropped by the issue cap, and the most serious of them.
    dropped: Dropped,
    /// The parser's duplicate member names, by offset.
    duplicates: &'d [Duplicate],
    /// Which of `duplicates` were reported already (empty when there are none).
    duplicate_reported: Vec<bool>,
}

/// What the issue cap left out: how many findings, by severity, and where the first one is.
#[derive(Default)]
struct Dropped {
    errors: usize,
    warnings: usize,
    notes: usize,
    first_offset: usize,
}

impl Dropped {
    fn count(&self) -> usize {
        self.errors + self.warnings + self.notes
    }

    fn add(&mut self, severity: Severity, offset: usize) {
        if self.count() == 0 || offset < self.first_offset {
            self.first_offset = offset;
        }
        match severity {
            Severity::Fatal | Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Information => self.notes += 1,
        }
    }
}

impl<'v, 'd, 'a> Ctx<'v, 'd, 'a> {
    /// A run with the given options.
    pub fn new(opts: &'v ValidatorOptions) -> Self {
        Ctx {
            opts,
            path: Path {
                segments: Vec::with_capacity(16),
                owned: Vec::new(),
            },
            containers: Vec::new(),
            contained_depth: 0,
            pending: Vec::new(),
            cut_at: None,
            dropped: Dropped::default(),
            duplicates: &[],
            duplicate_reported: Vec::new(),
        }
    }

    /// The parser's duplicate member names (sorted by offset), to be reported where the
    /// walker meets them.
    pub fn set_duplicates(&mut self, duplicates: &'d [Duplicate]) {
        self.duplicates = duplicates;
        self.duplicate_reported = vec![false; duplicates.len()];
    }

    /// Reports the duplicate member name at `offset`, if it is one, at the current path + key.
    /// O(log duplicates): the walker meets every member once.
    #[inline]
    pub fn duplicate_at(&mut self, offset: usize, key: &str) {
        if !self.duplicates.is_empty() {
            self.duplicate_at_slow(offset, key);
        }
    }

    /// [`Ctx::duplicate_at`] when the document has duplicates (rare: kept out of line).
    #[cold]
    fn duplicate_at_slow(&mut self, offset: usize, key: &str) {
        if let Ok(i) = self.duplicates.binary_search_by_key(&offset, |d| d.offset) {
            if std::mem::replace(&mut self.duplicate_reported[i], true) {
                return;
            }
            let len = self.push(key.to_string());
            self.report(
                MessageId::DuplicateMember,
                offset,
                "This member occurs twice in the same object; JSON readers keep one of them silently.",
            );
            self.pop(len);
        }
    }

    /// Reports the duplicates the walker did not meet (inside content it does not walk).
    pub fn report_remaining_duplicates(&mut self) {
        let duplicates = self.duplicates;
        let reported = std::mem::take(&mut self.duplicate_reported);
        for (d, _) in duplicates.iter().zip(reported).filter(|(_, done)| !done) {
            let offset = d.offset;
            self.report(
                MessageId::DuplicateMember,
                offset,
                "A member name occurs twice in the same object; JSON readers keep one of them silently.",
            );
        }
    }

    /// Appends `.name` to the path; returns the length to truncate back to.
    pub fn push(&mut self, name: impl Into<Cow<'a, str>>) -> usize {
        let len = self.path.len();
        self.path.push_name(name.into());
        len
    }

    /// Appends `[i]` to the path; returns the length to truncate back to.
    pub fn push_index(&mut self, i: usize) -> usize {
        let len = self.path.len();
        self.path.segments.push(Segment::Index(i));
        len
    }

    /// Restores the path to a length returned by [`Ctx::push`].
    pub fn pop(&mut self, len: usize) {
        self.path.truncate(len);
    }

    /// Reports a finding at the current path.
    pub fn report(&mut self, message_id: MessageId, offset: usize, message: impl MessageText) {
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
        message: impl MessageText,
        diagnostics: Option<&'static str>,
    ) {
        if self.cut_at.is_some_and(|cut| offset > cut) {
            self.dropped.add(severity, offset);
            return;
        }
        self.pending.push(Issue {
            severity,
            message_id,
            key,
            expression: self.path.text(),
            line: 0,
            column: 0,
            offset,
            message: message.into_message(),
            diagnostics,
        });
        let cap = self.opts.max_issues;
        if cap != 0 && self.pending.len() >= cap.saturating_mul(2) {
            self.keep_first(cap);
        }
    }

    /// Keeps the first `cap` findings in document order (offset, then report order) and
    /// counts the rest as dropped. Called when twice the cap is pending, so the cost stays
    /// O(findings × log cap) and memory O(cap), however many findings a document has.
    fn keep_first(&mut self, cap: usize) {
        self.sort();
        if self.pending.len() > cap {
            for p in self.pending.drain(cap..) {
                self.dropped.add(p.severity, p.offset);
            }
            self.cut_at = self.pending.last().map(|p| p.offset);
        }
    }

    /// Puts the findings in document order (stable: findings at one offset keep the order of
    /// the layers that reported them). The walk reports mostly in order already.
    fn sort(&mut self) {
        if !self.pending.is_sorted_by_key(|p| p.offset) {
            self.pending.sort_by_key(|p| p.offset);
        }
    }

    /// Reports a finding at `path` (instead of the current path).
    pub fn report_at_path(
        &mut self,
        path: &str,
        severity: Severity,
        message_id: MessageId,
        key: Option<&'static str>,
        offset: usize,
        message: impl MessageText,
    ) {
        let saved = std::mem::replace(&mut self.path, Path::from_text(path));
        self.report_full(severity, message_id, key, offset, message, None);
        self.path = saved;
    }

    /// The finding that ends an outcome cut by the issue cap: how many were left out and
    /// where the first of them is. Its severity is that of the most serious one left out,
    /// so a cut outcome is never mistaken for a valid one.
    fn cap_note(&self) -> Issue {
        let d = &self.dropped;
        let severity = if d.errors > 0 {
            Severity::Error
        } else if d.warnings > 0 {
            Severity::Warning
        } else {
            Severity::Information
        };
        let total = d.count();
        Issue {
            severity,
            message_id: MessageId::TooManyIssues,
            key: None,
            expression: String::new(),
            line: 0,
            column: 0,
            offset: d.first_offset,
            message: format!(
                "Not reported: {total} more issue{} ({} error{}, {} warning{}, {} note{}); the \
                 limit is {} issues per document (option max_issues). The first one not \
                 reported is at this position.",
                plural(total),
                d.errors,
                plural(d.errors),
                d.warnings,
                plural(d.warnings),
                d.notes,
                plural(d.notes),
                self.opts.max_issues
            ),
            diagnostics: None,
        }
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

    /// The findings, in document order, with line and column (one pass over the text for
    /// all of them), ending with a note of how many the issue cap left out, if any. Takes the
    /// context by reference: moving it (100 bytes) into this call was a `memory.copy` call
    /// in WebAssembly.
    pub fn finish(&mut self, doc: Option<&Document<'a>>, src: &[u8]) -> Vec<Issue> {
        match self.opts.max_issues {
            0 => self.sort(),
            cap => self.keep_first(cap),
        }
        if self.dropped.count() > 0 {
            let over = self.cap_note();
            self.pending.push(over);
        }
        let text = doc.map_or(src, |d| d.source().as_bytes());
        let mut cursor = PositionCursor::new(text);
        for issue in &mut self.pending {
            (issue.line, issue.column) = cursor.line_col(issue.offset);
        }
        std::mem::take(&mut self.pending)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push<'a>(path: &mut Path<'a>, name: Cow<'a, str>) -> usize {
        let len = path.len();
        path.push_name(name);
        len
    }

    #[test]
    fn owned_names_are_written_out_and_dropped_with_their_segments() {
        let doc = String::from("entry name");
        let mut path = Path::default();
        push(&mut path, Cow::Borrowed(&doc[..5]));
        path.segments.push(Segment::Index(2));
        let back = push(&mut path, Cow::Owned("resource".to_string()));
        push(&mut path, Cow::Borrowed(&doc[6..]));
        push(&mut path, Cow::Owned("given".to_string()));
        assert_eq!(path.text(), "entry[2].resource.name.given");
        assert_eq!(path.owned.len(), 2);

        path.truncate(back + 1);
        assert_eq!(path.text(), "entry[2].resource");
        assert_eq!(
            path.owned,
            [(2, "resource".to_string())],
            "the name past the kept segments is dropped"
        );
        push(&mut path, Cow::Owned("family".to_string()));
        assert_eq!(path.text(), "entry[2].resource.family");

        path.truncate(back);
        assert_eq!(path.text(), "entry[2]");
        assert!(path.owned.is_empty());
        assert!(!path.is_empty());
        path.truncate(0);
        assert!(path.is_empty());
    }
}
