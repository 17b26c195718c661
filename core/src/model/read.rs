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
    /// The text is not JSON, or does not fit the model's types.
    #[error("cannot read JSON: {0}")]
    Json(String),
}

fn json_error(e: serde_json::Error) -> ReadError {
    // serde_json's messages name the expected type and position, not the offending value.
    ReadError::Json(e.to_string())
}

/// Reads a model value (a resource, a datatype) from JSON bytes.
///
/// In [`ReadMode::Strict`] the bytes are first checked against the STU3 structure of the
/// resource they hold, and the first structural problem is returned.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], mode: ReadMode) -> Result<T, ReadError> {
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
