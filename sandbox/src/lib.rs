//! pfhir-sandbox: a local HTTPS server that behaves like the Partners FHIR API.
//!
//! It serves the endpoints of the partner API over mutual TLS on 127.0.0.1, with its own test
//! certificate authority, validates with the same core as the client, keeps patients in
//! memory and injects faults on request, so that every binding is tested offline against real
//! TLS and real failures. The server arrives with the client issue.
//!
//! ```no_run
//! use pfhir_sandbox::{Fault, FaultRule, Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default())?;
//! let base = sandbox.base_url(); // https://127.0.0.1:PORT/partners/fhir/stu3/api/
//! let certs = sandbox.certs(); // trust certs.ca_pem, present certs.client_pem + key
//! sandbox.faults().push(FaultRule::once(Fault::DropAfterBody));
//! // ... run a client against `base` ...
//! println!("{:?}", sandbox.stats());
//! sandbox.shutdown();
//! # Ok::<(), pfhir_sandbox::SandboxError>(())
//! ```
//!
//! Modules: [`certs`] (the test PKI), [`config`], [`faults`]; the server itself is
//! [`Sandbox`]. The HTTP behaviour (statuses, fault JSON) is described in the crate README.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The crate's own tests reuse the integration tests' helpers, which name the crate.
#[cfg(test)]
extern crate self as pfhir_sandbox;

mod admin;
mod api;
pub mod certs;
pub mod config;
mod error;
pub mod faults;
mod operations;
mod reply;
mod routes;
mod server;
mod store;
mod target;
#[cfg(test)]
mod tests;
mod validation;

pub use api::{ADMIN_PATH, BASE_PATH};
pub use certs::{CertOptions, Certs};
pub use config::SandboxConfig;
pub use error::{Result, SandboxError};
pub use faults::{Fault, FaultRule, Faults};
pub use server::{Sandbox, Stats};
