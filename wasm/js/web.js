// pfhir-wasm for browsers, explicit initialization: `await init()` (or
// `init({ module_or_path: url })`, or `initSync({ module: bytes })`) before the first call.
// Bundlers that do not follow `new URL(..., import.meta.url)` (esbuild) pass the URL of
// `pfhir-wasm/pfhir_wasm_bg.wasm` that their file loader gives.
import * as raw from "./glue/web.js";
import { PfhirError, wrapApi } from "./error.js";

const api = wrapApi(raw);

export { default, initSync } from "./glue/web.js";
export { PfhirError };
export const {
  buildBundle,
  findings,
  hl7Ack,
  hl7ToBundle,
  rules,
  validate,
  validateBytes,
  validateBytesJson,
  validateJson,
  version,
} = api;
