//! The fast path of the `validate*` functions. The JS entry points (`wrapApi` in
//! `js/error.js`) write the document straight into an input buffer inside WebAssembly memory
//! that lives from call to call (`TextEncoder.encodeInto` for a string, `Uint8Array.set` for
//! bytes), so a call allocates and copies nothing more before validating; and the commonest
//! answer, a document without findings, comes back as the status word [`ALL_OK`], for which
//! the JS side returns the one OperationOutcome JSON of [`all_ok_json`] that it reads once,
//! instead of JSON written in Rust and decoded into a JS string on every call.
//!
//! The protocol, for one call: [`prepare_validator`] when the call has options (it reads
//! them, which may run any JS: a getter; so it runs before the buffer is written), then
//! [`input_buffer`] for room (the JS side makes a new view of the buffer only when it moved
//! or the memory grew), the JS side writes the bytes, then [`validate_input`], then
//! [`take_outcome`] unless it answered [`ALL_OK`]. These
//! exports (named `__fast...` in JS) are internal: the package's entry points do not
//! re-export them, and they are left out of the TypeScript declarations.

use crate::api::{self, Opt};
use crate::{to_js, validator_of};
use pfhir_core::validate::{Outcome, Validator};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The input buffer: its first bytes are the document of the call under way.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The validator of a call with options, from [`prepare_validator`].
    static PREPARED: RefCell<Option<Validator>> = const { RefCell::new(None) };
    /// The validator of a call without options (built as `validate(text)` builds it).
    static DEFAULT: Option<Validator> = api::validator(&Opt::Undefined).ok();
    /// The answer of the last [`validate_input`] that returned [`TAKE_OUTCOME`], for
    /// [`take_outcome`]: the OperationOutcome JSON, or the error to throw.
    static OUTCOME: RefCell<Option<Result<String, JsValue>>> = const { RefCell::new(None) };
}

/// The module's memory, in which [`input_buffer`] points.
#[wasm_bindgen(js_name = __fastMemory, skip_typescript)]
pub fn input_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// Makes the input buffer at least `capacity` bytes long and returns its address in the
/// module's memory. The address changes when the buffer grows.
#[wasm_bindgen(js_name = __fastBuffer, skip_typescript)]
pub fn input_buffer(capacity: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|b| {
        if b.len() < capacity {
            b.resize(capacity, 0);
        }
        b.as_mut_ptr()
    })
}

/// Builds the validator of `options` (throwing `PfhirError` as `validate` does) for the next
/// [`validate_input`] with `prepared` set.
#[wasm_bindgen(js_name = __fastPrepare, skip_typescript)]
pub fn prepare_validator(options: &JsValue) -> Result<(), JsValue> {
    let validator = validator_of(options)?;
    PREPARED.set(Some(validator));
    Ok(())
}

/// What [`validate_input`] returns: no finding (the answer is [`all_ok_json`]).
const ALL_OK: u32 = 0;
/// What [`validate_input`] returns: the answer waits in [`take_outcome`].
const TAKE_OUTCOME: u32 = 1;

/// Validates the first `len` bytes of the input buffer, with the validator of
/// [`prepare_validator`] when `prepared`, else with the default one. Returns a status word,
/// not the answer: [`ALL_OK`] (the commonest answer) or [`TAKE_OUTCOME`]. A plain number
/// crosses into JS as it is, where a `Result<Option<String>>` came back as four values that
/// V8 boxed in an array on every call: 8.5% of `validateBytesJson`'s time, with the garbage
/// it made (`wasm/bench/ab-bench.mjs`).
#[wasm_bindgen(js_name = __fastValidate, skip_typescript)]
pub fn validate_input(len: usize, prepared: bool) -> u32 {
    let run = |v: &Validator| INPUT.with_borrow(|b| v.validate(&b[..len.min(b.len())]));
    let outcome = if prepared {
        PREPARED.take().as_ref().map(run)
    } else {
        DEFAULT.with(|v| v.as_ref().map(run))
    };
    let answer = match outcome {
        Some(outcome) if outcome.issues.is_empty() => return ALL_OK,
        Some(outcome) => Ok(outcome.to_json()),
        None => Err(internal("no validator for the input buffer")),
    };
    OUTCOME.set(Some(answer));
    TAKE_OUTCOME
}

/// The answer of the last [`validate_input`] that returned [`TAKE_OUTCOME`]: its
/// OperationOutcome JSON, or it throws the error it met. Taken once.
#[wasm_bindgen(js_name = __fastOutcome, skip_typescript)]
pub fn take_outcome() -> Result<String, JsValue> {
    OUTCOME
        .take()
        .unwrap_or_else(|| Err(internal("no outcome to take")))
}

/// The `PfhirError` (code `internal`) of a broken fast-path protocol.
fn internal(what: &str) -> JsValue {
    to_js(api::ApiError::internal(format!("internal error: {what}")))
}

/// The OperationOutcome JSON of a document without findings (what [`validate_input`]'s
/// `undefined` stands for): the core's own JSON of an outcome without issues.
#[wasm_bindgen(js_name = __fastAllOk, skip_typescript)]
pub fn all_ok_json() -> String {
    Outcome::default().to_json()
}
