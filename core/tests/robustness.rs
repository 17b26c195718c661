//! Hostile inputs get the right issue, quickly and without a crash; one validator serves
//! many threads.

use pfhir_core::validate::{MessageId, Severity, Validator};
use std::sync::Arc;

fn only_issue(bytes: &[u8]) -> (MessageId, Severity, u32, u32) {
    let out = Validator::partner().validate(bytes);
    assert_eq!(out.issues.len(), 1, "{:?}", out.issues);
    let i = &out.issues[0];
    (i.message_id, i.severity, i.line, i.column)
}

#[test]
fn a_100_mb_document_is_too_long() {
    let big = vec![b' '; 100 * 1024 * 1024];
    let (id, sev, line, col) = only_issue(&big);
    assert_eq!(
        (id, sev, line, col),
        (MessageId::TooLong, Severity::Fatal, 1, 1)
    );
    assert_eq!(id.code().as_str(), "too-long");
}

#[test]
fn a_hundred_thousand_levels_of_nesting_are_refused() {
    let mut s = "{\"a\":".repeat(50_000).into_bytes();
    s.extend(std::iter::repeat_n(b'[', 50_000));
    let (id, sev, _, col) = only_issue(&s);
    assert_eq!((id, sev), (MessageId::TooDeep, Severity::Fatal));
    assert_eq!(col, 64 * 5 + 1, "reported where the 65th level opens");
    assert_eq!(id.code().as_str(), "structure");
}

#[test]
fn invalid_utf8_is_a_structure_issue_at_its_position() {
    let (id, _, line, col) =
        only_issue(b"{\n \"resourceType\": \"Patient\",\n \"id\": \"a\xffb\"\n}");
    assert_eq!((id, line, col), (MessageId::InvalidUtf8, 3, 10));
    assert_eq!(id.code().as_str(), "structure");
}

