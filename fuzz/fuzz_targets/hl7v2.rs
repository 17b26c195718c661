//! HL7 v2 parse + map + build + ACK never panic; every issue's position is inside the
//! input; an AA always comes with a Bundle and an AE/AR never; the ACK is `\r`-ended
//! segments starting with MSH and MSA; the result is deterministic; the Bundle's JSON (the
//! builder writes it directly) is what the typed model writes for the same Bundle.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pfhir_core::build::IdsInput;
use pfhir_core::hl7v2::{ack, AckCode, Converter, Hl7Options};
use pfhir_core::model::{from_slice, to_vec, Bundle, ReadMode};
use std::sync::OnceLock;

fn converter() -> &'static (Converter, Hl7Options) {
    static C: OnceLock<(Converter, Hl7Options)> = OnceLock::new();
    C.get_or_init(|| {
        let options = Hl7Options {
            utc_offset: Some(60),
            ids: IdsInput {
                bundle: Some("b".into()),
                message_header: Some("h".into()),
                patient: Some("p".into()),
                condition: Some("c".into()),
                conditions: Vec::new(),
            },
            ack_control_id: Some("A".into()),
            ack_time: Some("20260101000000+0000".into()),
            ..Hl7Options::default()
        };
        (Converter::new(options.clone()).expect("options"), options)
    })
}

fuzz_target!(|data: &[u8]| {
    let (converter, options) = converter();
    let conv = converter.convert(data);
    assert_eq!(conv.bundle.is_some(), conv.ack_code == AckCode::Accept);
    if let Some(json) = &conv.bundle {
        let typed: Bundle = from_slice(json, ReadMode::Strict).expect("the model reads it");
        assert_eq!(&to_vec(&typed), json, "member order and escapes of the typed model");
    }
    for issue in &conv.issues {
        assert!(issue.line as usize <= data.len() + 1);
        assert!(issue.column as usize <= data.len() + 1);
        assert!(!issue.message.is_empty());
    }
    let outcome: serde_json::Value =
        serde_json::from_str(&conv.outcome_json()).expect("the outcome is JSON");
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let a = ack(&conv, options);
    assert!(a.starts_with(b"MSH|^~\\&|"));
    assert!(a.ends_with(b"\r"));
    let segments = a.split(|&b| b == b'\r').filter(|s| !s.is_empty()).count();
    assert!(segments >= 2);
    assert!(a.split(|&b| b == b'\r').nth(1).is_some_and(|s| s.starts_with(b"MSA|")));
    let again = converter.convert(data);
    assert_eq!(again.issues, conv.issues, "deterministic");
    assert_eq!(again.bundle_json(), conv.bundle_json(), "deterministic");
});
