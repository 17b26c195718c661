//! pfhir-cli: the `pfhir` command (validate, build, create, update, read, sandbox, demo).
//!
//! The library part holds the commands so that tests can call them; `main.rs` only parses
//! the arguments. The commands arrive with the validator and client issues.
