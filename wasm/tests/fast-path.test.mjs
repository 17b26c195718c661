// The fast path of the validate* functions (wasm/src/input.rs, fastPath in js/error.js): the
// document written into an input buffer that lives from call to call, and the "no issue was
// found" answer held once on the JS side. Its answers must be those of the module's plain
// functions (the wasm-bindgen glue, which copies each document into a fresh allocation)
// whatever came before: a larger document that moved the buffer, a memory that grew, another
// validation run by an options getter, a caller that changed a returned object.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { FIXTURES, PKG, pfhir } from "./lib.mjs";

// The glue the package wraps: the same instance (one module cache), without the fast path.
const raw = createRequire(import.meta.url)(path.join(PKG, "glue", "node.cjs"));
const DIR = path.join(FIXTURES, "validation");
const good = readFileSync(path.join(FIXTURES, "partner", "good-bundle.json"), "utf8");
const FAST_MAX = 1 << 20;

/** Asserts that every validate* function of the package answers as the plain glue does. */
function sameAsPlain(text, bytes, options, what) {
  if (text !== undefined) {
    assert.equal(pfhir.validateJson(text, options), raw.validateJson(text, options), `validateJson ${what}`);
    assert.deepEqual(pfhir.validate(text, options), raw.validate(text, options), `validate ${what}`);
  }
  assert.equal(pfhir.validateBytesJson(bytes, options), raw.validateBytesJson(bytes, options), `validateBytesJson ${what}`);
  assert.deepEqual(pfhir.validateBytes(bytes, options), raw.validateBytes(bytes, options), `validateBytes ${what}`);
}

test("every corpus input: the same answers as the plain functions, with and without options", () => {
  const inputs = readdirSync(DIR).filter((n) => n.endsWith(".json") && !/\.(expected|outcome)\.json$/.test(n));
  assert.ok(inputs.length >= 40, `found ${inputs.length}`);
  for (const name of inputs) {
    const bytes = readFileSync(path.join(DIR, name));
    const text = bytes.toString("utf8"); // invalid UTF-8 becomes U+FFFD: a string of its own
    for (const options of [undefined, null, { profile: "base" }, { profile: "partner", maxIssues: 2 }]) {
      sameAsPlain(text, bytes, options, `${name} ${JSON.stringify(options)}`);
    }
  }
});

test("a document without findings: the one 'no issue was found' JSON, a fresh object each time", () => {
  const json = pfhir.validateJson(good);
  assert.equal(json, raw.validateJson(good));
  assert.equal(pfhir.findings(JSON.parse(json)).length, 0);
  for (const validate of [() => pfhir.validate(good), () => pfhir.validateBytes(Buffer.from(good))]) {
    const first = validate();
    assert.deepEqual(first, JSON.parse(json));
    // The same key order as JSON.parse gives, at every level.
    assert.equal(JSON.stringify(first), json);
    first.issue[0].severity = "changed";
    first.issue[0].details.coding[1].code = "changed";
    first.issue.push("more");
    assert.deepEqual(validate(), JSON.parse(json), "a changed result does not leak into the next");
    assert.notEqual(validate(), validate());
    assert.notEqual(validate().issue[0].details.coding, validate().issue[0].details.coding);
  }
});

