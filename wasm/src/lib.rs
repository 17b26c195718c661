//! pfhir-wasm: pfhir's validator and Bundle builder for the browser and Node, via wasm-bindgen,
//! published as the npm package `pfhir-wasm` (`scripts/build-wasm` makes it in `wasm/pkg/`).
//! It takes FHIR JSON as a string (JSON.parse would round decimals), answers with the same
//! OperationOutcome as the native validator, byte for byte, and throws an `Error` with a `code`
//! only for API misuse; it depends on `pfhir-core` without default features, so no TLS or HTTP
//! code is compiled in: a browser cannot present a client certificate, so submission stays
//! with a host that links the native library.

#![warn(missing_docs)]

pub mod api;
pub mod input;

use api::{ApiError, Opt};
use js_sys::{Array, JsString, Object, Reflect, Uint8Array, JSON};
use pfhir_core::validate::Validator;
use pfhir_core::ErrorCode;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../js/types.d.ts");

/// How deep options are read: `options.rules["partner-..."]` is three levels.
const OPTIONS_DEPTH: u8 = 3;

/// The `typeof` of a value that is not undefined, null, a boolean, a number or a string.
fn type_of(v: &JsValue) -> &'static str {
    if v.is_function() {
        "a function"
    } else if v.is_bigint() {
        "a bigint"
    } else if v.is_symbol() {
        "a symbol"
    } else if Array::is_array(v) {
        "an array"
    } else {
        "an object"
    }
}

/// Reads a JS value into [`Opt`], down to `depth` levels of arrays and objects.
fn opt_of(v: &JsValue, depth: u8) -> Opt {
    if v.is_undefined() {
        Opt::Undefined
    } else if v.is_null() {
        Opt::Null
    } else if let Some(b) = v.as_bool() {
        Opt::Bool(b)
    } else if let Some(n) = v.as_f64() {
        Opt::Number(n)
    } else if let Some(s) = v.as_string() {
        Opt::Str(s)
    } else if depth == 0 || v.is_function() || v.is_bigint() || v.is_symbol() {
        Opt::Other(type_of(v))
    } else if Array::is_array(v) {
        Opt::Array(
            Array::from(v)
                .iter()
                .map(|item| opt_of(&item, depth - 1))
                .collect(),
        )
    } else if let Some(o) = v.dyn_ref::<Object>() {
        Opt::Object(
            Object::entries(o)
                .iter()
                .filter_map(|pair| {
                    let pair = Array::from(&pair);
                    let key = pair.get(0).as_string()?;
                    Some((key, opt_of(&pair.get(1), depth - 1)))
                })
                .collect(),
        )
    } else {
        Opt::Other(type_of(v))
    }
}

/// The thrown form of an [`ApiError`]: an `Error` named `PfhirError` with `code` and, for
/// `input` errors, `fields: [{field, message}]`.
pub(crate) fn to_js(e: ApiError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("PfhirError");
    // Setting a data property on a fresh Error object cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &e.code.name().into());
    if e.code == ErrorCode::Input {
        let fields = Array::new();
        for f in &e.fields {
            let o = Object::new();
            let _ = Reflect::set(&o, &"field".into(), &f.field.as_str().into());
            let _ = Reflect::set(&o, &"message".into(), &f.message.as_str().into());
            fields.push(&o);
        }
        let _ = Reflect::set(&err, &"fields".into(), &fields);
    }
    err.into()
}

pub(crate) fn validator_of(options: &JsValue) -> Result<Validator, JsValue> {
    api::validator(&opt_of(options, OPTIONS_DEPTH)).map_err(to_js)
}

/// A prefix length that is still over `limit`: a document longer than the limit gets the same
/// outcome (a fatal `too-long` at 1:1, naming the limit only) from its first `limit + 1`
/// units, so a huge input is never copied into WASM memory.
fn over_limit(limit: usize) -> u32 {
    u32::try_from(limit).unwrap_or(u32::MAX).saturating_add(1)
}

/// The UTF-8 bytes of a document given as a string. A JS string cannot hold invalid UTF-8:
/// lone surrogates arrive as U+FFFD, as `TextEncoder` writes them.
fn string_bytes(json: &JsValue, limit: usize) -> Result<Vec<u8>, JsValue> {
    let Some(s) = json.dyn_ref::<JsString>() else {
        return Err(to_js(ApiError::argument(format!(
            "the document must be a string, not {} (use validateBytes for a Uint8Array)",
            opt_of(json, 0).type_name()
        ))));
    };
    // Each UTF-16 unit is at least one UTF-8 byte: more units than the limit is too long.
    let text = if s.length() as usize > limit {
        s.slice(0, over_limit(limit)).as_string()
    } else {
        s.as_string()
    };
    text.map(String::into_bytes)
        .ok_or_else(|| to_js(ApiError::argument("the document must be a string")))
}

