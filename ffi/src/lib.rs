//! pfhir-ffi: the C ABI of pfhir, built as `libpfhir.so` and `libpfhir.a`.
//!
//! This is the only crate with `extern "C"` functions. It wraps `pfhir-core` in opaque
//! handles with `_new`/`_free` pairs, returns errors as `pfhir_error*` (NULL = success),
//! writes results to out-parameters only on success, catches every panic and checks every
//! pointer, so that C, C++, .NET, Java and Python programs can link one library and include
//! one generated header (`include/pfhir.h`, `cargo xtask gen`). The conventions are in
//! `ffi/README.md`.
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

mod build;
mod client;
mod code;
mod error;
mod hl7;
mod outbox;
mod types;
mod validate;

pub use build::*;
pub use client::*;
pub use code::pfhir_code;
pub use error::*;
pub use hl7::*;
pub use outbox::*;
pub use types::{pfhir_bytes, pfhir_str};
pub use validate::*;

use error::guard_or;
use types::CText;

/// pfhir's version (`0.1.0`), NUL-terminated, static. Equal to `PFHIR_VERSION_STRING` of the
/// header the program was compiled with, unless it runs against another library build.
#[no_mangle]
pub extern "C" fn pfhir_version() -> *const std::os::raw::c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// The snake-case name of a code (`not_found`), static; `{NULL, 0}` for an unknown number.
#[no_mangle]
pub extern "C" fn pfhir_code_name(code: u32) -> pfhir_str {
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<(u32, CText)>> = OnceLock::new();
    guard_or(pfhir_str::EMPTY, || {
        let names = NAMES.get_or_init(|| {
            pfhir_core::ErrorCode::ALL
                .iter()
                .map(|c| (*c as u32, CText::new(c.name())))
                .collect()
        });
        names
            .iter()
            .find(|(n, _)| *n == code)
            .map_or(pfhir_str::EMPTY, |(_, t)| t.lend())
    })
}

/// Frees a buffer returned by pfhir. `{NULL, 0}` is a no-op.
///
/// # Safety
/// `bytes` must be a buffer returned by pfhir and not freed before (or `{NULL, 0}`).
#[no_mangle]
pub unsafe extern "C" fn pfhir_bytes_free(bytes: pfhir_bytes) {
    guard_or((), || {
        if bytes.data.is_null() {
            return;
        }
        let whole = std::ptr::slice_from_raw_parts_mut(bytes.data, bytes.len + 1);
        // SAFETY: the buffer was made by `pfhir_bytes::from_vec` as a boxed slice of
        // `len + 1` bytes (the NUL included), and the caller frees it once.
        drop(unsafe { Box::from_raw(whole) });
    })
}

#[cfg(test)]
mod tests;
