//! Every official STU3 example gives zero error-level issues under base validation, and
//! strict reading accepts it.

use pfhir_core::model::{self, ReadMode, Resource};
use pfhir_core::validate::Validator;
use std::path::Path;

/// Official examples that are themselves wrong, with the one error pfhir must report for each.
const KNOWN_WRONG: &[(&str, &str, &str)] = &[
    // Its contained Organization carries a narrative, which dom-1 forbids
    // (`contained.text.empty()`, severity error).
    ("Patient-null.json", "dom-1", "Patient.contained[1]"),
];

#[test]
fn official_examples_are_valid_stu3() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor/fhir-stu3/examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let v = Validator::base();
    let mut failures = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        let outcome = v.validate(&bytes);
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for i in outcome.issues.iter().filter(|i| i.severity.is_error()) {
            if KNOWN_WRONG.contains(&(name.as_str(), i.key.unwrap_or(""), i.expression.as_str())) {
                continue;
            }
            failures.push(format!(
                "{}: {}:{} {} {} {}",
                f.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                i.line,
                i.column,
                i.message_id,
                i.expression,
                i.message
            ));
        }
        for (file, key, path) in KNOWN_WRONG.iter().filter(|k| k.0 == name) {
            let found = outcome
                .issues
                .iter()
                .any(|i| i.key == Some(*key) && i.expression == *path);
            assert!(
                found,
                "{file}: the known error {key} at {path} is no longer reported"
            );
        }
        if let Err(e) = model::from_slice::<Resource>(&bytes, ReadMode::Strict) {
            failures.push(format!("{}: strict read: {e}", f.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} errors:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
