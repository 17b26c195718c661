// pfhir-wasm for Node, CommonJS: loads the WebAssembly module synchronously on first
// require. index.mjs (import) re-exports this file, so that import and require share one
// instance (and one PfhirError class).
"use strict";
const { PfhirError, wrapApi } = require("./error.cjs");
const api = wrapApi(require("./glue/node.cjs"));

exports.PfhirError = PfhirError;
exports.buildBundle = api.buildBundle;
exports.findings = api.findings;
exports.hl7Ack = api.hl7Ack;
exports.hl7ToBundle = api.hl7ToBundle;
exports.rules = api.rules;
exports.validate = api.validate;
exports.validateBytes = api.validateBytes;
exports.validateBytesJson = api.validateBytesJson;
exports.validateJson = api.validateJson;
exports.version = api.version;
