//! The partner API of the sandbox, through a real ureq client over mutual TLS.

mod common;

use common::{agent, bundle, create, sandbox, with_patient_id, Req};
use pfhir_sandbox::{Sandbox, SandboxConfig};

#[test]
fn create_read_update_read_v1_and_v2() {
    let sb = sandbox();
    let agent = agent(&sb);

    // v2: a platform-style logical id.
    let answer = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("V2PATIENT1")).ok(&agent);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/fhir+json"));
    let created = answer.json();
    let id2 = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["entry"][1]["resource"]["id"], id2.as_str());
    assert_eq!(created["resourceType"], "Bundle");
    assert!(
        id2.len() == 14
            && id2
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    );

    // v1: the business id.
    let id1 = create(&sb, &agent, false, "V1PATIENT1");
    assert_eq!(id1, "V1PATIENT1");
    assert_eq!(sb.stats().patients, 2);

    for (id, family) in [(&id1, "Pérez Fuster"), (&id2, "Pérez Fuster")] {
        let read = Req::new(&sb, "GET", &format!("Patient/{id}")).ok(&agent);
        assert_eq!(read.status, 200);
        let patient = read.json();
        assert_eq!(patient["resourceType"], "Patient");
        assert_eq!(patient["id"], id.as_str());
        assert_eq!(patient["name"][0]["family"], family);
    }

    // Updates: 200 with an empty body, the id kept.
    let changed_v2 = with_patient_id(
        &bundle("V2PATIENT1").replace("Pérez Fuster", "García"),
        Some(&id2),
    );
    let up = Req::with_body(&sb, "PUT", &format!("v2/Bundle/{id2}"), &changed_v2).ok(&agent);
    assert_eq!(up.status, 200, "{}", String::from_utf8_lossy(&up.body));
    assert!(up.body.is_empty());
    let changed_v1 = bundle("V1PATIENT1").replace("Pérez Fuster", "López");
    let up = Req::with_body(&sb, "PUT", &format!("Bundle/{id1}"), &changed_v1)
        .set("content-type", "application/json; charset=utf-8")
        .ok(&agent);
    assert_eq!(up.status, 200);
    assert!(up.body.is_empty());

    for (id, family) in [(&id1, "López"), (&id2, "García")] {
        let patient = Req::new(&sb, "GET", &format!("Patient/{id}"))
            .ok(&agent)
            .json();
        assert_eq!(patient["id"], id.as_str());
        assert_eq!(patient["name"][0]["family"], family);
    }
    assert_eq!(sb.stats().patients, 2);
}

#[test]
fn unknown_ids_and_paths_are_404() {
    let sb = sandbox();
    let agent = agent(&sb);
    let read = Req::new(&sb, "GET", "Patient/Bj6.1Lq-hvb-28").ok(&agent);
    assert_eq!(read.status, 404);
    assert_eq!(read.issue_codes(), ["not-found"]);
    for path in ["v2/Bundle/Bj6.1Lq-hvb-28", "Bundle/12345678Z"] {
        let put = Req::with_body(&sb, "PUT", path, &bundle("X1")).ok(&agent);
        assert_eq!(put.status, 404);
        assert_eq!(put.issue_codes(), ["not-found"]);
    }
    let other = Req::new(&sb, "GET", "Practitioner/1").ok(&agent);
    assert_eq!(other.status, 404);
    assert_eq!(other.issue_codes(), ["not-found"]);
    let missing = Req::new(&sb, "GET", "Patient/").ok(&agent);
    assert_eq!(missing.status, 400);
    assert_eq!(missing.issue_codes(), ["not-supported"]);
    assert_eq!(sb.stats().patients, 0);
}

