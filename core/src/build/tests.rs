use super::*;
use crate::validate::{Severity, Validator};

fn full_input() -> PatientInput {
    PatientInput {
        authority: "cip".into(),
        patient_id: "AAAA1234567890".into(),
        family_name: Some("Pérez Fuster".into()),
        given_names: vec!["Manolo".into()],
        gender: Some("M".into()),
        birth_date: Some("19750616".into()),
        phones: vec![PhoneInput {
            value: "123456789".into(),
            use_: Some("home".into()),
        }],
        email: Some("manolo@example.org".into()),
        address: Some(AddressInput {
            lines: vec!["Calle Mayor 1".into()],
            city: Some("Madrid".into()),
            country: Some("ES".into()),
            ..Default::default()
        }),
        diabetes: Some("type1".into()),
        onset: Some("2010-05-01".into()),
        organization_oid: "2.16.724.4.2".into(),
        software_name: Some("IDI_middleware".into()),
        software_version: Some("1.0.0".into()),
        ids: IdsInput {
            bundle: Some("b1".into()),
            message_header: Some("h1".into()),
            patient: Some("p1".into()),
            condition: Some("c1".into()),
            ..Default::default()
        },
        timestamp: Some("2020-03-27T12:21:39.471Z".into()),
        ..Default::default()
    }
}

#[test]
fn the_checked_json_is_the_bundle_serialized_and_fresh_ids_differ() {
    let mut input = full_input();
    input.ids = IdsInput::default();
    let checked = build_bundle_checked(&input, &BuildOptions::default()).expect("builds");
    // The JSON the builder writes is what the typed model writes for the same Bundle.
    let typed = checked.bundle().expect("reads back");
    assert_eq!(checked.json, crate::model::to_vec(&typed));
    // Bundle, MessageHeader, Patient and Condition ids: fresh, distinct UUIDs.
    let text = String::from_utf8(checked.json).expect("utf8");
    let mut ids: Vec<&str> = text
        .match_indices("\"id\":\"")
        .map(|(at, m)| &text[at + m.len()..at + m.len() + 36])
        .collect();
    assert!(ids.len() >= 4, "{text}");
    ids.sort_unstable();
    ids.dedup();
    assert!(ids.len() >= 4, "an id repeats: {text}");
}

#[test]
fn builds_a_bundle_that_passes_partner_validation_without_warnings() {
    let bundle = build_bundle(&full_input()).expect("builds");
    let json = crate::model::to_vec(&bundle);
    let outcome = Validator::partner().validate(&json);
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    let text = String::from_utf8(json).expect("utf8");
    for needle in [
        "\"gender\":\"male\"",
        "\"birthDate\":\"1975-06-16\"",
        "\"reference\":\"Patient/p1\"",
        "\"code\":\"46635009\"",
        "\"endpoint\":\"urn:oid:2.16.724.4.2\"",
        "\"system\":\"urn:oid:2.16.724.4.41\"",
        "\"timestamp\":\"2020-03-27T12:21:39.471Z\"",
    ] {
        assert!(text.contains(needle), "{needle} missing in {text}");
    }
}

#[test]
fn same_input_with_ids_and_timestamp_gives_the_same_bytes() {
    let a = crate::model::to_vec(&build_bundle(&full_input()).expect("a"));
    let b = crate::model::to_vec(&build_bundle(&full_input()).expect("b"));
    assert_eq!(a, b);
}

#[test]
fn generates_ids_and_timestamp_when_not_given() {
    let mut input = full_input();
    input.ids = IdsInput::default();
    input.timestamp = None;
    let b1 = build_bundle(&input).expect("builds");
    let b2 = build_bundle(&input).expect("builds");
    assert_ne!(b1.id, b2.id);
    assert_eq!(b1.id.as_ref().map(String::len), Some(36));
}

#[test]
fn minimal_input_builds_with_only_warnings() {
    let json =
        br#"{"authority":"meteda","patientId":"X1","organizationOid":"urn:oid:2.16.724.4.2"}"#;
    let bundle = build_bundle_from_json(json).expect("builds");
    let outcome = Validator::partner().validate(&crate::model::to_vec(&bundle));
    assert!(!outcome.has_errors());
    assert!(outcome
        .issues
        .iter()
        .all(|i| i.severity == Severity::Warning));
    assert!(outcome
        .issues
        .iter()
        .any(|i| i.key == Some("partner-condition-present")));
}

