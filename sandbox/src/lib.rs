//! pfhir-sandbox: a local HTTPS server that behaves like the Partners FHIR API.
//!
//! It serves the endpoints of the partner API over mutual TLS on 127.0.0.1, with its own test
//! certificate authority, validates with the same core as the client, keeps patients in
//! memory and injects faults on request, so that every binding is tested offline against real
//! TLS and real failures. The server arrives with the client issue.
