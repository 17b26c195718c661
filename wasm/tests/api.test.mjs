// pfhir-wasm's API beyond the corpus: options, thrown errors, limits, strings vs bytes,
// buildBundle, rules() and version().
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { FIXTURES, PKG, ROOT, WASM_DIR, pfhir } from "./lib.mjs";
import { indexOfPosition } from "../www/position.js";

const good = readFileSync(path.join(FIXTURES, "partner", "good-bundle.json"), "utf8");
const bad = readFileSync(path.join(FIXTURES, "partner", "example-response.json"), "utf8");
const errors = (o) => o.issue.filter((i) => i.severity === "error" || i.severity === "fatal");
const messageIds = (o) => o.issue.map((i) => i.details.coding.find((c) => c.system === "urn:pfhir:message-id").code);

/** Asserts that `fn` throws a PfhirError with `code`, and returns it. */
function throwsCode(fn, code) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Error, `expected an Error with code ${code}, got ${caught}`);
  assert.ok(caught instanceof pfhir.PfhirError, "a PfhirError instance");
  assert.equal(Object.getPrototypeOf(caught), pfhir.PfhirError.prototype);
  assert.equal(caught.name, "PfhirError");
  assert.equal(caught.code, code, caught.message);
  assert.equal(typeof caught.message, "string");
  assert.ok(caught.message.length > 0);
  return caught;
}

test("version() is the Cargo workspace version and the npm package's", () => {
  const cargo = readFileSync(path.join(ROOT, "Cargo.toml"), "utf8");
  const workspace = cargo.slice(cargo.indexOf("[workspace.package]"));
  const version = /^version = "([^"]+)"/m.exec(workspace)[1];
  assert.equal(pfhir.version(), version);
  assert.equal(JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8")).version, version);
});