test("the buffer moves and the memory grows: answers stay right, before and after", () => {
  const small = pfhir.validateJson(good);
  // A valid Bundle of about 900 KB (a long narrative), then one over FAST_MAX units, which
  // takes the plain path, then bytes and a non-ASCII string that need a larger buffer.
  const doc = JSON.parse(good);
  const big = (n) => {
    const d = structuredClone(doc);
    d.entry[1].resource.text = { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${"é".repeat(n)}</div>` };
    return JSON.stringify(d);
  };
  for (const text of [big(300_000), big(FAST_MAX), big(10), big(FAST_MAX - 2_000)]) {
    sameAsPlain(text, Buffer.from(text, "utf8"), undefined, `${text.length} units`);
    sameAsPlain(text, Buffer.from(text, "utf8"), { profile: "base" }, `${text.length} units, base`);
    assert.equal(pfhir.validateJson(good), small, `the small document after ${text.length} units`);
  }
  // Grow the memory between two calls (a large buildBundle or any allocation does it too).
  const filler = new Uint8Array(8 << 20).fill(0x20);
  pfhir.validateBytesJson(filler, { profile: "base" });
  assert.equal(pfhir.validateJson(good), small);
  assert.equal(pfhir.validateBytesJson(Buffer.from(good)), small);
});

test("near the size limit: the same too-long answer as the plain path, which copies a prefix", () => {
  for (const n of [FAST_MAX - 1, FAST_MAX, FAST_MAX + 1]) {
    const text = " ".repeat(n - 2) + "{}";
    for (const options of [{ maxBytes: FAST_MAX - 1 }, { maxBytes: FAST_MAX }, { maxBytes: 5 }, undefined]) {
      sameAsPlain(text, Buffer.from(text), options, `${n} bytes, ${JSON.stringify(options)}`);
    }
  }
  // 2-byte and 3-byte characters and a lone surrogate: more UTF-8 bytes than UTF-16 units.
  const wide = `{"resourceType":"Patient","name":[{"text":"${"€".repeat(400)}\ud800${"ü".repeat(10)}"}]}`;
  for (const options of [undefined, { maxBytes: 1000 }, { maxBytes: wide.length }]) {
    sameAsPlain(wide, Buffer.from(wide), options, `non-ASCII, ${JSON.stringify(options)}`);
  }
});

test("an options getter that validates another document does not change the answer", () => {
  const bad = '{"resourceType":"Patient","gender":"X"}';
  const want = raw.validateJson(good, { profile: "base" });
  let inner;
  const options = {
    get profile() {
      inner = pfhir.validateJson(bad, { profile: "partner" }) + pfhir.validateBytesJson(Buffer.from(bad));
      return "base";
    },
  };
  assert.equal(pfhir.validateJson(good, options), want);
  assert.equal(inner, raw.validateJson(bad, { profile: "partner" }) + raw.validateJson(bad));
  assert.equal(pfhir.validateBytesJson(Buffer.from(good), options), want);
});

test("misuse still throws PfhirError from the fast path and the plain one", () => {
  for (const call of [
    () => pfhir.validateJson(good, { profile: "nope" }),
    () => pfhir.validateBytesJson(Buffer.from(good), { maxDepth: 1.5 }),
    () => pfhir.validate(42),
    () => pfhir.validateBytes("text"),
  ]) {
    assert.throws(call, (e) => e instanceof pfhir.PfhirError && e.code === "invalid_argument");
  }
  // After a throw from the options, the next call without options is right.
  assert.equal(pfhir.validateJson(good), raw.validateJson(good));
});

test("pfhir-wasm/web: a call before initSync throws, and does not spoil the calls after it", async () => {
  // A fresh instance of the web glue (its own module state), initialized by hand.
  const web = await import(`${pathToFileURL(path.join(PKG, "web.js")).href}?fresh`);
  assert.throws(() => web.validateJson(good));
  assert.throws(() => web.validateBytesJson(Buffer.from(good)));
  web.initSync({ module: readFileSync(path.join(PKG, "pfhir_wasm_bg.wasm")) });
  const bad = '{"resourceType":"Patient","gender":"X"}';
  assert.equal(web.validateJson(good), raw.validateJson(good));
  assert.equal(web.validateJson(bad), raw.validateJson(bad));
  assert.equal(web.validateBytesJson(Buffer.from(bad)), raw.validateJson(bad));
  assert.deepEqual(web.validate(good), raw.validate(good));
});

test("two wrappers of one instance (two copies of pfhir-wasm/web) share its buffer safely", async () => {
  // Both import the same glue/web.js (one instance); each has its own fast path state.
  const a = await import(`${pathToFileURL(path.join(PKG, "web.js")).href}?copy-a`);
  const b = await import(`${pathToFileURL(path.join(PKG, "web.js")).href}?copy-b`);
  a.initSync({ module: readFileSync(path.join(PKG, "pfhir_wasm_bg.wasm")) });
  const bad = '{"resourceType":"Patient","gender":"X"}';
  const want = raw.validateJson(bad);
  assert.equal(a.validateJson(bad), want);
  // b moves the buffer (a document over the 64 KiB it starts with), then a writes again.
  const big = JSON.stringify({ resourceType: "Patient", gender: "X", text: { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${"x".repeat(200_000)}</div>` } });
  assert.equal(b.validateJson(big), raw.validateJson(big));
  assert.equal(a.validateJson(bad), want);
  assert.equal(a.validateBytesJson(Buffer.from(bad)), want);
  assert.equal(a.validateJson(good), raw.validateJson(good));
});
