// The explicit-initialization entry point, for browsers that load the module themselves.
import init, { PfhirError, validate, type OperationOutcome } from "pfhir-wasm/web";

await init({ module_or_path: new URL("pfhir_wasm_bg.wasm", import.meta.url) });
try {
  validate("{}", { maxDepth: 0 });
} catch (e) {
  if (e instanceof PfhirError) console.log(e.code);
}
const outcome: OperationOutcome = validate("{}");
console.log(outcome.issue.length);
