// The browser entry point of pfhir-wasm: fetches and instantiates the WebAssembly module once
// (top-level await), then exports the API. For explicit initialization, import
// `pfhir-wasm/web` and call its default export `init()` yourself.
import init from "./web/pfhir_wasm.js";

await init({ module_or_path: new URL("./web/pfhir_wasm_bg.wasm", import.meta.url) });

export {
  buildBundle,
  rules,
  validate,
  validateBytes,
  validateBytesJson,
  validateJson,
  version,
} from "./web/pfhir_wasm.js";