#[test]
fn credentials_and_headers() {
    let sb = sandbox();
    let agent = agent(&sb);
    let post = || Req::with_body(&sb, "POST", "v2/Bundle", &bundle("H1"));

    for answer in [
        post().set("client_secret", "wrong").ok(&agent),
        post().set("client_secret", "").ok(&agent),
        post().set("client_id", "999").ok(&agent),
    ] {
        assert_eq!(answer.status, 403);
        assert!(answer.body.is_empty());
        assert!(!String::from_utf8_lossy(&answer.body).contains("sandbox-secret"));
    }

    let org = post().set("org_id", "2.16.724.4.99").ok(&agent);
    assert_eq!(org.status, 403);
    assert_eq!(org.issue_codes(), ["forbidden"]);

    let no_id = post().set("x-origin-request-id", "").ok(&agent);
    assert_eq!(no_id.status, 400);
    assert_eq!(no_id.issue_codes(), ["required"]);

    let xml = post()
        .set("content-type", "application/fhir+xml")
        .ok(&agent);
    assert_eq!(xml.status, 415);
    assert_eq!(xml.issue_codes(), ["not-supported"]);

    assert_eq!(sb.stats().patients, 0);
    // The request id is echoed.
    let ok = post().set("x-origin-request-id", "echo-me").ok(&agent);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("x-origin-request-id"), Some("echo-me"));
}

#[test]
fn invalid_bundle_is_400_with_the_error_issues() {
    let sb = sandbox();
    let agent = agent(&sb);
    // No identifier on the Patient: a missing required element.
    let mut json: serde_json::Value = serde_json::from_str(&bundle("I1")).unwrap();
    json["entry"][1]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("identifier");
    let answer = Req::with_body(&sb, "POST", "v2/Bundle", &json.to_string()).ok(&agent);
    assert_eq!(answer.status, 400);
    let codes = answer.issue_codes();
    assert!(codes.iter().any(|c| c == "required"), "{codes:?}");
    let issues = answer.json()["issue"].as_array().unwrap().clone();
    assert!(issues
        .iter()
        .all(|i| i["severity"] == "error" || i["severity"] == "fatal"));

    let syntax = Req::with_body(&sb, "POST", "v2/Bundle", "{\"resourceType\":").ok(&agent);
    assert_eq!(syntax.status, 400);
    assert!(syntax.issue_codes().iter().any(|c| c == "structure"));
    assert_eq!(sb.stats().patients, 0);
}

#[test]
fn too_long_body_is_413() {
    let sb = Sandbox::start(SandboxConfig {
        max_body_bytes: 16 * 1024,
        ..SandboxConfig::default()
    })
    .unwrap();
    let agent = agent(&sb);
    let padded = bundle("L1").replacen('{', &format!("{{{}", " ".repeat(200 * 1024)), 1);
    let answer = Req::with_body(&sb, "POST", "v2/Bundle", &padded).ok(&agent);
    assert_eq!(answer.status, 413);
    assert_eq!(answer.issue_codes(), ["too-long"]);
    assert_eq!(sb.stats().patients, 0);
    // The sandbox still works afterwards.
    create(&sb, &agent, true, "L2");
}

#[test]
fn duplicate_identifier_is_409() {
    let sb = sandbox();
    let agent = agent(&sb);
    create(&sb, &agent, true, "D1");
    for path in ["v2/Bundle", "Bundle"] {
        let again = Req::with_body(&sb, "POST", path, &bundle("D1")).ok(&agent);
        assert_eq!(again.status, 409);
        assert_eq!(again.issue_codes(), ["invalid"]);
        assert_eq!(
            again.json()["issue"][0]["diagnostics"],
            "duplicate identifier"
        );
    }
    // An update may not take another patient's identifier either.
    let other = create(&sb, &agent, true, "D2");
    let steal = with_patient_id(&bundle("D1"), Some(&other));
    let steal = Req::with_body(&sb, "PUT", &format!("v2/Bundle/{other}"), &steal).ok(&agent);
    assert_eq!(steal.status, 409);
    assert_eq!(sb.stats().patients, 2);
}

#[test]
fn duplicate_email_is_409() {
    let sb = sandbox();
    let agent = agent(&sb);
    let email = |id: &str| {
        bundle(id).replace(
            r#""system": "phone",
            "value": "123456789""#,
            r#""system": "email",
            "value": "manolo@example.org""#,
        )
    };
    let first = Req::with_body(&sb, "POST", "v2/Bundle", &email("E1")).ok(&agent);
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let second = Req::with_body(&sb, "POST", "v2/Bundle", &email("E2")).ok(&agent);
    assert_eq!(second.status, 409);
    assert_eq!(second.json()["issue"][0]["diagnostics"], "duplicate email");
}

