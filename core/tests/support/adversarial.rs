//! Adversarial documents: minified (one line), about `size` bytes, with one finding every few
//! bytes. Shared by the robustness tests, the `validate` bench and the fuzz seeds
//! (`scripts/fuzz` copies them in), so the shapes measured are the shapes tested.

/// The shapes, by name.
pub const KINDS: [&str; 4] = [
    "type_errors",
    "duplicate_keys",
    "unknown_members",
    "bad_dates",
];

/// A partner-style Bundle prefix up to the Patient's members, then `body`, then the end.
fn patient_bundle(body: &str) -> Vec<u8> {
    format!(
        "{{\"resourceType\":\"Bundle\",\"type\":\"message\",\"entry\":[{{\"resource\":\
         {{\"resourceType\":\"Patient\",{body}}}}}]}}"
    )
    .into_bytes()
}

/// The document of shape `kind` of about `size` bytes, and how many findings of that shape
/// it holds.
pub fn document(kind: &str, size: usize) -> (Vec<u8>, usize) {
    let mut body = String::with_capacity(size + 64);
    let mut n = 0;
    match kind {
        // `given` must hold strings: every number is a wrong JSON type.
        "type_errors" => {
            body.push_str("\"name\":[{\"given\":[");
            while body.len() < size {
                if n > 0 {
                    body.push(',');
                }
                body.push('1');
                n += 1;
            }
            body.push_str("]}]");
        }
        // The same member name again and again.
        "duplicate_keys" => {
            body.push_str("\"gender\":\"male\"");
            while body.len() < size {
                body.push_str(",\"gender\":\"male\"");
                n += 1;
            }
        }
        // Member names Patient does not define, all different.
        "unknown_members" => {
            body.push_str("\"gender\":\"male\"");
            while body.len() < size {
                body.push_str(&format!(",\"x{n}\":1"));
                n += 1;
            }
        }
        // Dates that are not dates, in the periods of many telecoms.
        "bad_dates" => {
            body.push_str("\"telecom\":[");
            while body.len() < size {
                if n > 0 {
                    body.push(',');
                }
                body.push_str("{\"period\":{\"start\":\"1980-13-45\"}}");
                n += 1;
            }
            body.push(']');
        }
        other => panic!("no adversarial shape {other:?}"),
    }
    (patient_bundle(&body), n)
}
