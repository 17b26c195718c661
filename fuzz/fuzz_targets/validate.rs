//! The validator never panics, and always produces a well-formed, deterministic
//! OperationOutcome with positions inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pfhir_core::validate::Validator;
use std::sync::OnceLock;

fn validators() -> &'static (Validator, Validator) {
    static V: OnceLock<(Validator, Validator)> = OnceLock::new();
    V.get_or_init(|| (Validator::partner(), Validator::base()))
}

fuzz_target!(|data: &[u8]| {
    let (partner, base) = validators();
    for v in [partner, base] {
        let outcome = v.validate(data);
        let json = outcome.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).expect("the outcome is JSON");
        assert_eq!(value["resourceType"], "OperationOutcome");
        assert!(!value["issue"].as_array().expect("issues").is_empty());
        for issue in &outcome.issues {
            assert!(issue.offset <= data.len());
            assert!(issue.line >= 1 && issue.column >= 1);
        }
        assert!(outcome.issues.windows(2).all(|w| w[0].offset <= w[1].offset), "document order");
        assert_eq!(v.validate(data), outcome, "deterministic");
    }
});