#[test]
fn the_validator_is_shared_by_eight_threads() {
    let validator = Arc::new(Validator::partner());
    let good = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/partner/good-bundle.json"
    ))
    .expect("fixture");
    let bad = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/partner/example-response.json"
    ))
    .expect("fixture");
    let expected_good = validator.validate(&good);
    let expected_bad = validator.validate(&bad);
    assert!(expected_good.issues.is_empty());
    assert_eq!(expected_bad.error_count(), 3);
    assert_eq!(expected_bad.warning_count(), 1);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let (v, good, bad) = (validator.clone(), good.clone(), bad.clone());
            let (eg, eb) = (expected_good.clone(), expected_bad.clone());
            std::thread::spawn(move || {
                for i in 0..200 {
                    let (input, expected) = if (i + t) % 2 == 0 {
                        (&good, &eg)
                    } else {
                        (&bad, &eb)
                    };
                    assert_eq!(&v.validate(input), expected);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread did not panic");
    }
}

/// Real STU3 resources are larger than a partner message: the official 3.0.x examples
/// CodeSystem-dicom-dcim, ValueSet-c80-doc-typecodes and ig-r4 are 1.5 to 2.3 MB. Base
/// validation takes them (64 MiB limit); the partner profile keeps its 1 MiB message size.
#[test]
fn base_validation_takes_a_multi_megabyte_code_system() {
    let mut doc = String::from(
        "{\"resourceType\":\"CodeSystem\",\"status\":\"active\",\"content\":\"complete\",\"concept\":[",
    );
    let mut n = 0;
    while doc.len() < 3 * 1024 * 1024 {
        if n > 0 {
            doc.push(',');
        }
        doc.push_str(&format!(
            "{{\"code\":\"c{n}\",\"display\":\"A concept of a large generated code system, number {n}\"}}"
        ));
        n += 1;
    }
    doc.push_str("]}");
    let base = Validator::base().validate(doc.as_bytes());
    assert!(
        base.issues
            .iter()
            .all(|i| i.message_id != MessageId::TooLong),
        "{:?}",
        base.issues.first()
    );
    assert!(!base.has_errors());
    let partner = Validator::partner().validate(doc.as_bytes());
    assert_eq!(partner.issues[0].message_id, MessageId::TooLong);
    let mut o = pfhir_core::validate::ValidatorOptions::base();
    o.limits.max_bytes = 1024;
    assert_eq!(
        Validator::new(o)
            .expect("options")
            .validate(doc.as_bytes())
            .issues[0]
            .message_id,
        MessageId::TooLong,
        "a limit the caller sets still applies"
    );
}

/// The string values of a JSON text (not its member names) with `ch` put before and after
/// every ASCII punctuation byte, and an underscore after it: `"Patient/1"` becomes
/// `"Patienté/é_1"`. Code that searches bytes and then slices text one byte off a match
/// (`text[i - 1..]`) panics on such text when `ch` is more than one byte.
fn spiced_string_values(src: &[u8], ch: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(src.len() * 2);
    let mut i = 0;
    while i < src.len() {
        if src[i] != b'"' {
            out.push(src[i]);
            i += 1;
            continue;
        }
        // A string literal from i to its closing quote (escapes skipped over).
        let mut end = i + 1;
        while end < src.len() && src[end] != b'"' {
            end += if src[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(src.len().saturating_sub(1));
        let after = src[end + 1..].iter().find(|b| !b.is_ascii_whitespace());
        let is_name = after == Some(&b':');
        out.push(b'"');
        let mut j = i + 1;
        while j < end {
            let b = src[j];
            if b == b'\\' {
                out.extend_from_slice(&src[j..(j + 2).min(end)]);
                j += 2;
                continue;
            }
            if !is_name && b.is_ascii_punctuation() {
                out.extend_from_slice(ch.as_bytes());
                out.push(b);
                out.extend_from_slice(ch.as_bytes());
                out.push(b'_');
            } else {
                out.push(b);
            }
            j += 1;
        }
        out.extend_from_slice(&src[end..=end]);
        i = end + 1;
    }
    out
}

#[test]
fn characters_of_two_three_and_four_bytes_around_the_punctuation_of_every_string_break_nothing() {
    let dirs = ["tests/fixtures/validation", "tests/fixtures/partner"];
    let mut inputs = Vec::new();
    for dir in dirs {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        for entry in std::fs::read_dir(&dir).expect("fixture folder") {
            let path = entry.expect("entry").path();
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".json")
                && !name.ends_with(".expected.json")
                && !name.ends_with(".outcome.json")
            {
                inputs.push((name, std::fs::read(&path).expect("fixture")));
            }
        }
    }
    assert!(
        inputs.len() > 100,
        "the corpus is missing: {} inputs",
        inputs.len()
    );
    let partner = Validator::partner();
    let base = Validator::base();
    let mut spiced = 0;
    for (name, bytes) in &inputs {
        for ch in ["é", "€", "😀"] {
            let text = spiced_string_values(bytes, ch);
            if text.len() > bytes.len() {
                spiced += 1;
            }
            // Lines end at LF, CRLF or a lone CR, as the validator counts them.
            let breaks = text
                .iter()
                .enumerate()
                .filter(|&(k, &b)| b == b'\n' || (b == b'\r' && text.get(k + 1) != Some(&b'\n')))
                .count();
            let lines = breaks as u32 + 1;
            for validator in [&partner, &base] {
                let out = validator.validate(&text);
                for issue in &out.issues {
                    assert!(
                        issue.line <= lines.max(1),
                        "{name} with {ch}: an issue on line {} of {lines}",
                        issue.line
                    );
                }
                assert!(out
                    .to_json()
                    .starts_with("{\"resourceType\":\"OperationOutcome\""));
            }
        }
    }
    assert!(
        spiced > 300,
        "only {spiced} inputs had punctuation in a string value"
    );
}
