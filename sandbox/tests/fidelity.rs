//! Fidelity (issue #11): updates cannot hit the wrong patient, de-duplication can be turned
//! off, and a fault can answer a create with any 200 body.

mod common;

use common::{agent, bundle, create, sandbox, with_patient_id, Req};
use pfhir_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
use serde_json::{json, Value};

/// The one issue of an OperationOutcome answer: (code, expression).
fn issue(answer: &common::Answer) -> (String, Vec<Value>) {
    let codes = answer.issue_codes();
    assert_eq!(codes.len(), 1, "{codes:?}");
    let json = answer.json();
    let expression = json["issue"][0]["expression"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    (codes[0].clone(), expression)
}

/// Before: the sandbox answered 200 and overwrote Patient.id with the path id, hiding that
/// the Bundle (here with the builder's fresh UUID as Patient.id) named another patient.
#[test]
fn v2_update_with_another_patient_id_is_400_and_changes_nothing() {
    let sb = sandbox();
    let agent = agent(&sb);
    let id = create(&sb, &agent, true, "U2MISMATCH");
    let changed = bundle("U2MISMATCH").replace("Pérez Fuster", "García");
    let path = format!("v2/Bundle/{id}");

    // The fixture's Patient.id is a UUID, not the platform's id.
    assert!(!changed.contains(&id));
    let wrong = Req::with_body(&sb, "PUT", &path, &changed).ok(&agent);
    assert_eq!(wrong.status, 400);
    assert_eq!(
        issue(&wrong),
        (
            "invalid".to_string(),
            vec![json!("Bundle.entry[1].resource.id")]
        )
    );
    assert!(wrong.json()["issue"][0]["diagnostics"]
        .as_str()
        .is_some_and(|d| d.contains("differs from the id in the path")));
    // No id is echoed.
    let text = String::from_utf8_lossy(&wrong.body);
    assert!(!text.contains(&id) && !text.contains("abdca832"), "{text}");

    // A Patient without an id: refused too (FHIR's update requires it).
    let missing = with_patient_id(&changed, None);
    let missing = Req::with_body(&sb, "PUT", &path, &missing).ok(&agent);
    assert_eq!(missing.status, 400);
    assert_eq!(
        issue(&missing),
        (
            "required".to_string(),
            vec![json!("Bundle.entry[1].resource.id")]
        )
    );
    assert!(missing.json()["issue"][0]["diagnostics"]
        .as_str()
        .is_some_and(|d| d.contains("The Patient has no id")));

    // Nothing changed.
    let read = Req::new(&sb, "GET", &format!("Patient/{id}"))
        .ok(&agent)
        .json();
    assert_eq!(read["id"], id.as_str());
    assert_eq!(read["name"][0]["family"], "Pérez Fuster");

    // With the right id, the update goes through.
    let right = with_patient_id(&changed, Some(&id));
    assert_eq!(
        Req::with_body(&sb, "PUT", &path, &right).ok(&agent).status,
        200
    );
    let read = Req::new(&sb, "GET", &format!("Patient/{id}"))
        .ok(&agent)
        .json();
    assert_eq!(read["name"][0]["family"], "García");
    assert_eq!(sb.stats().patients, 1);
}

/// Before: `PUT Bundle/{business id}` with a Bundle of another identifier replaced the
/// patient's identifier without a word.
#[test]
fn v1_update_with_another_business_id_is_400_and_changes_nothing() {
    let sb = sandbox();
    let agent = agent(&sb);
    let id = create(&sb, &agent, false, "U1FIRST");
    let wrong = Req::with_body(&sb, "PUT", &format!("Bundle/{id}"), &bundle("U1OTHER")).ok(&agent);
    assert_eq!(wrong.status, 400);
    assert_eq!(
        issue(&wrong),
        (
            "invalid".to_string(),
            vec![json!("Bundle.entry[1].resource.identifier[0].value")]
        )
    );
    assert!(!String::from_utf8_lossy(&wrong.body).contains("U1"));
    let read = Req::new(&sb, "GET", &format!("Patient/{id}"))
        .ok(&agent)
        .json();
    assert_eq!(read["identifier"][0]["value"], "U1FIRST");

    // The v1 Patient.id is not checked; the stored Patient keeps its id.
    let right = bundle("U1FIRST").replace("Pérez Fuster", "López");
    assert_eq!(
        Req::with_body(&sb, "PUT", &format!("Bundle/{id}"), &right)
            .ok(&agent)
            .status,
        200
    );
    let read = Req::new(&sb, "GET", &format!("Patient/{id}"))
        .ok(&agent)
        .json();
    assert_eq!(read["id"], "U1FIRST");
    assert_eq!(read["name"][0]["family"], "López");
}

/// With de-duplication off, a repeated request id is a new request: the same create again
/// is a second create of the same identifier (409), and different creates under one
/// request id create two patients.
#[test]
fn without_dedup_a_repeated_request_id_is_processed_again() {
    let sb = Sandbox::start(SandboxConfig {
        dedup: false,
        ..SandboxConfig::default()
    })
    .expect("sandbox");
    let agent = agent(&sb);
    assert!(!sb.dedup());
    let first = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("ND1"));
    assert_eq!(first.ok(&agent).status, 200);
    let again = first.ok(&agent);
    assert_eq!(again.status, 409);
    assert_eq!(
        again.json()["issue"][0]["diagnostics"],
        "duplicate identifier"
    );
    assert_eq!(sb.stats().patients, 1);

    let other = Req {
        body: Some(bundle("ND2").into_bytes()),
        ..first.clone()
    };
    assert_eq!(other.ok(&agent).status, 200);
    assert_eq!(sb.stats().patients, 2);

    // Turned back on: the same request id with a new body is refused, the same body
    // replayed.
    sb.set_dedup(true);
    let third = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("ND3"));
    let created = third.ok(&agent);
    assert_eq!(created.status, 200);
    assert_eq!(third.ok(&agent).body, created.body);
    let reuse = Req {
        body: Some(bundle("ND4").into_bytes()),
        ..third
    };
    assert_eq!(reuse.ok(&agent).status, 409);
    assert_eq!(sb.stats().patients, 3);
}

