//! Human-readable reports of validation issues, in the style of rustc diagnostics.

use pfhir_core::json::LineIndex;
use pfhir_core::validate::{Issue, Outcome, Severity};
use std::fmt::Write;

/// Renders every issue of `outcome` for the file `name` whose text is `source`.
pub fn render_outcome(name: &str, source: &[u8], outcome: &Outcome) -> String {
    let text = String::from_utf8_lossy(source);
    let index = LineIndex::new(&text);
    let mut out = String::new();
    for issue in &outcome.issues {
        render_issue(&mut out, name, &index, issue, 0);
    }
    out
}

/// Renders one issue; `line_offset` shifts line numbers (NDJSON: the line in the file).
pub fn render_issue(
    out: &mut String,
    name: &str,
    index: &LineIndex<'_>,
    issue: &Issue,
    line_offset: u32,
) {
    let level = match issue.severity {
        Severity::Fatal | Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "note",
    };
    let _ = writeln!(out, "{level}[{}]: {}", issue.message_id, issue.message);
    let line = issue.line + line_offset;
    let _ = writeln!(out, "  --> {name}:{line}:{}", issue.column);
    if issue.line > 0 {
        let (shown, caret_at) = window(index, issue);
        let width = line.to_string().len();
        let _ = writeln!(out, "{:width$} |", "");
        let _ = writeln!(out, "{line} | {shown}");
        let mut label = issue.code().as_str().to_string();
        if let Some(key) = issue.key {
            let _ = write!(label, " ({key})");
        }
        if !issue.expression.is_empty() {
            let _ = write!(label, " at {}", issue.expression);
        }
        let pad: String = shown
            .chars()
            .take(caret_at)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{:width$} | {pad}^ {label}", "");
    }
    out.push('\n');
}

/// At most 60 characters either side of the issue's position on its line, and the caret's
/// place in them (in characters). Found from the issue's byte offset, so each issue costs
/// O(120) however long the line is (a minified megabyte is one line).
fn window<'t>(index: &LineIndex<'t>, issue: &Issue) -> (&'t str, usize) {
    let text = index.line_text(issue.line);
    let mut at = issue
        .offset
        .saturating_sub(index.line_start(issue.line))
        .min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    // A byte order mark is not shown (columns do not count it either).
    let before = text[..at].trim_start_matches('\u{feff}');
    let from = at - before.len()
        + before
            .char_indices()
            .rev()
            .take(60)
            .last()
            .map_or(before.len(), |(i, _)| i);
    let after = &text[at..];
    let to = at + after.char_indices().nth(60).map_or(after.len(), |(i, _)| i);
    (&text[from..to], text[from..at].chars().count())
}

/// `3 errors, 1 warning` style summary of an outcome.
pub fn summary(outcome: &Outcome) -> String {
    let e = outcome.error_count();
    let w = outcome.warning_count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(e, "error"), plural(w, "warning"))
}
