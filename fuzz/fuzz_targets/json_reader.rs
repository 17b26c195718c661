//! The span-aware JSON reader never panics, walks every value it accepts, and agrees with
//! serde_json on what is JSON (apart from its tighter depth limit).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pfhir_core::json::{parse, JsonErrorKind, Kind, Limits, Value};

fn walk(v: Value<'_, '_>, depth: usize) -> usize {
    let mut n = 1;
    match v.kind() {
        Kind::Object => {
            for m in v.members() {
                let _ = m.key.text();
                n += walk(m.value, depth + 1);
            }
        }
        Kind::Array => {
            for item in v.items() {
                n += walk(item, depth + 1);
            }
        }
        _ => {
            let _ = v.text();
        }
    }
    assert!(depth <= Limits::DEFAULT_MAX_DEPTH);
    n
}

fuzz_target!(|data: &[u8]| {
    let ours = parse(data, &Limits::default());
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (&ours, &theirs) {
        (Ok(doc), _) => {
            let count = walk(doc.root(), 0);
            assert!(count <= doc.token_count());
            if !doc.had_bom {
                assert!(theirs.is_ok(), "pfhir accepts what serde_json refuses");
            }
        }
        (Err(e), Ok(_)) => assert!(
            matches!(e.kind, JsonErrorKind::TooDeep { .. }),
            "pfhir refuses valid JSON: {e}"
        ),
        (Err(_), Err(_)) => {}
    }
});
