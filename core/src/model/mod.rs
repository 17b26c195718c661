//! The typed STU3 model of Bundle, MessageHeader, Patient, Condition, OperationOutcome and
//! every datatype they use, generated from the official definitions.
//!
//! Conventions of the generated structs:
//! - one field per element, in definition order, named in snake case (`birth_date`); Rust
//!   keywords get a trailing underscore (`type_`, `use_`);
//! - a primitive element has its value (`Option<T>`, or `Vec<Option<T>>` when it repeats, a
//!   `None` standing for a JSON `null` of the null-aligned arrays) and a sibling `<name>_ext`
//!   field for the `_name` member that carries its id and extensions;
//! - a choice element `onset[x]` is one `Option` of a generated enum (`ConditionOnset`);
//! - `Bundle.entry.resource` and `contained` hold a [`Resource`]: one of the five modelled
//!   resources, or any other resource type kept as JSON ([`Resource::Other`]);
//! - `extra` keeps, in order, every member the struct has no field for: unknown elements when
//!   reading tolerantly, the `_onsetDateTime`-style extensions of choice primitives, and a
//!   second value given for the same choice. Nothing read is lost on writing back.
//!
//! Decimals keep their exact text (`1.50` stays `1.50`); strings are kept as given.
//! `Debug` prints which members are present, never their values: the model carries patient
//! data, and `Debug` output ends up in logs.

mod decimal;
mod generated;
pub mod object;
mod read;
mod resource;

pub use decimal::{Decimal, DecimalError};
pub use generated::*;
pub use read::{from_slice, from_value, to_vec, value_free_message, ReadError, ReadMode};
pub use resource::Resource;

/// Members of an object that the model keeps as JSON, in document order.
pub type Extra = serde_json::Map<String, serde_json::Value>;
