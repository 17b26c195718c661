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
        },
        timestamp: Some("2020-03-27T12:21:39.471Z".into()),
        ..Default::default()
    }
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
