//! The HL7 v2 corpus (`tests/fixtures/hl7v2/`): every message is converted with the options
//! of `options.json` (and its own `NAME.options.json`), and must give byte for byte its
//! `NAME.outcome.json` (the issues as an OperationOutcome), its `NAME.bundle.json` (the
//! Bundle, when one results) and its `NAME.ack.hl7`; and its ACK code, event kind and the
//! (message id, HL7 location) of its error issues must be those of the hand-written
//! `NAME.expected.json`.
//!
//! `PFHIR_BLESS=1 cargo test -p pfhir-core --test hl7v2_fixtures` rewrites the generated
//! files (never `.expected.json`); review every diff before committing it.

use pfhir_core::build::IdsInput;
use pfhir_core::hl7v2::{ack, parse_offset, Charset, Converter, Hl7Options};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/hl7v2")
}

fn messages() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("tests/fixtures/hl7v2")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.ends_with(".hl7") && !n.ends_with(".ack.hl7")
        })
        .collect();
    files.sort();
    files
}

fn sibling(input: &Path, suffix: &str) -> PathBuf {
    let name = input.file_name().unwrap().to_string_lossy().into_owned();
    input.with_file_name(format!("{}{suffix}", name.strip_suffix(".hl7").unwrap()))
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The options of one message: `options.json`, then its own file's members over them.
fn options_of(input: &Path) -> Hl7Options {
    let mut all = read_json(&dir().join("options.json"));
    let own = sibling(input, ".options.json");
    if own.exists() {
        for (k, v) in read_json(&own).as_object().expect("options object") {
            all[k] = v.clone();
        }
    }
    let s = |k: &str| all[k].as_str().map(str::to_string);
    let mut o = Hl7Options::default();
    for spec in all["hl7Authorities"].as_array().into_iter().flatten() {
        o.add_namespace(spec.as_str().expect("NS=SYSTEM"))
            .expect("namespace option");
    }
    for a in all["authorities"].as_array().into_iter().flatten() {
        o.extra_authorities
            .push(a.as_str().expect("system").to_string());
    }
    o.utc_offset = s("tz").map(|t| parse_offset(&t).expect("tz option"));
    o.org_id = s("orgId");
    o.source_endpoint = s("sourceEndpoint");
    o.patient_id = s("patientId");
    if let Some(c) = s("charset") {
        o.default_charset = Charset::from_msh18(&c).expect("charset option");
    }
    if let Some(n) = all["maxBytes"].as_u64() {
        o.limits.max_bytes = n as usize;
    }
    let ids = &all["ids"];
    let id = |k: &str| ids[k].as_str().map(str::to_string);
    o.ids = IdsInput {
        bundle: id("bundle"),
        message_header: id("messageHeader"),
        patient: id("patient"),
        condition: id("condition"),
        conditions: Vec::new(),
    };
    o.ack_control_id = s("ackControlId");
    o.ack_time = s("ackTime");
    o
}

fn pretty(json: &[u8]) -> String {
    let v: Value = serde_json::from_slice(json).expect("JSON");
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

/// Compares `actual` with the file, or writes it when blessing; returns a failure line.
fn check(path: &Path, actual: Option<&[u8]>, bless: bool) -> Option<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    if bless {
        match actual {
            Some(a) => std::fs::write(path, a).unwrap(),
            None if path.exists() => std::fs::remove_file(path).unwrap(),
            None => {}
        }
        return None;
    }
    match (actual, std::fs::read(path).ok()) {
        (Some(a), Some(e)) if a == e.as_slice() => None,
        (Some(_), Some(_)) => Some(format!("{name}: differs")),
        (Some(_), None) => Some(format!("{name}: missing")),
        (None, Some(_)) => Some(format!("{name}: exists, but nothing was produced")),
        (None, None) => None,
    }
}

#[test]
fn corpus_gives_expected_bundles_outcomes_and_acks() {
    let files = messages();
    assert!(
        files.len() >= 40,
        "the corpus needs at least 40 messages, found {}",
        files.len()
    );
    let bless = std::env::var("PFHIR_BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let (mut bundles, mut rejected) = (0, 0);
    for input in &files {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let options = options_of(input);
        let converter = Converter::new(options.clone()).expect("options");
        let bytes = std::fs::read(input).unwrap();
        let conv = converter.convert(&bytes);
        assert_eq!(
            converter.convert(&bytes).issues,
            conv.issues,
            "{name}: deterministic"
        );
        let outcome = pretty(conv.outcome_json().as_bytes());
        let bundle = conv.bundle_json().map(|b| pretty(&b));
        let ack_bytes = ack(&conv, &options);
        bundles += usize::from(bundle.is_some());
        rejected += usize::from(conv.ack_code.as_str() != "AA");
        failures.extend(check(
            &sibling(input, ".outcome.json"),
            Some(outcome.as_bytes()),
            bless,
        ));
        failures.extend(check(
            &sibling(input, ".bundle.json"),
            bundle.as_deref().map(str::as_bytes),
            bless,
        ));
        failures.extend(check(&sibling(input, ".ack.hl7"), Some(&ack_bytes), bless));

        // The hand-written expectations.
        let expected_path = sibling(input, ".expected.json");
        let Ok(expected_text) = std::fs::read(&expected_path) else {
            failures.push(format!("{name}: no .expected.json"));
            continue;
        };
        let expected: Value = serde_json::from_slice(&expected_text).expect("expected JSON");
        if expected["ack"] != conv.ack_code.as_str() {
            failures.push(format!(
                "{name}: ACK {} (expected {})",
                conv.ack_code.as_str(),
                expected["ack"]
            ));
        }
        if expected["kind"].as_str() != conv.kind.map(|k| k.as_str()) {
            failures.push(format!(
                "{name}: kind {:?} (expected {})",
                conv.kind, expected["kind"]
            ));
        }
        let errors: Vec<Value> = conv
            .issues
            .iter()
            .filter(|i| i.severity.is_error())
            .map(|i| {
                serde_json::json!([
                    i.message_id,
                    i.location.map(|l| l.to_string()).unwrap_or_default()
                ])
            })
            .collect();
        if expected["errors"] != Value::Array(errors.clone()) {
            failures.push(format!(
                "{name}: errors {errors:?} (expected {})",
                expected["errors"]
            ));
        }
        let ack_text = String::from_utf8_lossy(&ack_bytes);
        assert!(
            ack_text.ends_with('\r') && !ack_text.contains('\n'),
            "{name}: ACK segments end with \\r"
        );
        assert!(
            ack_text.contains(&format!("\rMSA|{}|", conv.ack_code.as_str())),
            "{name}: MSA-1"
        );
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        bundles >= 25 && rejected >= 20,
        "{bundles} Bundles, {rejected} AE/AR"
    );
}

/// No message of the corpus leaks a patient value into its issues or ACK: the names,
/// identifiers and dates of the corpus never appear in a message text.
#[test]
fn issues_and_acks_carry_no_patient_value() {
    let values = [
        "GARCIA",
        "MARIA",
        "AAAA1234567890",
        "19750616",
        "1975",
        "PÉREZ",
        "NÚÑEZ",
        "ROSSI",
        "not-an-email",
        "19801345",
        "klingon",
        "MADRID",
        "5551234",
        "H-12345",
        "AB/12",
    ];
    for input in messages() {
        let options = options_of(&input);
        let conv = Converter::new(options.clone())
            .unwrap()
            .convert(&std::fs::read(&input).unwrap());
        let ack_bytes = ack(&conv, &options);
        let ack_text = String::from_utf8_lossy(&ack_bytes);
        let err_lines: String = ack_text
            .split('\r')
            .filter(|l| l.starts_with("ERR"))
            .collect();
        for issue in &conv.issues {
            for v in values {
                assert!(
                    !issue.message.contains(v),
                    "{}: issue message has a value",
                    input.display()
                );
                assert!(
                    !err_lines.contains(v),
                    "{}: ERR has a value",
                    input.display()
                );
            }
        }
    }
}
