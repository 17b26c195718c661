// pfhir-wasm for Node, ESM: the CommonJS entry re-exported, so that `import` and `require`
// in one process share one WebAssembly instance and one PfhirError class.
import api from "./index.cjs";

export const {
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
} = api;
