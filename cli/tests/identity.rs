//! Issue #12 items 5 and 6 from the command line, against the sandbox over mutual TLS: a
//! create with `--pkcs12` (AES and legacy files; the password from PFHIR_PKCS12_PASSWORD),
//! with an encrypted key (PFHIR_KEY_PASSWORD); a wrong password exits 2 and never shows;
//! `--trust`: without `--ca` the sandbox's CA is unknown to the system store and to Mozilla's
//! roots, and the system store that holds it (SSL_CERT_FILE, Linux) is trusted. The sandbox
//! runs with the committed identity fixtures of core/tests/fixtures/identity.

use pfhir_sandbox::{Certs, Sandbox, SandboxConfig};
use std::path::PathBuf;
use std::process::{Command, Output};

const PFHIR: &str = env!("CARGO_BIN_EXE_pfhir");
const PASSWORD: &str = "pfhir-test-pw";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/identity")
}

fn sandbox() -> Sandbox {
    let certs = Certs::load(fixtures()).expect("the identity fixtures");
    Sandbox::start(SandboxConfig::with_certs(certs)).expect("sandbox")
}

/// A config file (connection settings, no identity, no CA) in a fresh dir: the dir, the
/// config file, and the dir again as text (for [`new_bundle`]).
fn setup(sb: &Sandbox, name: &str) -> (PathBuf, String, String) {
    let dir =
        std::env::temp_dir().join(format!("pfhir-cli-identity-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("pfhir.toml");
    std::fs::write(
        &config,
        format!(
            "base_url = \"{}\"\norg_id = \"2.16.724.4.2\"\nclient_id = \"1234567890\"\nclient_secret = \"sandbox-secret\"\nmax_attempts = 1\n",
            sb.base_url()
        ),
    )
    .expect("config");
    let c = config.to_string_lossy().into_owned();
    (dir.clone(), c, dir.to_string_lossy().into_owned())
}

/// A Bundle of a new patient (the sandbox refuses a second one with the same identifier).
fn new_bundle(dir: &str) -> String {
    let dir = PathBuf::from(dir);
    let u = pfhir_core::build::uuid_v4().expect("random");
    let input = format!(
        r#"{{"authority":"cip","patientId":"ID{}","familyName":"Cli","diabetes":"type1","organizationOid":"2.16.724.4.2"}}"#,
        &u[..8].to_uppercase()
    );
    let input_path = dir.join("input.json");
    std::fs::write(&input_path, input).expect("input");
    let built = Command::new(PFHIR)
        .args(["build", &input_path.to_string_lossy()])
        .output()
        .expect("build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let bundle = dir.join("bundle.json");
    std::fs::write(&bundle, &built.stdout).expect("bundle");
    bundle.to_string_lossy().into_owned()
}

fn create(config: &str, dir: &str, args: &[String], env: &[(&str, &str)]) -> Output {
    let bundle = new_bundle(dir);
    let mut cmd = Command::new(PFHIR);
    cmd.args(["create", "--json", "--config", config])
        .args(args)
        .arg(&bundle);
    for var in [
        "PFHIR_PKCS12_PASSWORD",
        "PFHIR_KEY_PASSWORD",
        "PFHIR_TRUST",
        "PFHIR_CA",
        "PFHIR_CERT",
        "PFHIR_KEY",
        "PFHIR_PKCS12",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("runs")
}

fn fx(name: &str) -> String {
    fixtures().join(name).to_string_lossy().into_owned()
}

fn flags(pairs: &[(&str, &str)]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(k, v)| [format!("--{k}"), v.to_string()])
        .collect()
}

fn assert_created(out: &Output, what: &str) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        v["patientId"].as_str().is_some_and(|s| !s.is_empty()),
        "{what}: {v}"
    );
}

#[test]
fn create_with_pkcs12_and_encrypted_keys_and_wrong_passwords() {
    let sb = sandbox();
    let (dir, config, bundle) = setup(&sb, "id");
    let ca = fx("ca.pem");
    for file in ["client.p12", "client-legacy.p12"] {
        let out = create(
            &config,
            &bundle,
            &flags(&[("pkcs12", &fx(file)), ("ca", &ca)]),
            &[("PFHIR_PKCS12_PASSWORD", PASSWORD)],
        );
        assert_created(&out, file);
        let wrong = create(
            &config,
            &bundle,
            &flags(&[("pkcs12", &fx(file)), ("ca", &ca)]),
            &[("PFHIR_PKCS12_PASSWORD", "cli-wrong-pw-42")],
        );
        let err = String::from_utf8_lossy(&wrong.stderr);
        assert_eq!(wrong.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains("wrong password"), "{file}: {err}");
        assert!(!err.contains("cli-wrong-pw-42"), "{file}: {err}");
        // no password at all: named, with where to give it
        let none = create(
            &config,
            &bundle,
            &flags(&[("pkcs12", &fx(file)), ("ca", &ca)]),
            &[],
        );
        let err = String::from_utf8_lossy(&none.stderr);
        assert_eq!(none.status.code(), Some(2), "{err}");
        assert!(err.contains("PFHIR_PKCS12_PASSWORD"), "{err}");
    }
    for key in ["client-key-aes.pem", "client-key-scrypt.pem"] {
        let args = flags(&[("cert", &fx("client.pem")), ("key", &fx(key)), ("ca", &ca)]);
        assert_created(
            &create(&config, &bundle, &args, &[("PFHIR_KEY_PASSWORD", PASSWORD)]),
            key,
        );
        let wrong = create(
            &config,
            &bundle,
            &args,
            &[("PFHIR_KEY_PASSWORD", "nope-77")],
        );
        let err = String::from_utf8_lossy(&wrong.stderr);
        assert_eq!(wrong.status.code(), Some(2), "{key}: {err}");
        assert!(
            err.contains("wrong password") && !err.contains("nope-77"),
            "{err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn trust_store_choice() {
    let sb = sandbox();
    let (dir, config, bundle) = setup(&sb, "trust");
    let identity = [("cert", fx("client.pem")), ("key", fx("client-key.pem"))];
    let with = |extra: &[(&str, &str)]| {
        let mut pairs: Vec<(&str, &str)> = identity.iter().map(|(k, v)| (*k, v.as_str())).collect();
        pairs.extend_from_slice(extra);
        flags(&pairs)
    };
    for trust in [None, Some("system"), Some("mozilla")] {
        let args = match trust {
            Some(t) => with(&[("trust", t)]),
            None => with(&[]),
        };
        let out = create(&config, &bundle, &args, &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{trust:?}");
        assert!(
            err.contains("not signed by a trusted CA"),
            "{trust:?}: {err}"
        );
    }
    let bad = create(&config, &bundle, &with(&[("trust", "windows")]), &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("trust must be system or mozilla"));
    // The operating system's store that holds the CA (Linux: SSL_CERT_FILE).
    if cfg!(all(unix, not(target_vendor = "apple"))) {
        let out = create(
            &config,
            &bundle,
            &with(&[("trust", "system")]),
            &[("SSL_CERT_FILE", &fx("ca.pem"))],
        );
        assert_created(&out, "system store with the CA");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
