//! Documents with hundreds of thousands of findings: the issue cap, the count of what it left
//! out, and positions that stay right on one very long line. (Their speed is measured by
//! `cargo bench -p pfhir-core --bench validate -- adversarial`, never asserted here.)

#[path = "support/adversarial.rs"]
mod adversarial;

use pfhir_core::validate::{IssueCode, MessageId, Severity, Validator, ValidatorOptions};

fn uncapped() -> Validator {
    let mut o = ValidatorOptions::partner();
    o.max_issues = 0;
    Validator::new(o).expect("options")
}

/// The message id every finding of a shape is reported with.
fn shape_id(kind: &str) -> MessageId {
    match kind {
        "type_errors" => MessageId::WrongJsonType,
        "duplicate_keys" => MessageId::DuplicateMember,
        "unknown_members" => MessageId::UnknownElement,
        "bad_dates" => MessageId::InvalidFormat,
        other => panic!("{other}"),
    }
}

#[test]
fn the_default_cap_lists_1000_issues_and_counts_the_rest() {
    let v = Validator::partner();
    for kind in adversarial::KINDS {
        let (doc, n) = adversarial::document(kind, 1024 * 1024 - 200);
        assert!(n > 20_000, "{kind}: {n}");
        let all = uncapped().validate(&doc);
        let shaped = all
            .issues
            .iter()
            .filter(|i| i.message_id == shape_id(kind))
            .count();
        assert_eq!(
            shaped, n,
            "{kind}: every finding is reported without the cap"
        );
        let outcome = v.validate(&doc);
        assert_eq!(outcome.issues.len(), 1001, "{kind}");
        // The listed ones are the first 1000 of the uncapped outcome, in document order.
        assert_eq!(outcome.issues[..1000], all.issues[..1000], "{kind}");
        let last = outcome.issues.last().expect("the cap's issue");
        assert_eq!(last.message_id, MessageId::TooManyIssues, "{kind}");
        assert_eq!(last.code(), IssueCode::TooCostly);
        assert_eq!(
            last.severity,
            Severity::Error,
            "{kind}: errors were left out"
        );
        let left_out = all.issues.len() - 1000;
        assert!(
            last.message
                .starts_with(&format!("Not reported: {left_out} more issues")),
            "{kind}: {}",
            last.message
        );
        assert_eq!(last.offset, all.issues[1000].offset, "{kind}");
        assert_eq!(
            (last.line, last.column),
            (all.issues[1000].line, all.issues[1000].column)
        );
        assert!(outcome.to_json().contains("\"code\":\"too-costly\""));
    }
}

#[test]
fn the_cap_note_takes_the_severity_of_what_it_left_out() {
    // 3 warnings listed, then errors left out: the outcome must still count as invalid.
    let mut o = ValidatorOptions::partner();
    o.max_issues = 1;
    let v = Validator::new(o).expect("options");
    let (doc, _) = adversarial::document("type_errors", 200);
    let outcome = v.validate(&doc);
    assert_eq!(outcome.issues.len(), 2);
    assert!(outcome.has_errors());
    assert_eq!(outcome.issues[1].message_id, MessageId::TooManyIssues);
}

#[test]
fn positions_on_a_minified_megabyte_are_exact() {
    let (doc, _) = adversarial::document("bad_dates", 1024 * 1024 - 200);
    let outcome = uncapped().validate(&doc);
    let text = std::str::from_utf8(&doc).expect("utf-8");
    for issue in outcome.issues.iter().step_by(997) {
        assert_eq!(issue.line, 1);
        let col = text[..issue.offset].chars().count() as u32 + 1;
        assert_eq!(issue.column, col, "{}", issue.expression);
    }
}

#[test]
fn a_cap_of_zero_means_no_cap_and_a_valid_document_is_untouched() {
    let good = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/partner/good-bundle.json"
    ))
    .expect("good bundle");
    assert_eq!(
        uncapped().validate(&good).issues,
        Validator::partner().validate(&good).issues
    );
}
