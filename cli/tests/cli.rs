//! The `pfhir` binary's contract: output formats and exit statuses (0 valid / 1 invalid /
//! 2 usage or I/O), stdin, NDJSON, build, sandbox + create/update/read, demo.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Output, Stdio};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/partner")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn run(args: &[&str]) -> Output {
    Command::new(PFHIR).args(args).output().expect("runs")
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(PFHIR)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("writes");
    child.wait_with_output().expect("waits")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn validate_exit_statuses_and_human_report() {
    let good = run(&["validate", &fixture("good-bundle.json")]);
    assert_eq!(good.status.code(), Some(0), "{}", stdout(&good));
    assert!(stdout(&good).contains("0 errors, 0 warnings"));
    let bad = run(&["validate", &fixture("example-response.json")]);
    assert_eq!(bad.status.code(), Some(1));
    let text = stdout(&bad);
    assert!(text.contains("error[PFHIR-V0206]"), "{text}");
    assert!(text.contains("example-response.json:25:23"), "{text}");
    assert!(
        text.contains("^ required at Bundle.entry[0].resource.source.endpoint"),
        "{text}"
    );
    let base = run(&["validate", "--base", &fixture("example-response.json")]);
    assert_eq!(base.status.code(), Some(1));
    assert!(!stdout(&base).contains("partner-condition-subject"));
    assert_eq!(
        run(&["validate", "/no/such/file.json"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["validate"]).status.code(), Some(2));
    assert_eq!(
        run(&[
            "validate",
            "--rule",
            "nope=off",
            &fixture("good-bundle.json")
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&["validate", "--max-depth", "0", &fixture("good-bundle.json")])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn validate_json_prints_one_outcome_per_file() {
    let o = run(&[
        "validate",
        "--json",
        &fixture("good-bundle.json"),
        &fixture("example-response.json"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["resourceType"], "OperationOutcome");
    assert_eq!(lines[0]["issue"][0]["severity"], "information");
    assert_eq!(lines[1]["issue"].as_array().map(Vec::len), Some(4));
}

#[test]
fn validate_reads_stdin_and_ndjson() {
    let good = std::fs::read(fixture("good-bundle.json")).expect("fixture");
    let o = run_stdin(&["validate", "-"], &good);
    assert_eq!(o.status.code(), Some(0));
    let compact = |f: &str| {
        let v: serde_json::Value =
            serde_json::from_slice(&std::fs::read(fixture(f)).expect("fixture")).expect("json");
        serde_json::to_string(&v).expect("compact")
    };
    let ndjson = format!(
        "{}\n{}\n\n{}\n",
        compact("good-bundle.json"),
        compact("example-response.json"),
        compact("good-bundle.json")
    );
    let o = run_stdin(&["validate", "--ndjson", "-"], ndjson.as_bytes());
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("validated 3, valid 2, invalid 1"), "{text}");
    assert!(
        // partner-condition-subject is a warning by default, so no `invalid` error is counted.
        !text.contains("invalid=") && text.contains("structure=2") && text.contains("required=1"),
        "{text}"
    );
    assert!(
        text.contains("<stdin>:2:"),
        "line numbers are the NDJSON lines: {text}"
    );
    let o = run_stdin(&["validate", "--ndjson", "--json", "-"], ndjson.as_bytes());
    assert_eq!(stdout(&o).lines().count(), 3);
    assert!(String::from_utf8_lossy(&o.stderr).contains("validated 3"));
}

#[test]
fn too_long_input_is_refused_without_reading_it_all() {
    let dir = tempdir("toolong");
    let path = dir.join("big.json");
    let f = std::fs::File::create(&path).expect("create");
    f.set_len(200 * 1024 * 1024).expect("sparse 200 MB file");
    let o = run(&["validate", "--json", &path.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("\"code\":\"too-long\""));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn build_turns_patient_input_into_a_valid_bundle() {
    let input = br#"{"authority":"cip","patientId":"CLI123","familyName":"Test","gender":"F","birthDate":"1980-01-02","diabetes":"type2","organizationOid":"2.16.724.4.2"}"#;
    let o = run_stdin(&["build", "-"], input);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = run_stdin(&["validate", "-"], &o.stdout);
    assert_eq!(v.status.code(), Some(0), "{}", stdout(&v));
    let bad = run_stdin(&["build", "-"], br#"{"authority":"cip","patientId":"X","birthDate":"1980-13-02","organizationOid":"2.16.724.4.2"}"#);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("birthDate") && !err.contains("1980-13-02"),
        "{err}"
    );
}

/// Issue #11 item 5: the deployment choices of the builder are flags.
#[test]
fn build_options_authority_endpoint_bundle_id_and_for_update() {
    let input = br#"{"authority":"urn:oid:1.3.6.1.4.1.99999.7.1","patientId":"OPT-1","organizationOid":"2.16.724.4.2","diabetes":"type1"}"#;
    let refused = run_stdin(&["build", "-"], input);
    assert_eq!(refused.status.code(), Some(1), "an authority not accepted");
    let o = run_stdin(
        &[
            "build",
            "--authority",
            "urn:oid:1.3.6.1.4.1.99999.7.1",
            "--source-endpoint",
            "urn:oid:2.16.724.4.2.7",
            "--no-bundle-id",
            "--for-update",
            "Bj6.1Lq-hvb-28",
            "-",
        ],
        input,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let b: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(b.get("id").is_none());
    assert_eq!(
        b["entry"][0]["resource"]["source"]["endpoint"],
        "urn:oid:2.16.724.4.2.7"
    );
    assert_eq!(b["entry"][1]["resource"]["id"], "Bj6.1Lq-hvb-28");
    // --for-update never silently replaces another ids.patient.
    let other = br#"{"authority":"cip","patientId":"OPT-1","organizationOid":"2.16.724.4.2","ids":{"patient":"someone-else"}}"#;
    let clash = run_stdin(&["build", "--for-update", "Bj6.1Lq-hvb-28", "-"], other);
    assert_eq!(clash.status.code(), Some(1));
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pfhir-cli-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tempdir");
    dir
}

#[test]
fn sandbox_then_create_update_read_through_the_cli() {
    let dir = tempdir("sandbox");
    let certs = dir.join("certs");
    let mut sandbox = Command::new(PFHIR)
        .args([
            "sandbox",
            "--certs",
            &certs.to_string_lossy(),
            "--port",
            "0",
            "--client-secret",
            "cli-secret",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("sandbox starts");
    let mut lines = BufReader::new(sandbox.stdout.take().expect("stdout")).lines();
    let first = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("https://"))
        .expect("a line with the base URL");
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("https://"))
        .expect("url")
        .to_string();
    for f in [
        "ca.pem",
        "server.pem",
        "server-key.pem",
        "client.pem",
        "client-key.pem",
    ] {
        assert!(certs.join(f).exists(), "{f} written");
    }
    let config = dir.join("pfhir.toml");
    std::fs::write(
        &config,
        format!("base_url = \"{base}\"\norg_id = \"2.16.724.4.2\"\nclient_id = \"1234567890\"\nclient_secret = \"cli-secret\"\ncert = \"certs/client.pem\"\nkey = \"certs/client-key.pem\"\nca = \"certs/ca.pem\"\ncontent_type = \"application/fhir+json\"\nauthorities = [\"urn:oid:1.3.6.1.4.1.99999.7.1\"]\n"),
    )
    .expect("config");
    let input = br#"{"authority":"cip","patientId":"CLIE2E1","familyName":"Cli","diabetes":"type1","organizationOid":"2.16.724.4.2"}"#;
    let bundle = run_stdin(&["build", "-"], input).stdout;
    let bundle_path = dir.join("bundle.json");
    std::fs::write(&bundle_path, &bundle).expect("bundle");
    let cfg = config.to_string_lossy().into_owned();
    let created = run(&[
        "create",
        "--json",
        "--config",
        &cfg,
        &bundle_path.to_string_lossy(),
    ]);
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let result: serde_json::Value = serde_json::from_slice(&created.stdout).expect("json");
    let id = result["patientId"]
        .as_str()
        .expect("patient id")
        .to_string();
    // The create's Bundle sent as an update of this patient is refused before sending: its
    // Patient.id is the builder's fresh UUID, not the platform's id.
    let refused = run(&[
        "update",
        "--config",
        &cfg,
        &id,
        &bundle_path.to_string_lossy(),
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("update_target_mismatch"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    // `build --for-update ID` makes the right one.
    let update_input = br#"{"authority":"cip","patientId":"CLIE2E1","familyName":"Cli2","diabetes":"type1","organizationOid":"2.16.724.4.2"}"#;
    let update_bundle = run_stdin(&["build", "--for-update", &id, "-"], update_input).stdout;
    let update_path = dir.join("update.json");
    std::fs::write(&update_path, &update_bundle).expect("update bundle");
    let updated = run(&[
        "update",
        "--config",
        &cfg,
        &id,
        &update_path.to_string_lossy(),
    ]);
    // And `update ID` takes a PatientInput too, built for that patient.
    let input_path = dir.join("input.json");
    std::fs::write(&input_path, update_input).expect("input");
    let from_input = run(&[
        "update",
        "--config",
        &cfg,
        &id,
        &input_path.to_string_lossy(),
    ]);
    assert_eq!(
        from_input.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&from_input.stderr)
    );
    assert_eq!(
        updated.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&updated.stderr)
    );
    let read = run(&["read", "--config", &cfg, &id]);
    assert_eq!(read.status.code(), Some(0));
    assert!(stdout(&read).contains("\"resourceType\":\"Patient\""));
    // Flags and environment override the file; a wrong secret is refused (exit 1), never echoed.
    let refused = Command::new(PFHIR)
        .args(["read", "--config", &cfg, &id])
        .env("PFHIR_CLIENT_SECRET", "wrong-secret-value")
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("forbidden") && !err.contains("wrong-secret-value"),
        "{err}"
    );
    let missing = Command::new(PFHIR)
        .args(["read", "x"])
        .env_remove("PFHIR_BASE_URL")
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn demo_runs_the_main_job() {
    let o = run(&["demo"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    assert!(text.contains("phone updated: yes"), "{text}");
    assert!(
        text.contains("create  POST v2/Bundle") && text.contains("HTTP 200"),
        "{text}"
    );
}
