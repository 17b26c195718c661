//! The builder's output, byte for byte: every `tests/fixtures/build/NAME.input.json` (a
//! PatientInput in its JSON form, with `NAME.options.json` for the BuildOptions when there
//! is one) must give exactly `NAME.bundle.json` (compact JSON, as it is sent). The expected
//! files were made by the builder that serialized the typed model, so they also hold the
//! direct JSON writer to the model's member order and serde_json's escapes.
//!
//! `PFHIR_BLESS=1 cargo test -p pfhir-core --test build_fixtures` rewrites them; review
//! every diff before committing it.

use pfhir_core::build::{build_bundle_checked, read_input_json, BuildOptions};
use pfhir_core::model::{from_slice, to_vec, Bundle, ReadMode};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/build")
}

fn options(path: &Path) -> BuildOptions {
    let mut o = BuildOptions::default();
    let Ok(bytes) = std::fs::read(path) else {
        return o;
    };
    let v: Value = serde_json::from_slice(&bytes).expect("options JSON");
    for a in v["extraAuthorities"].as_array().into_iter().flatten() {
        o.extra_authorities.push(a.as_str().expect("system").into());
    }
    o.source_endpoint = v["sourceEndpoint"].as_str().map(str::to_string);
    o.omit_bundle_id = v["omitBundleId"].as_bool().unwrap_or(false);
    o
}

#[test]
fn every_input_gives_its_bundle_byte_for_byte() {
    let bless = std::env::var_os("PFHIR_BLESS").is_some();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/build")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".input.json"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 4, "the build fixtures are missing");
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.to_string_lossy().replace(".input.json", "");
        let patient = read_input_json(&std::fs::read(input).expect("input")).expect("reads");
        let checked = build_bundle_checked(
            &patient,
            &options(Path::new(&format!("{name}.options.json"))),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        // What the typed model writes for the same Bundle is the same text.
        let typed: Bundle = from_slice(&checked.json, ReadMode::Strict).expect("reads back");
        assert_eq!(to_vec(&typed), checked.json, "{name}: model round trip");
        let expected = Path::new(&format!("{name}.bundle.json")).to_path_buf();
        if bless {
            std::fs::write(&expected, &checked.json).expect("write");
            continue;
        }
        match std::fs::read(&expected) {
            Ok(e) if e == checked.json => {}
            Ok(_) => failures.push(format!("{name}: differs")),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