/// The bytes of a document given as a `Uint8Array` (a Node `Buffer` is one).
fn array_bytes(bytes: &JsValue, limit: usize) -> Result<Vec<u8>, JsValue> {
    let Some(a) = bytes.dyn_ref::<Uint8Array>() else {
        return Err(to_js(ApiError::argument(format!(
            "the document must be a Uint8Array, not {}",
            opt_of(bytes, 0).type_name()
        ))));
    };
    Ok(if a.length() as usize > limit {
        a.subarray(0, over_limit(limit)).to_vec()
    } else {
        a.to_vec()
    })
}

fn parse_json(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(json).map_err(|_| {
        to_js(ApiError::internal(
            "internal error: pfhir wrote JSON that does not parse",
        ))
    })
}

/// Validates a FHIR JSON document given as a string and returns the OperationOutcome as a
/// plain object. Every content problem is an issue; only API misuse throws.
#[wasm_bindgen(unchecked_return_type = "OperationOutcome")]
pub fn validate(
    #[wasm_bindgen(unchecked_param_type = "string")] json: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    parse_json(&validate_json(json, options)?)
}

/// Validates a FHIR JSON document given as a string and returns the OperationOutcome JSON,
/// byte for byte what the native validator writes for the same document and options.
#[wasm_bindgen(js_name = validateJson)]
pub fn validate_json(
    #[wasm_bindgen(unchecked_param_type = "string")] json: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: &JsValue,
) -> Result<String, JsValue> {
    let validator = validator_of(options)?;
    let bytes = string_bytes(json, validator.options().limits.max_bytes)?;
    Ok(validator.validate(&bytes).to_json())
}

/// Validates a document given as bytes (which may be invalid UTF-8, or start with a BOM) and
/// returns the OperationOutcome as a plain object.
#[wasm_bindgen(js_name = validateBytes, unchecked_return_type = "OperationOutcome")]
pub fn validate_bytes(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    parse_json(&validate_bytes_json(bytes, options)?)
}

/// Validates a document given as bytes and returns the OperationOutcome JSON.
#[wasm_bindgen(js_name = validateBytesJson)]
pub fn validate_bytes_json(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array")] bytes: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: &JsValue,
) -> Result<String, JsValue> {
    let validator = validator_of(options)?;
    let bytes = array_bytes(bytes, validator.options().limits.max_bytes)?;
    Ok(validator.validate(&bytes).to_json())
}

/// Builds the partner message Bundle (MessageHeader + Patient + Condition) of a PatientInput,
/// given as JSON text or as an object, and returns the Bundle JSON. The MessageHeader
/// timestamp defaults to the host's clock (`Date.now()`), ids to random UUIDs. Wrong fields
/// throw an `Error` with `code: "input"` and `fields: [{field, message}]`.
#[wasm_bindgen(js_name = buildBundle)]
pub fn build_bundle(
    #[wasm_bindgen(unchecked_param_type = "string | PatientInput")] input: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "BuildBundleOptions")] options: &JsValue,
) -> Result<String, JsValue> {
    let spec = api::build_spec(&opt_of(options, OPTIONS_DEPTH)).map_err(to_js)?;
    let text = if let Some(s) = input.as_string() {
        s
    } else if input.is_object() && !input.is_function() && !Array::is_array(input) {
        JSON::stringify(input)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| {
                to_js(ApiError::argument(
                    "the PatientInput object cannot be written as JSON (a cycle, a BigInt?)",
                ))
            })?
    } else {
        return Err(to_js(ApiError::argument(format!(
            "the PatientInput must be a JSON string or an object, not {}",
            opt_of(input, 0).type_name()
        ))));
    };
    api::build(&text, &spec, js_sys::Date::now()).map_err(to_js)
}

/// The partner profile rules: id, default severity, message id and why the rule exists.
#[wasm_bindgen(unchecked_return_type = "PartnerRule[]")]
pub fn rules() -> Result<JsValue, JsValue> {
    parse_json(&api::rules_json())
}