#[test]
fn errors_name_the_input_field_and_never_the_value() {
    let json = br#"{"authority":"nhs","patientId":" ","birthDate":"1975-13-45","gender":"X",
        "phones":[{"value":"1","use":"pager"}],"email":"no-at-sign","organizationOid":"abc",
        "diabetes":"type3","ids":{"patient":"has space"},"bithDate":"1975"}"#;
    let err = build_bundle_from_json(json).expect_err("refused");
    let BuildError::Input(errors) = &err else {
        panic!("{err:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "bithDate",
            "authority",
            "patientId",
            "gender",
            "birthDate",
            "phones[0].use",
            "email",
            "diabetes",
            "organizationOid",
            "ids.patient"
        ],
        "unknown members and wrong values are all reported: {errors:?}"
    );
    let json = br#"{"authority":"nhs","patientId":" ","birthDate":"1975-13-45","gender":"X",
        "phones":[{"value":"1","use":"pager"}],"email":"no-at-sign","organizationOid":"abc",
        "diabetes":"type3","ids":{"patient":"has space"}}"#;
    let BuildError::Input(errors) = build_bundle_from_json(json).expect_err("refused") else {
        panic!()
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "authority",
            "patientId",
            "gender",
            "birthDate",
            "phones[0].use",
            "email",
            "diabetes",
            "organizationOid",
            "ids.patient"
        ]
    );
    let text = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    for secret in ["1975-13-45", "no-at-sign", "has space", "nhs"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[test]
fn wrong_json_types_are_named() {
    let json = br#"{"authority":"cip","patientId":5,"givenNames":"Ana","organizationOid":"2.16.724.4.2","phones":{"value":"1"}}"#;
    let BuildError::Input(errors) = build_bundle_from_json(json).expect_err("refused") else {
        panic!()
    };
    let fields: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        fields,
        [
            "patientId: must be a string",
            "phones: must be an array of objects"
        ]
    );
    assert!(matches!(
        build_bundle_from_json(b"[1]"),
        Err(BuildError::Json(_))
    ));
    assert!(matches!(
        build_bundle_from_json(b"{"),
        Err(BuildError::Json(_))
    ));
}

#[test]
fn extra_authorities_are_accepted_on_request() {
    let mut input = full_input();
    input.authority = "urn:oid:1.2.3.4".into();
    assert!(matches!(build_bundle(&input), Err(BuildError::Input(_))));
    let opts = BuildOptions {
        extra_authorities: vec!["urn:oid:1.2.3.4".into()],
        ..Default::default()
    };
    assert!(build_bundle_with(&input, &opts).is_ok());
}

