// A TypeScript consumer of pfhir-wasm, compiled by scripts/test-dist.d/npm.sh with CommonJS
// and ES module settings (tsc --strict) and run: validates the document text given as the
// first argument and prints {version, errors (message ids), thrown (the code of a
// PfhirError caught by instanceof)}. No @types/node: the one Node global it uses is declared.
import { PfhirError, validate, version, type OperationOutcome } from "pfhir-wasm";

declare const process: { argv: string[] };

const outcome: OperationOutcome = validate(process.argv[2]);
const errors = outcome.issue
  .filter((i) => i.severity === "error" || i.severity === "fatal")
  .map((i) => i.details?.coding?.find((c) => c.system === "urn:pfhir:message-id")?.code);
let thrown = "nothing";
try {
  validate("{}", { maxDepth: 0 });
} catch (e) {
  if (e instanceof PfhirError) thrown = e.code;
}
console.log(JSON.stringify({ version: version(), errors, thrown }));