test("rules() lists every partner rule, and the RuleId type names exactly them", () => {
  const rules = pfhir.rules();
  assert.equal(rules.length, 16);
  for (const r of rules) {
    assert.match(r.id, /^partner-/);
    assert.ok(["error", "warning"].includes(r.severity));
    assert.match(r.messageId, /^PFHIR-V\d{4}$/);
    assert.ok(r.rationale.length > 10);
  }
  const dts = readFileSync(path.join(WASM_DIR, "js", "types.d.ts"), "utf8");
  const union = dts.slice(dts.indexOf("export type RuleId"), dts.indexOf(";", dts.indexOf("export type RuleId")));
  const typed = [...union.matchAll(/"(partner-[a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(typed, rules.map((r) => r.id));
});

test("a good Bundle has no issue; the example response has 3 errors and 1 warning", () => {
  const ok = pfhir.validate(good);
  assert.equal(ok.resourceType, "OperationOutcome");
  assert.deepEqual(messageIds(ok), ["PFHIR-V0902"]);
  assert.equal(ok.issue[0].severity, "information");
  // The findings, as every binding's Outcome.issues: none for a valid document.
  assert.deepEqual(pfhir.findings(ok), []);
  const o = pfhir.validate(bad);
  assert.equal(errors(o).length, 3);
  // partner-condition-subject is a warning by default: the guide's own example breaks it.
  assert.deepEqual(o.issue.map((i) => i.severity), ["error", "error", "error", "warning"]);
  assert.deepEqual(
    o.issue.map((i) => i.expression[0]),
    [
      "Bundle.entry[0].resource.source.name",
      "Bundle.entry[0].resource.source.endpoint",
      "Bundle.entry[0].resource.source.endpoint",
      "Bundle.entry[2].resource.subject.reference",
    ],
  );
  assert.equal(pfhir.validateJson(bad), JSON.stringify(o));
});

test("options: profile, rules, authorities, includeValues, limits", () => {
  assert.equal(errors(pfhir.validate(bad, { profile: "base" })).length, 3, "no partner rule in base");
  const off = pfhir.validate(bad, { rules: { "partner-condition-subject": "off" } });
  assert.equal(errors(off).length, 3);
  const warn = pfhir.validate(bad, { rules: { "partner-condition-subject": "warning" } });
  assert.equal(errors(warn).length, 3);
  assert.equal(warn.issue.filter((i) => i.severity === "warning").length, 1);

  const other = good.replace("urn:oid:2.16.724.4.41", "urn:oid:1.2.3.4");
  assert.equal(errors(pfhir.validate(other)).length, 1);
  assert.equal(errors(pfhir.validate(other, { authorities: ["urn:oid:1.2.3.4"] })).length, 0);

  const x = good.replace('"male"', '"X"');
  assert.ok(!pfhir.validate(x).issue[0].details.text.includes('"X"'), "no patient data by default");
  assert.ok(pfhir.validate(x, { includeValues: true }).issue[0].details.text.includes('"X"'));

  assert.deepEqual(messageIds(pfhir.validate(good, { maxDepth: 3 })), ["PFHIR-V0104"]);
  assert.deepEqual(messageIds(pfhir.validate(good, { maxBytes: 100 })), ["PFHIR-V0101"]);
  // undefined and null members mean the default, as an absent options argument does.
  const defaults = pfhir.validateJson(bad);
  assert.equal(pfhir.validateJson(bad, undefined), defaults);
  assert.equal(pfhir.validateJson(bad, null), defaults);
  assert.equal(pfhir.validateJson(bad, {}), defaults);
  assert.equal(pfhir.validateJson(bad, { profile: undefined, maxBytes: null }), defaults);
});

test("API misuse throws an Error with a code; content never throws", () => {
  const misuse = [
    () => pfhir.validate(),
    () => pfhir.validate(42),
    () => pfhir.validate(null),
    () => pfhir.validate(Buffer.from(good)),
    () => pfhir.validate({ resourceType: "Bundle" }),
    () => pfhir.validateJson(good, "partner"),
    () => pfhir.validateJson(good, { profil: "base" }),
    () => pfhir.validateJson(good, { profile: "strict" }),
    () => pfhir.validateJson(good, { rules: { "no-such-rule": "off" } }),
    () => pfhir.validateJson(good, { rules: { "partner-meta-profile": "fatal" } }),
    () => pfhir.validateJson(good, { rules: "off" }),
    () => pfhir.validateJson(good, { authorities: "urn:oid:1.2" }),
    () => pfhir.validateJson(good, { authorities: ["not a uri"] }),
    () => pfhir.validateJson(good, { maxBytes: 0 }),
    () => pfhir.validateJson(good, { maxBytes: -1 }),
    () => pfhir.validateJson(good, { maxBytes: 1.5 }),
    () => pfhir.validateJson(good, { maxBytes: NaN }),
    () => pfhir.validateJson(good, { maxBytes: 2 ** 32 }),
    () => pfhir.validateJson(good, { maxBytes: "1000" }),
    () => pfhir.validateJson(good, { maxBytes: 10n }),
    () => pfhir.validateJson(good, { maxDepth: 129 }),
    () => pfhir.validateJson(good, { maxIssues: -1 }),
    () => pfhir.validateJson(good, { maxIssues: 2 ** 32 }),
    () => pfhir.validateJson(good, { maxIssues: "10" }),
    () => pfhir.validateJson(good, { includeValues: "yes" }),
    () => pfhir.validateBytes(good),
    () => pfhir.validateBytesJson([1, 2, 3]),
    () => pfhir.buildBundle(42),
    () => pfhir.buildBundle(["cip"]),
    () => pfhir.buildBundle({}, { pretty: "yes" }),
    () => pfhir.buildBundle({}, { timestamp: "now" }),
  ];
  for (const fn of misuse) throwsCode(fn, "invalid_argument");
  assert.match(
    throwsCode(() => pfhir.validate(good, { rules: { nope: "off" } }), "invalid_argument").message,
    /unknown partner rule "nope"/,
  );
  for (const text of ["", " ", "null", "[]", "{", "\u0000", "{\"resourceType\":\"Bundle\"}", "\uD800", "1e999999"]) {
    const o = pfhir.validate(text);
    assert.ok(errors(o).length > 0, JSON.stringify(text));
  }
});

test("a huge string is a too-long issue, not a throw, and is never copied whole", () => {
  const huge = " ".repeat(256 * 1024 * 1024);
  const started = performance.now();
  const o = pfhir.validate(huge);
  assert.deepEqual(messageIds(o), ["PFHIR-V0101"]);
  assert.equal(o.issue[0].severity, "fatal");
  assert.equal(o.issue[0].code, "too-long");
  assert.ok(performance.now() - started < 5000);
  // Under a larger limit the same kind of text is read, and only whitespace: an empty document.
  const large = " ".repeat(8 * 1024 * 1024);
  assert.deepEqual(messageIds(pfhir.validate(large, { maxBytes: 2 ** 32 - 1 })), ["PFHIR-V0107"]);
  const bytes = new Uint8Array(64 * 1024 * 1024);
  assert.equal(pfhir.validateBytesJson(bytes), pfhir.validateJson(huge));
  // Fewer UTF-16 units than the limit, more UTF-8 bytes: still too long, as natively.
  const accents = JSON.stringify({ resourceType: "Basic", id: "é".repeat(600) });
  assert.ok(accents.length < 1000 && Buffer.byteLength(accents) > 1000);
  assert.equal(pfhir.validateJson(accents, { maxBytes: 1000 }), pfhir.validateBytesJson(Buffer.from(accents), { maxBytes: 1000 }));
  assert.deepEqual(messageIds(pfhir.validate(accents, { maxBytes: 1000 })), ["PFHIR-V0101"]);
});

test("the issue cap: 1000 issues and a too-costly count of the rest; maxIssues 0 lists all", () => {
  const n = 30000;
  const doc = `{"resourceType":"Patient","name":[{"given":[${Array(n).fill(1).join(",")}]}]}`;
  const capped = pfhir.validate(doc, { profile: "base" }).issue;
  assert.equal(capped.length, 1001);
  const last = capped[1000];
  assert.equal(last.code, "too-costly");
  assert.equal(last.severity, "error");
  assert.match(last.details.text, /^Not reported: 29000 more issues/);
  const all = pfhir.validate(doc, { profile: "base", maxIssues: 0 }).issue;
  assert.equal(all.length, n);
  const ten = pfhir.validate(doc, { profile: "base", maxIssues: 10 }).issue;
  assert.equal(ten.length, 11);
});

test("buildBundle options: the exact sourceEndpoint, no Bundle.id", () => {
  const input = { authority: "cip", patientId: "OPT-1", organizationOid: "2.16.724.4.2", diabetes: "type1" };
  const b = JSON.parse(pfhir.buildBundle(input, { sourceEndpoint: "urn:oid:2.16.724.4.2.7", bundleId: false }));
  assert.equal(b.id, undefined);
  assert.equal(b.entry[0].resource.source.endpoint, "urn:oid:2.16.724.4.2.7");
  assert.ok(JSON.parse(pfhir.buildBundle(input)).id);
  const e = throwsCode(() => pfhir.buildBundle(input, { sourceEndpoint: "not a uri" }), "input");
  assert.deepEqual(e.fields.map((f) => f.field), ["sourceEndpoint"]);
  throwsCode(() => pfhir.buildBundle(input, { bundleId: "no" }), "invalid_argument");
});

test("buildBundle errors name the field, never its value", () => {
  const base = { authority: "cip", patientId: "AAAA1234567890", organizationOid: "2.16.724.4.2" };
  for (const input of [
    { ...base, familyName: 98765432109876 },
    { ...base, givenNames: { x: "SECRETGIVEN" }, birthDate: "SECRETDATE", gender: "SECRETSEX" },
  ]) {
    try {
      pfhir.buildBundle(input);
      assert.fail("buildBundle accepted a wrong input");
    } catch (e) {
      assert.equal(e.code, "input");
      for (const v of ["98765432109876", "SECRET"]) {
        assert.ok(!e.message.includes(v), `value in ${e.message}`);
        assert.ok(!JSON.stringify(e.fields ?? []).includes(v), "value in fields");
      }
    }
  }
});

test("strings are UTF-8 by construction: lone surrogates become U+FFFD; a BOM is kept", () => {
  // A JS string cannot express invalid UTF-8; validateBytes takes raw bytes for that.
  const lone = good.replace("Pérez", "P\uD800rez");
  assert.equal(pfhir.validateJson(lone), pfhir.validateJson(good.replace("Pérez", "P\uFFFDrez")));
  assert.equal(pfhir.validateJson(lone), pfhir.validateBytesJson(Buffer.from(lone)));
  const latin1 = Buffer.from(good.replace("Pérez", "P\u00e9rez"), "latin1");
  assert.deepEqual(messageIds(pfhir.validateBytes(latin1)), ["PFHIR-V0102"]);
  const bom = pfhir.validate("\uFEFF" + good);
  assert.deepEqual(messageIds(bom), ["PFHIR-V0106"]);
  assert.equal(pfhir.validateJson("\uFEFF" + good), pfhir.validateBytesJson(Buffer.from("\uFEFF" + good)));
});

test("columns count code points: the demo's position helper finds the UTF-16 index", () => {
  const text = JSON.stringify(JSON.parse(good.replace("Pérez Fuster", "😀😀 Pérez").replace('"male"', '"X"')));
  const o = pfhir.validate(text);
  const ext = o.issue[0].extension;
  const [line, column] = [ext[0].valueInteger, ext[1].valueInteger];
  assert.equal(line, 1);
  const index = indexOfPosition(text, line, column);
  assert.equal(index, column - 1 + 2, "two astral characters before the value");
  assert.ok(text.slice(index).startsWith('"X"'));
  // Line ends: \n, \r\n and lone \r; a BOM does not count on line 1.
  assert.equal(indexOfPosition("a\r\nb\rc\nd", 2, 1), 3);
  assert.equal(indexOfPosition("a\r\nb\rc\nd", 3, 1), 5);
  assert.equal(indexOfPosition("a\r\nb\rc\nd", 4, 1), 7);
  assert.equal(indexOfPosition("\uFEFFab", 1, 2), 2);
  assert.equal(indexOfPosition("ab", 9, 9), 2, "past the end: the end");
  assert.equal(indexOfPosition("ab\ncd", 1, 9), 2, "past the line: its end");
});

const input = {
  authority: "cip",
  patientId: "CIP-0001",
  familyName: "Ficticio Prueba",
  givenNames: ["Ana", "María"],
  gender: "F",
  birthDate: "19800101",
  phones: [{ value: "+34 600 000 000", use: "mobile" }],
  email: "ana@example.org",
  address: { lines: ["Calle Falsa 1"], city: "Valencia", postalCode: "46001", country: "ES" },
  diabetes: "type1",
  onset: "2001-05-01",
  organizationOid: "2.16.724.4.2",
};

test("buildBundle: a Bundle that validates without errors, from an object or a string", () => {
  const before = Date.now();
  const json = pfhir.buildBundle(input);
  const bundle = JSON.parse(json);
  assert.equal(bundle.resourceType, "Bundle");
  assert.deepEqual(bundle.entry.map((e) => e.resource.resourceType), ["MessageHeader", "Patient", "Condition"]);
  const outcome = pfhir.validate(json);
  assert.equal(errors(outcome).length, 0, JSON.stringify(outcome));
  assert.deepEqual(messageIds(outcome), ["PFHIR-V0902"], "no warning either");
  // Ids are random UUIDs; the timestamp is the host's clock, in UTC with milliseconds.
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.match(bundle.id, uuid);
  assert.match(bundle.entry[1].resource.id, uuid);
  assert.notEqual(JSON.parse(pfhir.buildBundle(input)).id, bundle.id);
  const ts = bundle.entry[0].resource.timestamp;
  assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Date.parse(ts) >= before - 1 && Date.parse(ts) <= Date.now() + 1);
  // Given ids and timestamp: the same output from a string and from an object.
  const fixed = {
    ...input,
    ids: { bundle: "b-1", messageHeader: "h-1", patient: "p-1", condition: "c-1" },
    timestamp: "2020-03-27T12:21:39.471Z",
  };
  assert.equal(pfhir.buildBundle(JSON.stringify(fixed)), pfhir.buildBundle(fixed));
  const pretty = pfhir.buildBundle(fixed, { pretty: true });
  assert.ok(pretty.startsWith('{\n  "resourceType": "Bundle"'));
  assert.deepEqual(JSON.parse(pretty), JSON.parse(pfhir.buildBundle(fixed)));
  assert.equal(JSON.parse(pretty).entry[1].resource.birthDate, "1980-01-01");
});

test("buildBundle: wrong fields throw code input with every field; bad JSON throws code json", () => {
  const e = throwsCode(
    () => pfhir.buildBundle({ ...input, gender: "Q", birthDate: "1980-13-01", phones: [{ value: "1", use: "fax" }] }),
    "input",
  );
  assert.deepEqual(e.fields.map((f) => f.field), ["gender", "birthDate", "phones[0].use"]);
  assert.deepEqual(throwsCode(() => pfhir.buildBundle({ ...input, extra: 1 }), "input").fields.map((f) => f.field), ["extra"]);
  for (const f of e.fields) assert.equal(typeof f.message, "string");
  assert.ok(!e.message.includes("1980-13-01"), "no patient data in messages");
  const missing = throwsCode(() => pfhir.buildBundle("{}"), "input");
  assert.deepEqual(missing.fields.map((f) => f.field), ["authority", "patientId", "organizationOid"]);
  // Unreadable members and wrong values of the readable ones are reported together.
  assert.deepEqual(
    throwsCode(() => pfhir.buildBundle({ ...input, extra: 1, gender: "Q", active: "yes" }), "input").fields.map((f) => f.field),
    ["extra", "active", "gender"],
  );
  // Text that is not a JSON object is code json, without fields (as in the C ABI).
  for (const text of ["{", "[]", "42", ""]) {
    assert.equal(throwsCode(() => pfhir.buildBundle(text), "json").fields, undefined, text);
  }
  // Another assigning authority is accepted when the options name it.
  const other = { ...input, authority: "urn:oid:1.2.3.4" };
  assert.deepEqual(throwsCode(() => pfhir.buildBundle(other), "input").fields.map((f) => f.field), ["authority"]);
  const json = pfhir.buildBundle(other, { authorities: ["urn:oid:1.2.3.4"] });
  assert.equal(errors(pfhir.validate(json, { authorities: ["urn:oid:1.2.3.4"] })).length, 0);
});

test("findings() drops only the 'no issue was found' placeholder, and refuses what is not an outcome", () => {
  const o = pfhir.validate(bad);
  assert.deepEqual(pfhir.findings(o), o.issue, "a document with findings keeps every issue");
  assert.ok(pfhir.findings(o).length > 0);
  for (const wrong of [{}, { issue: "x" }, null, 42]) {
    assert.throws(() => pfhir.findings(wrong), (e) => e instanceof pfhir.PfhirError && e.code === "invalid_argument");
  }
});
