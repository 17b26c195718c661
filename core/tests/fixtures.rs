//! The cross-language conformance corpus (`tests/fixtures/validation/`): every input's issues
//! match its `.expected.json` (severity, code, message id, key, expression, line, column), and
//! the OperationOutcome JSON equals its `.outcome.json` byte for byte. The C, WASM and binding
//! tests replay the same files.
//!
//! `PFHIR_BLESS=1 cargo test -p pfhir-core --test fixtures` rewrites the `.outcome.json` files
//! (never the `.expected.json` ones, which are written and reviewed by hand).

use pfhir_core::json::Limits;
use pfhir_core::validate::{Profile, Validator, ValidatorOptions};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/validation")
}

/// The inputs: every file that is not an `.expected.json` or `.outcome.json`.
fn inputs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/validation")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let n = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            !n.ends_with(".expected.json") && !n.ends_with(".outcome.json") && !n.ends_with(".md")
        })
        .collect();
    files.sort();
    files
}

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".json").unwrap_or(&name);
    input.with_file_name(format!("{stem}{suffix}"))
}

/// The validator options a fixture asks for.
pub fn options_of(expected: &Value) -> ValidatorOptions {
    let mut o = match expected["profile"].as_str() {
        Some("base") => ValidatorOptions::base(),
        _ => ValidatorOptions::partner(),
    };
    let opts = &expected["options"];
    if let Some(rules) = opts["rules"].as_object() {
        for (rule, sev) in rules {
            o.set_severity_by_name(rule, sev.as_str().unwrap_or(""))
                .expect("valid rule option");
        }
    }
    if let Some(auth) = opts["authorities"].as_array() {
        for a in auth {
            o.add_authority(a.as_str().unwrap_or(""))
                .expect("valid authority");
        }
    }
    let mut limits = Limits::default();
    if let Some(n) = opts["maxBytes"].as_u64() {
        limits.max_bytes = n as usize;
    }
    if let Some(n) = opts["maxDepth"].as_u64() {
        limits.max_depth = n as usize;
    }
    o.limits = limits;
    o
}

#[test]
fn corpus_matches_expected_issues_and_outcomes() {
    let files = inputs();
    assert!(
        files.len() >= 40,
        "the corpus needs at least 40 inputs, found {}",
        files.len()
    );
    let bless = std::env::var_os("PFHIR_BLESS").is_some();
    let mut failures = Vec::new();
    for input in &files {
        let name = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected_path = sibling(input, ".expected.json");
        let Ok(expected_text) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: no {}", expected_path.display()));
            continue;
        };
        let expected: Value = serde_json::from_str(&expected_text).expect("expected file is JSON");
        let validator = Validator::new(options_of(&expected)).expect("options");
        assert_eq!(
            validator.options().profile,
            if expected["profile"] == "base" {
                Profile::Base
            } else {
                Profile::Partner
            }
        );
        let outcome = validator.validate(&std::fs::read(input).expect("input"));
        let got: Vec<Value> = outcome
            .issues
            .iter()
            .map(|i| {
                json!({
                    "severity": i.severity.as_str(),
                    "code": i.code().as_str(),
                    "id": i.message_id.to_string(),
                    "key": i.key,
                    "expression": i.expression,
                    "line": i.line,
                    "column": i.column,
                })
            })
            .collect();
        let want = expected["issues"].as_array().cloned().unwrap_or_default();
        if got != want {
            failures.push(format!(
                "{name}:\n  expected {}\n  got      {}",
                serde_json::to_string(&want).unwrap_or_default(),
                serde_json::to_string(&got).unwrap_or_default()
            ));
        }
        let outcome_path = sibling(input, ".outcome.json");
        let json = outcome.to_json();
        if bless {
            std::fs::write(&outcome_path, &json).expect("write outcome");
        } else if std::fs::read_to_string(&outcome_path).ok().as_deref() != Some(json.as_str()) {
            failures.push(format!(
                "{name}: OperationOutcome differs from {} (PFHIR_BLESS=1 rewrites it)",
                outcome_path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