/// Issue #11 item 5: the exact source.endpoint and the Bundle.id are the caller's choice.
#[test]
fn source_endpoint_and_bundle_id_are_options() {
    let input = full_input();
    let default = build_bundle(&input).expect("builds");
    assert!(default.id.is_some());
    let opts = BuildOptions {
        source_endpoint: Some("urn:oid:2.16.724.4.2.99".into()),
        omit_bundle_id: true,
        ..Default::default()
    };
    let bundle = build_bundle_with(&input, &opts).expect("builds");
    assert_eq!(bundle.id, None);
    let json = String::from_utf8(crate::model::to_vec(&bundle)).expect("utf8");
    assert!(
        json.contains("\"endpoint\":\"urn:oid:2.16.724.4.2.99\""),
        "{json}"
    );
    let bad = BuildOptions {
        source_endpoint: Some("not a uri".into()),
        ..Default::default()
    };
    match build_bundle_with(&input, &bad) {
        Err(BuildError::Input(fields)) => {
            assert_eq!(fields[0].field, "sourceEndpoint");
            assert!(!fields[0].message.contains("not a uri"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_caller_can_supply_the_clock_and_json_errors_are_their_own_kind() {
    let mut input = full_input();
    input.timestamp = None;
    let opts = BuildOptions {
        now: Some("2021-01-02T03:04:05.678Z".into()),
        ..Default::default()
    };
    let json = String::from_utf8(crate::model::to_vec(
        &build_bundle_with(&input, &opts).expect("builds"),
    ))
    .expect("utf8");
    assert!(json.contains("\"timestamp\":\"2021-01-02T03:04:05.678Z\""));
    for text in [&b"{"[..], b"[1]", b""] {
        let err = build_bundle_from_json(text).expect_err("not an object");
        assert!(matches!(err, BuildError::Json(_)), "{err:?}");
        assert_eq!(err.code(), crate::ErrorCode::Json);
        assert!(!err.to_string().contains("column 0"), "{err}");
    }
}

#[test]
fn input_json_round_trips() {
    let input = full_input();
    let back = PatientInput::from_json(input.to_json().as_bytes()).expect("reads");
    assert_eq!(back, input);
}

/// Everything an EMR can send, in every list form.
fn wide_input() -> PatientInput {
    let coding = |system: &str, code: &str| CodeInput {
        system: system.into(),
        code: code.into(),
        display: None,
    };
    PatientInput {
        identifiers: vec![
            IdentifierInput {
                system: "cip".into(),
                value: "AAAA1234567890".into(),
                use_: Some("official".into()),
                type_: Some("JHN".into()),
                assigner: Some("SERMAS".into()),
            },
            IdentifierInput {
                system: "urn:oid:1.2.3.4.5".into(),
                value: "HC-778".into(),
                type_: Some("MR".into()),
                ..Default::default()
            },
            IdentifierInput {
                system: "urn:oid:2.16.724.4.40".into(),
                value: "12345678Z".into(),
                use_: Some("secondary".into()),
                type_: Some("NNESP".into()),
                ..Default::default()
            },
        ],
        fathers_family: Some("Pérez".into()),
        mothers_family: Some("Fuster".into()),
        given_names: vec!["Manolo".into(), "José".into()],
        gender: Some("M".into()),
        birth_date: Some("19750616".into()),
        deceased: Some(DeceasedInput::DateTime("202301021304+0100".into())),
        marital_status: Some("M".into()),
        language: Some("es".into()),
        communication: vec![CommunicationInput {
            language: "ca".into(),
            preferred: Some(false),
        }],
        phones: vec![
            PhoneInput {
                value: "912345678".into(),
                use_: Some("home".into()),
            },
            PhoneInput {
                value: "600111222".into(),
                use_: Some("mobile".into()),
            },
        ],
        email: Some("manolo@example.org".into()),
        emails: vec![EmailInput {
            value: "m.perez@work.example".into(),
            use_: Some("work".into()),
        }],
        address: Some(AddressInput {
            lines: vec!["Calle Mayor 1".into(), "2º B".into()],
            city: Some("Madrid".into()),
            postal_code: Some("28013".into()),
            country: Some("ES".into()),
            use_: Some("home".into()),
            type_: Some("both".into()),
            ..Default::default()
        }),
        addresses: vec![AddressInput {
            lines: vec!["Avenida del Puerto 3".into()],
            city: Some("Valencia".into()),
            state: Some("Valencia".into()),
            use_: Some("temp".into()),
            ..Default::default()
        }],
        managing_organization: Some(OrganizationInput {
            system: Some("urn:ietf:rfc:3986".into()),
            value: Some("urn:oid:2.16.724.4.2".into()),
            display: Some("Hospital Universitario".into()),
            ..Default::default()
        }),
        diabetes: Some("type1".into()),
        onset: Some("20100501".into()),
        verification_status: Some("confirmed".into()),
        conditions: vec![
            ConditionInput {
                codings: vec![
                    coding("http://snomed.info/sct", "38341003"),
                    coding("http://hl7.org/fhir/sid/icd-10", "I10"),
                ],
                onset: Some("2015-03-04T10:00:00+01:00".into()),
                clinical_status: Some("active".into()),
                verification_status: Some("provisional".into()),
                ..Default::default()
            },
            ConditionInput {
                diabetes: Some("gestational".into()),
                clinical_status: Some("resolved".into()),
                verification_status: Some("refuted".into()),
                ..Default::default()
            },
        ],
        organization_oid: "2.16.724.4.2".into(),
        software_name: Some("IDI_middleware".into()),
        software_version: Some("1.0.0".into()),
        ids: IdsInput {
            bundle: Some("b1".into()),
            message_header: Some("h1".into()),
            patient: Some("p1".into()),
            conditions: vec!["c1".into(), "c2".into()],
            ..Default::default()
        },
        timestamp: Some("2020-03-27T12:21:39.471Z".into()),
        ..Default::default()
    }
}

fn bundle_value(input: &PatientInput) -> serde_json::Value {
    let bundle = build_bundle(input).expect("builds");
    serde_json::from_slice(&crate::model::to_vec(&bundle)).expect("json")
}

fn field_errors(json: &[u8]) -> Vec<FieldError> {
    match build_bundle_from_json(json) {
        Err(BuildError::Input(errors)) => errors,
        other => panic!("expected input errors, got {other:?}"),
    }
}

fn fields_of(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[test]
fn a_wide_input_passes_partner_validation_with_no_issue_at_all() {
    let input = wide_input();
    let bytes = crate::model::to_vec(&build_bundle(&input).expect("builds"));
    let outcome = Validator::partner().validate(&bytes);
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    let b = bundle_value(&input);
    let entries = b["entry"].as_array().expect("entries");
    let types: Vec<&str> = entries
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        types,
        [
            "MessageHeader",
            "Patient",
            "Condition",
            "Condition",
            "Condition"
        ]
    );
    let p = &b["entry"][1]["resource"];
    let ids = p["identifier"].as_array().expect("identifiers");
    assert_eq!(ids.len(), 3);
    assert_eq!(ids[0]["system"], "urn:oid:2.16.724.4.41");
    assert_eq!(ids[0]["use"], "official");
    assert_eq!(
        ids[0]["type"]["coding"][0]["system"],
        "http://hl7.org/fhir/v2/0203"
    );
    assert_eq!(ids[0]["type"]["coding"][0]["code"], "JHN");
    assert_eq!(ids[0]["assigner"]["display"], "SERMAS");
    assert_eq!(ids[2]["value"], "12345678Z");
    let name = &p["name"][0];
    assert_eq!(name["family"], "Pérez Fuster");
    assert_eq!(
        name["_family"]["extension"],
        serde_json::json!([
            {"url": "http://hl7.org/fhir/StructureDefinition/humanname-fathers-family", "valueString": "Pérez"},
            {"url": "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family", "valueString": "Fuster"}
        ])
    );
    assert_eq!(name["given"], serde_json::json!(["Manolo", "José"]));
    assert_eq!(p["deceasedDateTime"], "2023-01-02T13:04:00+01:00");
    assert_eq!(
        p["maritalStatus"]["coding"][0],
        serde_json::json!({"system": "http://hl7.org/fhir/v3/MaritalStatus", "code": "M", "display": "Married"})
    );
    assert_eq!(
        p["communication"],
        serde_json::json!([
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "es"}]}, "preferred": true},
            {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "ca"}]}, "preferred": false}
        ])
    );
    let telecom: Vec<(&str, &str)> = p["telecom"]
        .as_array()
        .expect("telecom")
        .iter()
        .map(|t| {
            (
                t["system"].as_str().unwrap_or_default(),
                t["value"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        telecom,
        [
            ("phone", "912345678"),
            ("phone", "600111222"),
            ("email", "manolo@example.org"),
            ("email", "m.perez@work.example")
        ]
    );
    assert_eq!(p["telecom"][3]["use"], "work");
    assert_eq!(p["address"][0]["type"], "both");
    assert_eq!(p["address"][0]["line"][1], "2º B");
    assert_eq!(p["address"][1]["city"], "Valencia");
    assert_eq!(
        p["managingOrganization"],
        serde_json::json!({
            "identifier": {"system": "urn:ietf:rfc:3986", "value": "urn:oid:2.16.724.4.2"},
            "display": "Hospital Universitario"
        })
    );
    let c: Vec<&serde_json::Value> = entries[2..].iter().map(|e| &e["resource"]).collect();
    assert_eq!(
        c.iter()
            .map(|c| c["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["c1", "c2", "c1-3"],
        "given ids in order, then derived from the first"
    );
    for condition in &c {
        assert_eq!(condition["subject"]["reference"], "Patient/p1");
    }
    let codes = |c: &serde_json::Value| -> Vec<(String, String)> {
        c["code"]["coding"]
            .as_array()
            .expect("codings")
            .iter()
            .map(|k| {
                (
                    k["system"].as_str().unwrap_or_default().to_string(),
                    k["code"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let pair = |s: &str, k: &str| (s.to_string(), k.to_string());
    let (sct, icd) = ("http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10");
    assert_eq!(codes(c[0]), [pair(sct, "46635009"), pair(icd, "E10")]);
    assert_eq!(codes(c[1]), [pair(sct, "38341003"), pair(icd, "I10")]);
    assert_eq!(codes(c[2]), [pair(sct, "11687002"), pair(icd, "O24.4")]);
    assert_eq!(c[0]["verificationStatus"], "confirmed");
    assert_eq!(c[0]["onsetDateTime"], "2010-05-01");
    assert_eq!(c[1]["verificationStatus"], "provisional");
    assert_eq!(c[2]["clinicalStatus"], "resolved");
    assert_eq!(c[2]["verificationStatus"], "refuted");
    assert_eq!(
        c[0]["code"]["coding"][1]["display"],
        "Type 1 diabetes mellitus"
    );
}

#[test]
fn a_wide_input_round_trips_through_json_and_gives_the_same_bytes() {
    let input = wide_input();
    let json = input.to_json();
    let back = PatientInput::from_json(json.as_bytes()).expect("reads");
    assert_eq!(back, input);
    let a = crate::model::to_vec(&build_bundle(&input).expect("a"));
    let b = crate::model::to_vec(&build_bundle_from_json(json.as_bytes()).expect("b"));
    assert_eq!(a, b);
}

#[test]
fn every_diabetes_type_has_a_snomed_and_an_icd10_coding() {
    for (kind, sct, icd) in [
        ("type1", "46635009", "E10"),
        ("type2", "44054006", "E11"),
        ("gestational", "11687002", "O24.4"),
        ("unspecified", "73211009", "E14"),
    ] {
        let mut input = full_input();
        input.diabetes = Some(kind.into());
        let b = bundle_value(&input);
        let coding = &b["entry"][2]["resource"]["code"]["coding"];
        assert_eq!(coding[0]["system"], "http://snomed.info/sct", "{kind}");
        assert_eq!(coding[0]["code"], sct, "{kind}");
        assert_eq!(
            coding[1]["system"], "http://hl7.org/fhir/sid/icd-10",
            "{kind}"
        );
        assert_eq!(coding[1]["code"], icd, "{kind}");
        assert!(coding[1]["display"].as_str().is_some_and(|d| !d.is_empty()));
    }
}

#[test]
fn identifiers_alone_are_enough_when_one_has_an_accepted_authority() {
    let json = br#"{"identifiers":[{"system":"urn:oid:1.2.3","value":"H-1"},
        {"system":"meteda","value":"M-9","use":"usual"}],"organizationOid":"2.16.724.4.2"}"#;
    let bundle = build_bundle_from_json(json).expect("builds");
    let v: serde_json::Value =
        serde_json::from_slice(&crate::model::to_vec(&bundle)).expect("json");
    let p = &v["entry"][1]["resource"];
    assert_eq!(
        p["identifier"][1]["system"],
        "urn:oid:1.3.6.1.4.1.56221.2.2"
    );
    assert_eq!(p["identifier"][1]["use"], "usual");
    assert_eq!(p["identifier"].as_array().map(Vec::len), Some(2));

    let errors = field_errors(
        br#"{"identifiers":[{"system":"urn:oid:1.2.3","value":"H-1"}],"organizationOid":"2.16.724.4.2"}"#,
    );
    assert_eq!(fields_of(&errors), ["identifiers"]);
    assert!(errors[0].message.contains("accepted assigning authority"));
    // With the options' extra authority, the same input builds.
    let opts = BuildOptions {
        extra_authorities: vec!["urn:oid:1.2.3".into()],
        ..Default::default()
    };
    assert!(build_bundle_from_json_with(
        br#"{"identifiers":[{"system":"urn:oid:1.2.3","value":"H-1"}],"organizationOid":"2.16.724.4.2"}"#,
        &opts
    )
    .is_ok());
}

#[test]
fn nothing_to_identify_the_patient_names_authority_and_patient_id() {
    assert_eq!(
        fields_of(&field_errors(b"{}")),
        ["authority", "patientId", "organizationOid"]
    );
    assert_eq!(
        fields_of(&field_errors(
            br#"{"patientId":"X1","organizationOid":"2.16.724.4.2"}"#
        )),
        ["authority"]
    );
    assert_eq!(
        fields_of(&field_errors(
            br#"{"authority":"cip","organizationOid":"2.16.724.4.2"}"#
        )),
        ["patientId"]
    );
}

#[test]
fn wrong_wide_fields_are_named_precisely_and_their_values_never_shown() {
    let json = br#"{"authority":"cip","patientId":"SECRET-ID",
        "identifiers":[{"system":"cip","value":"SECRET-ID"},{"system":"SECRETSYS","value":"v","use":"primary"},
                       {"system":"urn:oid:1.2","value":"w","type":"SECRET TYPE  X"}],
        "fathersFamily":" ","deceased":"SECRET-DAY","maritalStatus":"SECRET-MS",
        "language":"es","communication":[{"language":"ES"},{"language":"SECRET_LANG"}],
        "emails":[{"value":"SECRET-NOT-AN-EMAIL"},{"value":"a@b","use":"mobile"}],
        "addresses":[{},{"city":"Madrid","type":"SECRET-TYPE"}],
        "managingOrganization":{"system":"urn:ietf:rfc:3986","reference":"Patient/SECRETREF"},
        "verificationStatus":"confirmed",
        "conditions":[{},{"codings":[{"system":"SECRET-SYSTEM","code":"C1"},{"system":"urn:x","code":"C1"},{"system":"urn:x","code":"C1"}],
                          "onset":"SECRET-ONSET","verificationStatus":"SECRET-VS"}],
        "organizationOid":"2.16.724.4.2","ids":{"conditions":["c1","c1"]}}"#;
    let errors = field_errors(json);
    assert_eq!(
        fields_of(&errors),
        [
            "identifiers[0]",
            "identifiers[1].system",
            "identifiers[1].use",
            "identifiers[2].type",
            "fathersFamily",
            "deceased",
            "maritalStatus",
            "communication[0].language",
            "communication[1].language",
            "emails[0].value",
            "emails[1].use",
            "addresses[0]",
            "addresses[1].type",
            "managingOrganization.reference",
            "managingOrganization.value",
            "verificationStatus",
            "conditions[0]",
            "conditions[1].codings[0].system",
            "conditions[1].codings[2]",
            "conditions[1].onset",
            "conditions[1].verificationStatus",
            "ids.conditions[1]",
        ],
        "{errors:#?}"
    );
    let text = errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!text.contains("SECRET"), "a value leaked: {text}");
}

#[test]
fn wrong_json_types_of_wide_members_are_named_and_not_reported_twice() {
    let json = br#"{"identifiers":[{"system":7,"value":"v"}],"deceased":3,
        "communication":[{"language":"es","preferred":"yes"}],"conditions":[{"codings":{"system":"urn:x"}}],
        "addresses":[{"lines":"one line","shoe":1}],"ids":{"conditions":"c1"},
        "organizationOid":"2.16.724.4.2"}"#;
    let errors = field_errors(json);
    assert_eq!(
        fields_of(&errors),
        [
            "identifiers[0].system",
            "deceased",
            "communication[0].preferred",
            "addresses[0].shoe",
            "conditions[0].codings",
        ],
        "{errors:#?}"
    );
}

#[test]
fn a_deceased_flag_and_a_lone_surname_build() {
    let mut input = full_input();
    input.deceased = Some(DeceasedInput::Flag(true));
    input.family_name = None;
    input.fathers_family = Some("García".into());
    let p = &bundle_value(&input)["entry"][1]["resource"];
    assert_eq!(p["deceasedBoolean"], true);
    assert_eq!(p["name"][0]["family"], "García");
    assert_eq!(
        p["name"][0]["_family"]["extension"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // familyName, when given, is the text of family; the pair still goes in the extensions.
    input.family_name = Some("García-López".into());
    input.mothers_family = Some("López".into());
    let p = &bundle_value(&input)["entry"][1]["resource"];
    assert_eq!(p["name"][0]["family"], "García-López");
    assert_eq!(
        p["name"][0]["_family"]["extension"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn an_entered_in_error_condition_has_no_default_clinical_status() {
    let mut input = full_input();
    input.verification_status = Some("entered-in-error".into());
    let bytes = crate::model::to_vec(&build_bundle(&input).expect("builds"));
    let c =
        &serde_json::from_slice::<serde_json::Value>(&bytes).expect("json")["entry"][2]["resource"];
    assert!(c.get("clinicalStatus").is_none(), "{c}");
    assert_eq!(c["verificationStatus"], "entered-in-error");
    assert!(Validator::partner().validate(&bytes).issues.is_empty());
    // Without a condition, the flat condition members are refused.
    let mut bare = full_input();
    bare.diabetes = None;
    bare.onset = None;
    bare.verification_status = Some("confirmed".into());
    let err = build_bundle(&bare).expect_err("refused");
    assert_eq!(fields_of(err.fields()), ["verificationStatus"]);
}

#[test]
fn condition_ids_are_given_derived_or_fresh() {
    let condition = |d: &str| ConditionInput {
        diabetes: Some(d.into()),
        ..Default::default()
    };
    let ids_of = |input: &PatientInput| -> Vec<String> {
        bundle_value(input)["entry"].as_array().expect("entries")[2..]
            .iter()
            .map(|e| e["resource"]["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let mut input = full_input();
    input.conditions = vec![condition("type2"), condition("gestational")];
    assert_eq!(
        ids_of(&input),
        ["c1", "c1-2", "c1-3"],
        "ids.condition is the base"
    );
    input.ids.condition = None;
    input.ids.conditions = vec!["x".into(), "y".into(), "z".into()];
    assert_eq!(ids_of(&input), ["x", "y", "z"]);
    input.ids.conditions.clear();
    let fresh = ids_of(&input);
    assert_eq!(fresh.len(), 3);
    assert!(fresh.iter().all(|id| id.len() == 36), "{fresh:?}");
    assert!(fresh[0] != fresh[1] && fresh[1] != fresh[2]);

    let refused = |f: &dyn Fn(&mut PatientInput)| {
        let mut i = input.clone();
        f(&mut i);
        build_bundle(&i)
            .expect_err("refused")
            .fields()
            .iter()
            .map(|e| e.field.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        refused(&|i| {
            i.ids.condition = Some("a".into());
            i.ids.conditions = vec!["b".into()];
        }),
        ["ids.conditions"]
    );
    assert_eq!(
        refused(&|i| i.ids.conditions = vec!["a".into(), "b".into(), "c".into(), "d".into()]),
        ["ids.conditions"]
    );
    assert_eq!(
        refused(&|i| i.ids.condition = Some("x".repeat(63))),
        ["ids.condition"]
    );
    assert_eq!(
        refused(&|i| i.ids.conditions = vec!["a".into(), "a-3".into()]),
        ["ids.conditions"]
    );
    assert_eq!(
        refused(&|i| i.ids.conditions = vec!["a b".into()]),
        ["ids.conditions[0]"]
    );
}

#[test]
fn an_empty_address_or_organization_is_refused_not_built_empty() {
    let mut input = full_input();
    input.address = Some(AddressInput {
        use_: Some("home".into()),
        ..Default::default()
    });
    input.managing_organization = Some(OrganizationInput::default());
    let err = build_bundle(&input).expect_err("refused");
    assert_eq!(fields_of(err.fields()), ["address", "managingOrganization"]);
    // A reference alone, or a name alone, is enough.
    input.address = None;
    for org in [
        OrganizationInput {
            reference: Some("Organization/hosp-1".into()),
            ..Default::default()
        },
        OrganizationInput {
            display: Some("Hospital".into()),
            ..Default::default()
        },
    ] {
        input.managing_organization = Some(org);
        let bytes = crate::model::to_vec(&build_bundle(&input).expect("builds"));
        assert!(Validator::partner().validate(&bytes).issues.is_empty());
    }
}

#[test]
fn the_example_of_the_docs_builds_with_no_issue_and_the_name_it_shows() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/patient-input.md");
    let doc = std::fs::read_to_string(path).expect("docs/patient-input.md");
    let blocks: Vec<&str> = doc
        .split("```json\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    assert_eq!(blocks.len(), 2, "the input and the name it gives");
    let bundle = build_bundle_from_json(blocks[0].as_bytes()).expect("the example builds");
    let bytes = crate::model::to_vec(&bundle);
    let outcome = Validator::partner().validate(&bytes);
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    let name: serde_json::Value = serde_json::from_str(blocks[1]).expect("the name block");
    assert_eq!(v["entry"][1]["resource"]["name"][0], name);
    assert_eq!(v["entry"].as_array().map(Vec::len), Some(4));
}
