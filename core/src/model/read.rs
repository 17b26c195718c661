//! Reading and writing model values as JSON, strictly or tolerantly.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// How unknown content is treated when reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReadMode {
    /// Refuse elements that STU3 does not define, and any other structural problem
    /// (wrong JSON type, array where a single value belongs...), naming the path.
    Strict,
    /// Keep unknown elements in `extra` and read on. For what pfhir receives.
    #[default]
    Tolerant,
}

/// Why a JSON text could not be read into the model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Strict reading met content STU3 does not allow.
    #[error("{message} at {path} (line {line}, column {column})")]
    Structure {
        /// What is wrong (never a patient value).
        message: String,
        /// FHIRPath of the offending element.
        path: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// The text is not JSON, or does not fit the model's types: what is wrong, the JSON kind
    /// found, the type expected, and the line and column; never a value of the document.
    #[error("cannot read JSON: {0}")]
    Json(String),
}

/// Turns a serde_json error into a message that never carries a value of the document.
///
/// serde's messages quote the offending value (`invalid type: string "Garcia", expected a
/// sequence`), so only their fixed parts are kept: what kind of problem, the JSON kind that
/// was found, what was expected (the model's own words), and the line and column.
fn json_error(e: serde_json::Error) -> ReadError {
    use serde_json::error::Category;
    let position = match (e.line(), e.column()) {
        (0, _) => String::new(),
        (line, column) => format!(" at line {line} column {column}"),
    };
    let text = e.to_string();
    let text = text.strip_suffix(&position).unwrap_or(&text);
    let what = match e.classify() {
        // Syntax messages are serde_json's fixed texts ("expected `,` or `]`").
        Category::Syntax | Category::Eof => text.to_string(),
        Category::Io => "the JSON text could not be read".to_string(),
        Category::Data => value_free_message(text)
            .unwrap_or_else(|| "the JSON does not fit the model".to_string()),
    };
    ReadError::Json(format!("{what}{position}"))
}

/// Reduces a serde data error message to its fixed parts, which hold no value of the
/// document: `invalid type: string "Garcia", expected a sequence` becomes `wrong type: found a
/// string, expected a sequence`. Works for any serde format (JSON, TOML...). `None` for a
/// message it does not know, which the caller replaces with a generic one.
pub fn value_free_message(message: &str) -> Option<String> {
    // What was expected: the text after the last ", expected " (values come before it).
    let expected = |m: &str| {
        m.rfind(", expected ")
            .map(|i| format!(", expected {}", &m[i + ", expected ".len()..]))
            .unwrap_or_default()
    };
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let found = found_kind(rest)
            .map(|k| format!(": found {k}"))
            .unwrap_or_default();
        return Some(format!("wrong type{found}{}", expected(rest)));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let found = found_kind(rest)
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        return Some(format!("invalid value{found}{}", expected(rest)));
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        return Some(format!("wrong number of items{}", expected(rest)));
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return Some(format!("unknown value{}", expected(rest)));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return Some(format!("unknown field{}", expected(rest)));
    }
    // Member names of the model, and the model's own messages: no document value in them.
    const FIXED: [&str; 4] = [
        "missing field `",
        "duplicate field `",
        "resourceType is not ",
        "a resource without resourceType",
    ];
    (FIXED.iter().any(|p| message.starts_with(p)) && !message.contains('"'))
        .then(|| message.to_string())
}

/// The JSON kind of the value serde found (`a string`), from the fixed words that begin its
/// description (`string "…"`, `integer `5``); `None` for anything else.
fn found_kind(description: &str) -> Option<&'static str> {
    const KINDS: [(&str, &str); 9] = [
        ("string ", "a string"),
        ("integer ", "a number"),
        ("floating point ", "a number"),
        ("boolean ", "a boolean"),
        ("sequence,", "an array"),
        ("map,", "an object"),
        ("unit value,", "null"),
        ("null,", "null"),
        ("character ", "a string"),
    ];
    KINDS
        .iter()
        .find(|(prefix, _)| description.starts_with(prefix))
        .map(|(_, kind)| *kind)
}

