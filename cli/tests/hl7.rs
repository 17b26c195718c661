//! `pfhir hl7 to-bundle` and `pfhir hl7 ack`: outputs and exit statuses (0 Bundle / 1 no
//! Bundle / 2 usage or I/O; `ack` 0 whatever the ACK says), against the HL7 corpus.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");

fn corpus(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/hl7v2")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The corpus's options (options.json) as flags.
const FIXED: &[&str] = &[
    "--tz",
    "+01:00",
    "--fixed-ids",
    "1",
    "--ack-control-id",
    "ACK-1",
    "--ack-time",
    "20260101120000+0100",
];

fn run(args: &[&str]) -> Output {
    Command::new(PFHIR).args(args).output().expect("runs")
}

fn hl7(cmd: &str, extra: &[&str], file: &str) -> Output {
    let mut args = vec!["hl7", cmd];
    args.extend_from_slice(FIXED);
    args.extend_from_slice(extra);
    let path = corpus(file);
    args.push(&path);
    run(&args)
}

fn pretty(bytes: &[u8]) -> String {
    let v: serde_json::Value = serde_json::from_slice(bytes).expect("JSON");
    serde_json::to_string_pretty(&v).unwrap() + "\n"
}

#[test]
fn to_bundle_prints_the_corpus_bundle_and_says_create() {
    let out = hl7("to-bundle", &[], "001-a04-cip-v251.hl7");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected = std::fs::read_to_string(corpus("001-a04-cip-v251.bundle.json")).unwrap();
    assert_eq!(pretty(&out.stdout), expected);
    assert!(String::from_utf8_lossy(&out.stderr).contains("ADT^A04 -> create"));
}

#[test]
fn to_bundle_of_an_update_says_update() {
    let out = hl7(
        "to-bundle",
        &["--patient-id", "abc-123"],
        "022-a08-update-platform-id.hl7",
    );
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ADT^A08 -> update"), "{stderr}");
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bundle["entry"][1]["resource"]["id"], "abc-123");
}

#[test]
fn to_bundle_failure_reports_on_stderr_or_as_json() {
    let out = hl7("to-bundle", &[], "102-bad-birth-date.hl7");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[PFHIR-H0304] PID-7 (line 3, column 53)"),
        "{stderr}"
    );
    assert!(!stderr.contains("19801345"), "no patient value: {stderr}");

    let out = hl7("to-bundle", &["--json"], "102-bad-birth-date.hl7");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "one JSON line");
    let expected = std::fs::read_to_string(corpus("102-bad-birth-date.outcome.json")).unwrap();
    assert_eq!(pretty(text.as_bytes()), expected);
}

#[test]
fn ack_prints_the_corpus_ack_and_exits_0_whatever_it_says() {
    for name in [
        "001-a04-cip-v251",
        "102-bad-birth-date",
        "105-unsupported-event-a03",
        "106-truncated-msh",
    ] {
        let out = hl7("ack", &[], &format!("{name}.hl7"));
        assert_eq!(out.status.code(), Some(0), "{name}");
        let expected = std::fs::read(corpus(&format!("{name}.ack.hl7"))).unwrap();
        assert_eq!(out.stdout, expected, "{name}");
    }
}

#[test]
fn hl7_reads_stdin_and_maps_namespaces() {
    let message = std::fs::read(corpus("008-several-identifiers.hl7")).unwrap();
    let mut args = vec!["hl7", "to-bundle"];
    args.extend_from_slice(FIXED);
    args.extend_from_slice(&["--hl7-authority", "HOSP=urn:oid:2.16.724.4.2.1", "-"]);
    let mut child = Command::new(PFHIR)
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&message).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let expected = std::fs::read_to_string(corpus("008-several-identifiers.bundle.json")).unwrap();
    assert_eq!(pretty(&out.stdout), expected);
}

#[test]
fn usage_and_io_errors_exit_2() {
    for extra in [
        &["--tz", "Europe/Madrid"][..],
        &["--hl7-authority", "HOSP"],
        &["--charset", "KOI8"],
    ] {
        let mut args = vec!["hl7", "to-bundle"];
        args.extend_from_slice(extra);
        let path = corpus("001-a04-cip-v251.hl7");
        args.push(&path);
        assert_eq!(run(&args).status.code(), Some(2), "{extra:?}");
    }
    assert_eq!(
        run(&["hl7", "ack", "/nonexistent/x.hl7"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["hl7", "to-bundle", "/nonexistent/x.hl7"])
            .status
            .code(),
        Some(2)
    );
}
