//! Every official STU3 example of the five modelled resources reads into the model and writes
//! back to semantically equal JSON: same members and values, arrays in order, decimal text
//! identical.

use pfhir_core::model::{self, ReadMode, Resource};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../vendor/fhir-stu3/examples")
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("vendor/fhir-stu3/examples exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// The first difference between two JSON values, as a JSON pointer.
fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{path}/{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{path}/{k} missing after round trip")),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{path}/{k} added by round trip"))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items became {}", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (v, w))| first_difference(v, w, &format!("{path}/{i}")))
        }
        (Value::Number(x), Value::Number(y)) => {
            (x.as_str() != y.as_str()).then(|| format!("{path}: number {x} became {y}"))
        }
        _ => (a != b).then(|| format!("{path}: {a} became {b}")),
    }
}

#[test]
fn every_official_example_round_trips() {
    let files = example_files();
    assert!(
        files.len() >= 50,
        "expected the vendored examples, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(file).expect("readable");
        let original: Value = serde_json::from_slice(&bytes).expect("example is JSON");
        let resource: Resource = match model::from_slice(&bytes, ReadMode::Tolerant) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: does not read: {e}"));
                continue;
            }
        };
        if matches!(resource, Resource::Other(_)) {
            failures.push(format!("{name}: read as an unmodelled resource"));
            continue;
        }
        let written: Value =
            serde_json::from_slice(&model::to_vec(&resource)).expect("writes JSON");
        if let Some(d) = first_difference(&original, &written, "") {
            failures.push(format!("{name}: {d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} examples fail:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    println!("{} examples round-tripped", files.len());
}

#[test]
fn decimals_keep_their_text_and_unknown_members_are_kept_in_tolerant_mode() {
    let json = br#"{"resourceType":"Condition","subject":{"reference":"Patient/1"},
        "onsetAge":{"value":1.50,"unit":"a"},"futureElement":{"x":[1.0,2]},
        "_onsetAge":{"id":"q"}}"#;
    let c: model::Condition = model::from_slice(json, ReadMode::Tolerant).expect("reads");
    match &c.onset {
        Some(model::ConditionOnset::Age(age)) => {
            assert_eq!(age.value.as_ref().map(|d| d.as_str()), Some("1.50"))
        }
        other => panic!("unexpected onset {other:?}"),
    }
    assert!(c.extra.contains_key("futureElement"));
    let out = String::from_utf8(model::to_vec(&c)).expect("utf8");
    assert!(out.contains("\"value\":1.50"), "{out}");
    assert!(out.contains("\"futureElement\":{\"x\":[1.0,2]}"), "{out}");
}

#[test]
fn primitive_extensions_and_null_aligned_arrays_survive() {
    let json = br#"{"resourceType":"Patient","birthDate":"1975-06-16",
        "_birthDate":{"extension":[{"url":"http://example.org/x","valueDateTime":"1975-06-16T10:00:00Z"}]},
        "name":[{"given":["A",null,"C"],"_given":[null,{"id":"g2","extension":[{"url":"http://example.org/y","valueCode":"masked"}]},null]}]}"#;
    let p: model::Patient = model::from_slice(json, ReadMode::Tolerant).expect("reads");
    assert_eq!(p.birth_date.as_deref(), Some("1975-06-16"));
    assert_eq!(
        p.birth_date_ext.as_ref().map(|e| e.extension.len()),
        Some(1)
    );
    let name = &p.name[0];
    assert_eq!(
        name.given,
        vec![Some("A".to_string()), None, Some("C".to_string())]
    );
    assert_eq!(name.given_ext.len(), 3);
    assert_eq!(
        name.given_ext[1].as_ref().and_then(|e| e.id.as_deref()),
        Some("g2")
    );
    let back: Value = serde_json::from_slice(&model::to_vec(&p)).expect("json");
    let orig: Value = serde_json::from_slice(json).expect("json");
    assert_eq!(back, orig);
}

#[test]
fn unmodelled_resources_are_kept_as_json() {
    let json = br#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":
        {"resourceType":"Observation","status":"final","valueQuantity":{"value":5.0}}}]}"#;
    let b: model::Bundle = model::from_slice(json, ReadMode::Tolerant).expect("reads");
    let res = b.entry[0].resource.as_ref().expect("resource");
    assert_eq!(res.resource_type(), "Observation");
    assert!(matches!(res, Resource::Other(_)));
    let back: Value = serde_json::from_slice(&model::to_vec(&b)).expect("json");
    assert_eq!(back, serde_json::from_slice::<Value>(json).expect("json"));
}

#[test]
fn debug_never_prints_values() {
    let json = br#"{"resourceType":"Patient","id":"p1","name":[{"family":"Secretname"}],"birthDate":"1975-06-16"}"#;
    let p: model::Patient = model::from_slice(json, ReadMode::Tolerant).expect("reads");
    let dbg = format!("{p:?} {:?}", Resource::from(p.clone()));
    assert!(
        !dbg.contains("Secretname") && !dbg.contains("1975") && !dbg.contains("p1"),
        "{dbg}"
    );
    assert!(
        dbg.contains("birthDate") && dbg.contains("name[1]"),
        "{dbg}"
    );
}

#[test]
fn the_platforms_example_response_reads_tolerantly() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/partner/example-response.json");
    let bytes = std::fs::read(path).expect("vendored example response");
    let b: model::Bundle = model::from_slice(&bytes, ReadMode::Tolerant).expect("reads");
    assert_eq!(b.id.as_deref(), Some("AAAA1234567890"));
    let patient = b.entry.iter().find_map(|e| match &e.resource {
        Some(Resource::Patient(p)) => Some(p),
        _ => None,
    });
    assert_eq!(
        patient.and_then(|p| p.id.as_deref()),
        Some("AAAA1234567890")
    );
}
