// Types of pfhir-wasm's main entry point (Node and browsers export the same API; the browser
// entry point has initialized the module before it resolves). The declarations are generated
// by wasm-bindgen from wasm/src/lib.rs and wasm/js/types.d.ts.
export * from "./node/pfhir_wasm.js";