/// The findings of an OperationOutcome (from `validate`, `validateBytes` or `hl7ToBundle`):
/// its issues without the informational "no issue was found" (`PFHIR-V0902`), which the
/// OperationOutcome carries only because STU3 requires at least one issue. The same issues,
/// in the same order, as `Outcome.issues` of every binding and `pfhir_outcome_issue_*` of
/// the C ABI: empty for a valid document. Throws `PfhirError` (`invalid_argument`) for a
/// value that is not an OperationOutcome.
#[wasm_bindgen(unchecked_return_type = "OperationOutcomeIssue[]")]
pub fn findings(
    #[wasm_bindgen(unchecked_param_type = "OperationOutcome")] outcome: &JsValue,
) -> Result<JsValue, JsValue> {
    let not_an_outcome = || {
        to_js(ApiError::argument(
            "findings() takes an OperationOutcome: an object with an issue array",
        ))
    };
    let issues: Array = Reflect::get(outcome, &JsValue::from_str("issue"))
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or_else(not_an_outcome)?;
    let all_ok = pfhir_core::validate::MessageId::AllOk.id();
    let placeholder = issues.length() == 1 && {
        let codes = Reflect::get(&issues.get(0), &JsValue::from_str("details"))
            .and_then(|d| Reflect::get(&d, &JsValue::from_str("coding")))
            .ok()
            .and_then(|c| c.dyn_into::<Array>().ok());
        codes.is_some_and(|codes| {
            codes.iter().any(|c| {
                Reflect::get(&c, &JsValue::from_str("code"))
                    .ok()
                    .and_then(|v| v.as_string())
                    .is_some_and(|code| code == all_ok)
            })
        })
    };
    Ok(if placeholder { Array::new() } else { issues }.into())
}

/// pfhir's version (the Cargo workspace version, also the npm package's).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The bytes of an HL7 v2 message given as a string (sent as UTF-8) or a `Uint8Array` (its
/// bytes as they are, in the character set MSH-18 names), cut past the size limit (the
/// result is the same `too-long` rejection, and a huge input is never copied whole).
fn message_bytes(message: &JsValue, limit: usize) -> Result<Vec<u8>, JsValue> {
    if let Some(s) = message.dyn_ref::<JsString>() {
        let text = if s.length() as usize > limit {
            s.slice(0, over_limit(limit)).as_string()
        } else {
            s.as_string()
        };
        return text
            .map(String::into_bytes)
            .ok_or_else(|| to_js(ApiError::argument("the message must be a string")));
    }
    if message.dyn_ref::<Uint8Array>().is_some() {
        return array_bytes(message, limit);
    }
    Err(to_js(ApiError::argument(format!(
        "the HL7 message must be a string or a Uint8Array, not {}",
        opt_of(message, 0).type_name()
    ))))
}

/// Converts and returns the result object and the ACK bytes.
fn hl7_run(message: &JsValue, options: &JsValue) -> Result<(JsValue, Uint8Array), JsValue> {
    let options =
        api::hl7_options(&opt_of(options, OPTIONS_DEPTH), js_sys::Date::now()).map_err(to_js)?;
    let bytes = message_bytes(message, options.limits.max_bytes)?;
    let (json, ack) = api::hl7_convert(&bytes, options).map_err(to_js)?;
    Ok((parse_json(&json)?, Uint8Array::from(ack.as_slice())))
}

/// Converts an HL7 v2 ADT message (ER7, MLLP framing allowed; a string is sent as UTF-8, a
/// `Uint8Array` as its bytes) to the partner Bundle. Returns `{bundle, kind, ackCode, ack,
/// issues, outcome}`: every issue carries its HL7 `location` (`PID-7`). Content problems are
/// issues; only API misuse (a bad option) throws.
#[wasm_bindgen(js_name = hl7ToBundle, unchecked_return_type = "Hl7Result")]
pub fn hl7_to_bundle(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] message: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Hl7Options")] options: &JsValue,
) -> Result<JsValue, JsValue> {
    let (result, ack) = hl7_run(message, options)?;
    // Setting a data property on a fresh plain object cannot fail.
    let _ = Reflect::set(&result, &"ack".into(), &ack);
    Ok(result)
}

/// The original-mode ACK of an HL7 v2 message (segments ended by `\r`, in the message's
/// character set), whatever it says.
#[wasm_bindgen(js_name = hl7Ack)]
pub fn hl7_ack(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] message: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Hl7Options")] options: &JsValue,
) -> Result<Uint8Array, JsValue> {
    Ok(hl7_run(message, options)?.1)
}
