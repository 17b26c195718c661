// The explicit-initialization entry point, for browsers that load the module themselves.
import init, { validate, type OperationOutcome } from "pfhir-wasm/web";

await init({ module_or_path: new URL("pfhir_wasm_bg.wasm", import.meta.url) });
const outcome: OperationOutcome = validate("{}");
console.log(outcome.issue.length);
