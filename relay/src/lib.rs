//! pfhir-relay: the middleware in one crate. HL7 v2 messages come in over MLLP, are stored in
//! a durable outbox before they are acknowledged, and are delivered to the Partners FHIR API
//! in per-patient arrival order, with the id map (accepted identifier -> the platform's
//! logical id) that v2 updates need. docs/relay.md describes the states and guarantees.
//!
//! One job per module: [`store`] (the [`store::Outbox`] trait and its SQLite store, with
//! [`group`] commit), [`lock`] (one delivering process per store folder), [`mllp`]
//! (framing), [`tls`] (MLLP over TLS), [`ack`] (what a message is answered with),
//! [`answer`] (ACK after the platform's answer), [`deliver`] (sending and recording
//! outcomes), [`rate`] (the rate limit), [`workers`] (the delivery thread pool), [`server`]
//! (the MLLP listener in front of them), [`metrics`] (Prometheus text and the health check),
//! [`outbox`] (the same store and workers embedded in a host program, without a listener),
//! [`killpoint`] (abort points for the SIGKILL tests). Nothing here validates or builds on
//! its own: conversion is core's `hl7v2`, sending is core's `Client`.

pub mod ack;
pub mod answer;
pub mod deliver;
pub mod group;
pub mod killpoint;
pub mod lock;
pub mod metrics;
pub mod mllp;
pub mod outbox;
pub mod rate;
pub mod server;
pub mod store;
pub mod tls;
pub mod workers;

pub use ack::{Acker, Received};
pub use deliver::{Backoff, Deliverer};
pub use outbox::{EmbeddedOutbox, OutboxError, OutboxOptions, Submitted};
pub use server::{Relay, RelayConfig, RelayError};
pub use store::{Outbox, SqliteOutbox, State, StoreError};
pub use workers::Workers;
