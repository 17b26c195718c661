//! Validation at the deepest accepted nesting, and model reading of the deepest input it
//! accepts, run on a small thread stack: JVM and .NET threads can have 128 KiB, and a C
//! host's may be as small.
//!
//! The 128 KiB figure holds for optimized builds, which is what ships; `scripts/test` runs
//! this file with `--release` too. Unoptimized test builds have frames about 2.5 times as
//! large, so the debug run gives them 3 times the stack (still far below the 2 MiB default,
//! so an unbounded recursion fails here either way).

use pfhir_core::json::Limits;
use pfhir_core::model::{from_slice, Patient, ReadError, ReadMode};
use pfhir_core::validate::{Validator, ValidatorOptions};

const SMALL_STACK: usize = if cfg!(debug_assertions) {
    3 * 128 * 1024
} else {
    128 * 1024
};

/// A Patient whose extensions nest until the JSON depth is `depth`.
fn nested_extensions(depth: usize) -> Vec<u8> {
    // Depth 1 is the Patient object; each extension level adds an array and an object.
    let levels = (depth - 1) / 2;
    let mut s = String::from("{\"resourceType\":\"Patient\"");
    for _ in 0..levels {
        s.push_str(",\"extension\":[{\"url\":\"http://example.org/x\"");
    }
    s.push_str(",\"valueString\":\"x\"");
    for _ in 0..levels {
        s.push_str("}]");
    }
    s.push('}');
    s.into_bytes()
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

#[test]
fn the_deepest_accepted_document_validates_on_a_128_kib_stack() {
    let mut o = ValidatorOptions::base();
    o.limits.max_depth = Limits::MAX_DEPTH_CAP;
    let v = Validator::new(o).expect("options");
    let doc = nested_extensions(Limits::MAX_DEPTH_CAP);
    let issues = on_small_stack(move || v.validate(&doc).issues);
    // Nested extensions with a url and a value are valid STU3.
    assert_eq!(issues, vec![]);
}

#[test]
fn a_depth_over_the_cap_is_refused_by_the_options() {
    let mut o = ValidatorOptions::base();
    o.limits.max_depth = Limits::MAX_DEPTH_CAP + 1;
    assert!(Validator::new(o).is_err());
}

#[test]
fn model_reading_refuses_deep_input_before_recursing() {
    // What a hostile or broken server could answer: just under serde's own limit of 128
    // (which overflows a 128 KiB stack), and far over it.
    for depth in [127, 10_001] {
        let deep = nested_extensions(depth);
        let err = on_small_stack(move || from_slice::<Patient>(&deep, ReadMode::Tolerant))
            .expect_err("too deep");
        assert!(
            matches!(err, ReadError::Json(ref m) if m.contains("nest deeper")),
            "{depth}: {err}"
        );
    }
    // The deepest accepted input is read on the small stack.
    let ok = nested_extensions(Limits::DEFAULT_MAX_DEPTH);
    let p = on_small_stack(move || from_slice::<Patient>(&ok, ReadMode::Tolerant));
    assert!(p.is_ok(), "{p:?}");
}

#[test]
fn patient_input_refuses_deep_input_before_recursing() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let err = on_small_stack(move || pfhir_core::build::PatientInput::from_json(deep.as_bytes()))
        .expect_err("too deep");
    assert!(err[0].message.contains("nest deeper"), "{err:?}");
}