/// Tests in other languages flip de-duplication over HTTP.
#[test]
fn dedup_is_a_setting_of_the_admin_api() {
    let sb = sandbox();
    let agent = agent(&sb);
    let url = format!("https://{}/_sandbox/settings", sb.addr());
    let read_json = |mut r: ureq::http::Response<ureq::Body>| -> (u16, Value) {
        let status = r.status().as_u16();
        let body = r.body_mut().read_to_vec().expect("body");
        (status, serde_json::from_slice(&body).expect("JSON"))
    };
    let (status, settings) = read_json(agent.get(&url).call().expect("GET"));
    assert_eq!((status, settings), (200, json!({"dedup": true})));

    let (status, settings) = read_json(agent.post(&url).send(r#"{"dedup": false}"#).expect("POST"));
    assert_eq!((status, settings), (200, json!({"dedup": false})));
    assert!(!sb.dedup());
    let req = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("NDH1"));
    assert_eq!(req.ok(&agent).status, 200);
    assert_eq!(req.ok(&agent).status, 409);

    for bad in [r#"{"dedup": "no"}"#, r#"{"dedupe": false}"#, "[]", "{"] {
        let (status, _) = read_json(agent.post(&url).send(bad).expect("POST"));
        assert_eq!(status, 400, "{bad}");
    }
    assert!(!sb.dedup());
    let (_, settings) = read_json(agent.post(&url).send(r#"{"dedup": true}"#).expect("POST"));
    assert_eq!(settings, json!({"dedup": true}));
    assert!(sb.dedup());
}

/// A status fault with a JSON body answers a create with exactly that body, served as
/// FHIR JSON, and stores nothing: clients get odd 200s to read. (Before: served as
/// text/plain.)
#[test]
fn status_fault_answers_a_create_with_a_given_json_200() {
    let sb = sandbox();
    let agent = agent(&sb);
    // A Bundle without Bundle.id, and a Patient whose `given` is a string.
    let odd = r#"{"resourceType":"Bundle","type":"message","entry":[{"resource":{"resourceType":"MessageHeader"}},{"resource":{"resourceType":"Patient","id":"Bj6.1Lq-hvb-28","name":[{"given":"Manolo"}]}}]}"#;
    sb.faults().push(FaultRule {
        method: Some("POST".into()),
        path_prefix: Some("v2/Bundle".into()),
        times: 1,
        fault: Fault::Status {
            status: 200,
            outcome: None,
            retry_after: None,
            body: Some(odd.into()),
        },
    });
    let answer = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("J1")).ok(&agent);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/fhir+json"));
    assert_eq!(answer.body, odd.as_bytes());
    assert_eq!(sb.stats().patients, 0);

    // The same over HTTP, with malformed JSON.
    let rule = json!({"method": "POST", "pathPrefix": "v2/Bundle",
        "fault": {"kind": "status", "status": 200, "body": "{\"resourceType\":\"Bundle\","}});
    let pushed = agent
        .post(format!("https://{}/_sandbox/faults", sb.addr()))
        .send(rule.to_string())
        .expect("push");
    assert_eq!(pushed.status(), 200);
    let answer = Req::with_body(&sb, "POST", "v2/Bundle", &bundle("J2")).ok(&agent);
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("application/fhir+json"));
    assert_eq!(answer.body, b"{\"resourceType\":\"Bundle\",");
    assert_eq!(sb.stats().patients, 0);
    // Then creates work again.
    create(&sb, &agent, true, "J3");
}
