use super::*;

fn issues(v: &Validator, json: &str) -> Vec<(String, String, String, u32, u32)> {
    v.validate(json.as_bytes())
        .issues
        .into_iter()
        .map(|i| {
            (
                i.message_id.to_string(),
                i.code().as_str().to_string(),
                i.expression,
                i.line,
                i.column,
            )
        })
        .collect()
}

#[test]
fn a_valid_patient_has_no_issues() {
    let v = Validator::base();
    let out = v.validate(
        br#"{"resourceType":"Patient","id":"p1","gender":"male","birthDate":"1975-06-16"}"#,
    );
    assert!(out.issues.is_empty(), "{:?}", out.issues);
    assert!(out.to_json().contains("\"code\":\"informational\""));
}

#[test]
fn reports_structure_cardinality_formats_and_bindings() {
    let v = Validator::base();
    let json = "{\"resourceType\":\"Condition\",\n \"foo\": 1,\n \"clinicalStatus\": \"activ\",\n \"onsetDateTime\": \"2020-13-01\"}";
    let got = issues(&v, json);
    let expected = vec![
        (
            "PFHIR-V0301".to_string(),
            "required".to_string(),
            "Condition.subject".to_string(),
            1,
            1,
        ),
        (
            "PFHIR-V0201".to_string(),
            "structure".to_string(),
            "Condition.foo".to_string(),
            2,
            2,
        ),
        (
            "PFHIR-V0304".to_string(),
            "invalid".to_string(),
            "Condition.clinicalStatus".to_string(),
            3,
            20,
        ),
        (
            "PFHIR-V0303".to_string(),
            "invalid".to_string(),
            "Condition.onsetDateTime".to_string(),
            4,
            19,
        ),
    ];
    assert_eq!(got, expected);
}

#[test]
fn values_appear_in_messages_only_on_request() {
    let json = br#"{"resourceType":"Patient","birthDate":"1975-13-16"}"#;
    let quiet = Validator::base().validate(json);
    assert!(
        !quiet.issues[0].message.contains("1975"),
        "{}",
        quiet.issues[0].message
    );
    let mut opts = ValidatorOptions::base();
    opts.include_values = true;
    let loud = Validator::new(opts).expect("options").validate(json);
    assert!(
        loud.issues[0].message.contains("1975-13-16"),
        "{}",
        loud.issues[0].message
    );
}

#[test]
fn parse_errors_are_fatal_with_position() {
    let v = Validator::base();
    let out = v.validate(b"{\n  \"resourceType\": \"Patient\",\n  \"id\": }");
    assert_eq!(out.issues.len(), 1);
    let i = &out.issues[0];
    assert_eq!(
        (i.severity, i.message_id, i.line, i.column),
        (Severity::Fatal, MessageId::Syntax, 3, 9)
    );
    let invalid = v.validate(b"{\"resourceType\":\"Patient\",\"id\":\"\xc3\x28\"}");
    assert_eq!(invalid.issues[0].message_id, MessageId::InvalidUtf8);
    assert_eq!(invalid.issues[0].column, 33);
}

#[test]
fn options_are_checked() {
    let mut o = ValidatorOptions::default();
    o.limits.max_depth = 0;
    assert!(Validator::new(o.clone()).is_err());
    o.limits.max_depth = 10_000;
    assert!(Validator::new(o).is_err());
    let mut o = ValidatorOptions::default();
    assert!(o
        .set_severity_by_name("partner-meta-profile", "off")
        .is_ok());
    assert!(o.set_severity_by_name("nope", "off").is_err());
    assert!(o
        .set_severity_by_name("partner-meta-profile", "loud")
        .is_err());
    assert!(o.add_authority("urn:oid:1.2 3").is_err());
}

#[test]
fn every_node_fits_the_seen_table() {
    for t in crate::spec::TYPES {
        assert!(t.root.elements.len() <= 64, "{}", t.name);
    }
}

#[test]
fn every_invariant_of_the_tables_is_implemented() {
    for inv in crate::spec::INVARIANTS {
        if inv.key == "ele-1" {
            continue;
        }
        assert!(
            invariants::IMPLEMENTED.contains(&inv.key),
            "{} has no implementation",
            inv.key
        );
    }
}

#[test]
fn the_validator_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Validator>();
    assert_send_sync::<Outcome>();
}

/// The FHIRPath of each issue of `json` with the message `id`.
fn expressions_of(v: &Validator, json: &str, id: MessageId) -> Vec<String> {
    issues(v, json)
        .into_iter()
        .filter(|i| i.0 == id.to_string())
        .map(|i| i.2)
        .collect()
}

#[test]
fn reference_targets_are_read_from_the_type_segment_of_every_form() {
    let v = Validator::base();
    let target_issue = |reference: &str| {
        let json =
            format!(r#"{{"resourceType":"Condition","subject":{{"reference":"{reference}"}}}}"#);
        !expressions_of(&v, &json, MessageId::ReferenceTarget).is_empty()
    };
    for wrong in [
        "Practitioner/1",
        "http://example.org/fhir/Practitioner/1",
        "http://example.org/fhir/Practitioner/1/_history/2",
        "Practitioner/",
        "Practitioner/é_1",
        "http://example.org/fhir/Practitioner/1/_history/é_2",
    ] {
        assert!(target_issue(wrong), "{wrong}");
    }
    for fine in [
        "Patient/1",
        "Group/g",
        "http://example.org/fhir/Patient/1/_history/2",
        "1",
        "/1",
        "Foo/1",
        "é_",
        "_",
        "Patient/é_/_history/2",
        "#p1",
        "urn:uuid:0b1c8ad4-6f2e-4a8b-9a57-2d1c7a3e5f10",
    ] {
        assert!(!target_issue(fine), "{fine}");
    }
}

#[test]
fn a_choice_is_refused_only_when_a_second_type_follows_a_recorded_one() {
    let v = Validator::base();
    let twice = |members: &str| {
        let json = format!(r#"{{"resourceType":"Patient",{members}}}"#);
        expressions_of(&v, &json, MessageId::ChoiceTwice)
    };
    // A value and the `_name` object of the same type: one choice.
    assert!(twice(r#""deceasedDateTime":"2020","_deceasedDateTime":{"id":"x"}"#).is_empty());
    assert!(twice(r#""_deceasedDateTime":{"id":"x"},"deceasedDateTime":"2020""#).is_empty());
    // An empty value records no type: the type after it is the first.
    assert!(twice(r#""deceasedBoolean":"","deceasedDateTime":"2020""#).is_empty());
    // A second type, whether as a value or as a `_name` object; a third is compared with the
    // first, not with the refused second.
    assert_eq!(
        twice(r#""deceasedBoolean":true,"_deceasedDateTime":{"id":"x"}"#),
        ["Patient.deceasedDateTime"]
    );
    assert_eq!(
        twice(r#""deceasedBoolean":"","deceasedDateTime":"2020","deceasedBoolean":true"#),
        ["Patient.deceasedBoolean"]
    );
    assert_eq!(
        twice(r#""deceasedBoolean":true,"deceasedDateTime":"2020","deceasedBoolean":false"#),
        ["Patient.deceasedDateTime"]
    );
}