#[test]
fn idempotent_replay() {
    let sb = sandbox();
    let agent = agent(&sb);
    let req = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("R1"));
    let first = req.ok(&agent);
    assert_eq!(first.status, 200);
    let again = req.ok(&agent);
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    assert_eq!(sb.stats().patients, 1);

    // Same request id, different body: refused, nothing stored.
    let different = req.clone();
    let different = Req {
        body: Some(bundle("R2").into_bytes()),
        ..different
    };
    let conflict = different.ok(&agent);
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.issue_codes(), ["invalid"]);
    assert_eq!(sb.stats().patients, 1);

    // A replayed update answers 200 again without changing anything else.
    let id = first.json()["id"].as_str().unwrap().to_string();
    let update = with_patient_id(&bundle("R1"), Some(&id));
    let update = Req::with_body(&sb, "PUT", &format!("v2/Bundle/{id}"), &update);
    assert_eq!(update.ok(&agent).status, 200);
    assert_eq!(update.ok(&agent).status, 200);
    assert_eq!(sb.stats().patients, 1);
}

#[test]
fn keep_alive_reuses_connections() {
    let sb = sandbox();
    let agent = agent(&sb);
    let id = create(&sb, &agent, true, "K1");
    for _ in 0..20 {
        let read = Req::new(&sb, "GET", &format!("Patient/{id}")).ok(&agent);
        assert_eq!(read.status, 200);
    }
    let stats = sb.stats();
    assert_eq!(stats.requests, 21);
    assert!(stats.tls_handshakes <= 2, "{stats:?}");
}

#[test]
fn admin_endpoints() {
    let sb = sandbox();
    let agent = agent(&sb);
    let base = format!("https://{}/_sandbox/", sb.addr());
    let rule = r#"{"method": "GET", "pathPrefix": "Patient", "times": 2,
        "fault": {"kind": "status", "status": 503, "retryAfter": 1,
                  "outcome": {"code": "transient", "diagnostics": "maintenance"}}}"#;
    let mut push = agent
        .post(format!("{base}faults"))
        .header("content-type", "application/json")
        .send(rule)
        .unwrap();
    assert_eq!(push.status(), 200);
    let pending: serde_json::Value =
        serde_json::from_slice(&push.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(pending["pending"], 1);
    assert_eq!(sb.faults().pending(), 1);

    let read = Req::new(&sb, "GET", "Patient/x").ok(&agent);
    assert_eq!(read.status, 503);
    assert_eq!(read.header("retry-after"), Some("1"));
    assert_eq!(read.issue_codes(), ["transient"]);

    let mut clear = agent.delete(format!("{base}faults")).call().unwrap();
    assert_eq!(clear.status(), 200);
    let _ = clear.body_mut().read_to_vec();
    assert_eq!(sb.faults().pending(), 0);
    assert_eq!(Req::new(&sb, "GET", "Patient/x").ok(&agent).status, 404);

    let mut bad = agent
        .post(format!("{base}faults"))
        .send(r#"{"fault": {"kind": "explode"}}"#)
        .unwrap();
    assert_eq!(bad.status(), 400);
    let _ = bad.body_mut().read_to_vec();
    assert_eq!(sb.faults().pending(), 0);

    let mut stats = agent.get(format!("{base}stats")).call().unwrap();
    let stats: serde_json::Value =
        serde_json::from_slice(&stats.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(stats["patients"], 0);
    assert!(stats["tlsHandshakes"].as_u64().unwrap() >= 1);
}

#[test]
fn concurrent_clients_and_concurrent_retries() {
    let sb = sandbox();
    let shared = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("C-SHARED"));
    std::thread::scope(|s| {
        for t in 0..6 {
            let sb = &sb;
            let shared = &shared;
            s.spawn(move || {
                let agent = agent(sb);
                for n in 0..5 {
                    create(sb, &agent, t % 2 == 0, &format!("C{t}N{n}"));
                }
                // Every thread sends the same request (same request id): one patient.
                assert_eq!(shared.ok(&agent).status, 200);
            });
        }
    });
    assert_eq!(sb.stats().patients, 31);
}