/// Reads a model value (a resource, a datatype) from JSON bytes.
///
/// In [`ReadMode::Strict`] the bytes are first checked against the STU3 structure of the
/// resource they hold, and the first structural problem is returned.
///
/// Input nesting deeper than [`Limits::DEFAULT_MAX_DEPTH`](crate::json::Limits) levels is
/// refused before serde's recursive reader runs, so reading never overflows a small thread
/// stack (128 KiB), whatever a server sends.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], mode: ReadMode) -> Result<T, ReadError> {
    let limit = crate::json::Limits::DEFAULT_MAX_DEPTH;
    if crate::json::nesting_exceeds(bytes, limit) {
        return Err(ReadError::Json(format!(
            "objects and arrays nest deeper than {limit} levels"
        )));
    }
    if mode == ReadMode::Strict {
        crate::validate::check_structure(bytes)?;
    }
    serde_json::from_slice(bytes).map_err(json_error)
}

/// Reads a model value from an already parsed JSON value (tolerantly).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ReadError> {
    serde_json::from_value(value).map_err(json_error)
}

/// Writes a model value as compact JSON.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    // Serializing the model into memory cannot fail: every key is a string and every
    // number is already valid JSON text.
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Bundle, Patient};

    const MARK: &str = "NOTANARRAY-GIVEN";

    fn message<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        from_slice::<T>(json.as_bytes(), ReadMode::Tolerant)
            .expect_err(json)
            .to_string()
    }

    /// Issue #10 item 2: serde's messages quote the offending value; ours never do.
    #[test]
    fn json_errors_never_carry_document_values() {
        let patient = format!(
            r#"{{"resourceType":"Patient","name":[{{"family":"Garcia","given":"{MARK}"}}]}}"#
        );
        let m = message::<Patient>(&patient);
        assert!(!m.contains(MARK) && !m.contains("Garcia"), "{m}");
        assert!(m.contains("wrong type: found a string"), "{m}");
        assert!(
            m.contains("expected a sequence") && m.contains("at line 1 column"),
            "{m}"
        );
        // The same Patient inside a Bundle goes through a JSON value (no position inside).
        let bundle = format!(
            r#"{{"resourceType":"Bundle","type":"message","entry":[{{"resource":{patient}}}]}}"#
        );
        let m = message::<Bundle>(&bundle);
        assert!(!m.contains(MARK) && m.contains("wrong type"), "{m}");
        let value: serde_json::Value = serde_json::from_str(&patient).expect("JSON");
        let m = from_value::<Patient>(value)
            .expect_err("wrong type")
            .to_string();
        assert!(!m.contains(MARK) && m.contains("wrong type"), "{m}");
        // Other kinds and other values.
        for (json, kind) in [
            (
                r#"{"resourceType":"Patient","active":"yes-1234"}"#,
                "found a string",
            ),
            (
                r#"{"resourceType":"Patient","gender":12345678}"#,
                "found a number",
            ),
            (
                r#"{"resourceType":"Patient","birthDate":true}"#,
                "found a boolean",
            ),
            (
                r#"{"resourceType":"Patient","name":{"family":"Garcia"}}"#,
                "found a",
            ),
        ] {
            let m = message::<Patient>(json);
            assert!(m.contains(kind), "{json}: {m}");
            for value in ["yes-1234", "12345678", "Garcia", "true"] {
                assert!(!m.contains(value), "{json}: {m}");
            }
        }
        // Syntax errors keep serde_json's fixed text.
        let m = message::<Patient>(r#"{"resourceType":"Patient","id":"x" "#);
        assert!(
            m.contains("EOF while parsing") && m.contains("line 1"),
            "{m}"
        );
    }

    #[test]
    fn serde_messages_are_reduced_to_their_fixed_parts() {
        for (serde, ours) in [
            (
                r#"invalid type: string "a, expected b", expected a sequence"#,
                Some("wrong type: found a string, expected a sequence"),
            ),
            (
                "invalid type: integer `98765432109876`, expected a string",
                Some("wrong type: found a number, expected a string"),
            ),
            (
                "invalid value: integer `-7`, expected a positive integer",
                Some("invalid value (a number), expected a positive integer"),
            ),
            (
                "invalid length 3, expected 2 items",
                Some("wrong number of items, expected 2 items"),
            ),
            (
                "unknown variant `femal`, expected one of `male`, `female`",
                Some("unknown value, expected one of `male`, `female`"),
            ),
            (
                "unknown variant `x`, there are no variants",
                Some("unknown value"),
            ),
            (
                "unknown field `Garcia`, expected `family`",
                Some("unknown field, expected `family`"),
            ),
            (
                "missing field `resourceType`",
                Some("missing field `resourceType`"),
            ),
            (
                "resourceType is not Patient",
                Some("resourceType is not Patient"),
            ),
            ("anything \"Garcia\" else", None),
            ("missing field `x` \"Garcia\"", None),
        ] {
            assert_eq!(value_free_message(serde).as_deref(), ours);
        }
    }
}
