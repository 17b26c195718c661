// The browser entry point of pfhir-wasm: fetches and instantiates the WebAssembly module once
// (top-level await), then exports the API. Bundlers that follow `new URL(..., import.meta.url)`
// (Vite, webpack 5, Rollup, Parcel) emit the .wasm file themselves. For explicit
// initialization, import `pfhir-wasm/web` and call its default export `init()` yourself.
import init from "./web.js";

await init({ module_or_path: new URL("./pfhir_wasm_bg.wasm", import.meta.url) });

export {
  PfhirError,
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
} from "./web.js";
