//! pfhir-wasm: pfhir's validator and Bundle builder for the browser and Node, via wasm-bindgen.
//!
//! It depends on `pfhir-core` without default features, so no TLS or HTTP code is compiled
//! in: a browser cannot present a client certificate, so submission stays with a host that
//! links the native library. The JavaScript API arrives with the WASM issue.
