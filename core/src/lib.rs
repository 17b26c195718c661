//! pfhir-core: build, validate and submit FHIR STU3 patient messages for the Partners FHIR API.
//!
//! This crate is the whole of pfhir's logic, in safe Rust: a span-aware JSON reader
//! ([`json`]), element tables generated from the official STU3 definitions ([`spec`]), a
//! typed, lossless model of the five resources of a partner message and their datatypes
//! ([`model`]), the validator ([`validate`]) with the partner profile ([`profile`]), the
//! builder of partner Bundles ([`build`]) and, with the default `client` feature, the
//! mutual-TLS client of the Partners API ([`client`]). The C ABI, the WASM build, the CLI
//! and the sandbox server are thin crates over this one.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use error::ErrorCode;

#[macro_use]
mod cat;

pub mod build;
#[cfg(feature = "client")]
pub mod client;
pub mod error;
pub mod hl7v2;
pub mod json;
pub mod model;
pub mod profile;
pub mod spec;
mod swar;
pub mod validate;
