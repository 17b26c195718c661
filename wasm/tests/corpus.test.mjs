// The conformance corpus (tests/fixtures/validation/): for every input, the OperationOutcome
// JSON of pfhir-wasm is byte for byte the `.outcome.json` written by the Rust core, with the
// options of its `.expected.json`; and the issues match the hand-written expectations.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { FIXTURES, optionsOf, pfhir } from "./lib.mjs";

const DIR = path.join(FIXTURES, "validation");
const inputs = readdirSync(DIR)
  .filter((n) => n.endsWith(".json") && !n.endsWith(".expected.json") && !n.endsWith(".outcome.json"))
  .sort();

/** The issues of an OperationOutcome in the shape of `.expected.json`. */
function issuesOf(outcome) {
  const MESSAGE = "urn:pfhir:message-id";
  return pfhir
    .findings(outcome)
    .map((i) => {
      const ext = (suffix) => i.extension?.find((e) => e.url.endsWith(suffix))?.valueInteger ?? 0;
      const key = i.details.coding.find((c) => c.system === "urn:pfhir:rule" || c.system === "urn:pfhir:invariant");
      return {
        severity: i.severity,
        code: i.code,
        id: i.details.coding.find((c) => c.system === MESSAGE).code,
        key: key ? key.code : null,
        expression: i.expression?.[0] ?? "",
        line: ext("-issue-line"),
        column: ext("-issue-col"),
      };
    });
}

test("the corpus has at least 40 inputs", () => {
  assert.ok(inputs.length >= 40, `found ${inputs.length}`);
});

for (const name of inputs) {
  test(`fixture ${name}`, () => {
    const stem = name.slice(0, -".json".length);
    const expectedPath = path.join(DIR, `${stem}.expected.json`);
    const outcomePath = path.join(DIR, `${stem}.outcome.json`);
    assert.ok(existsSync(expectedPath), `${stem}.expected.json is missing`);
    assert.ok(existsSync(outcomePath), `${stem}.outcome.json is missing`);
    const expected = JSON.parse(readFileSync(expectedPath, "utf8"));
    const want = readFileSync(outcomePath, "utf8");
    const bytes = readFileSync(path.join(DIR, name));
    const options = optionsOf(expected);

    // Bytes in: every input, including those that are not UTF-8.
    assert.equal(pfhir.validateBytesJson(bytes, options), want, "validateBytesJson");
    assert.deepEqual(pfhir.validateBytes(bytes, options), JSON.parse(want), "validateBytes");

    let text;
    try {
      // Keep a byte order mark: it is part of the document.
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      // A JS string cannot hold invalid UTF-8: the lossy string validates as something else.
      assert.ok(want.includes("PFHIR-V0102"), "only invalid UTF-8 fails to decode");
      const lossy = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
      assert.ok(!pfhir.validateJson(lossy, options).includes("PFHIR-V0102"));
      return;
    }
    // String in: the documented way to call pfhir-wasm.
    assert.equal(pfhir.validateJson(text, options), want, "validateJson");
    const outcome = pfhir.validate(text, options);
    assert.deepEqual(outcome, JSON.parse(want), "validate");
    assert.deepEqual(issuesOf(outcome), expected.issues, "issues match .expected.json");
  });
}
