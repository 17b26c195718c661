// HL7 v2 in (hl7ToBundle, hl7Ack): every message of tests/fixtures/hl7v2/, converted with the
// options of options.json and its own NAME.options.json, gives its Bundle and
// OperationOutcome (as JSON values: the files are pretty-printed), its ACK byte for byte, and
// the ACK code, kind and located errors of its hand-written .expected.json; plus misuse.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { FIXTURES, pfhir } from "./lib.mjs";

const DIR = path.join(FIXTURES, "hl7v2");
const messages = readdirSync(DIR)
  .filter((n) => n.endsWith(".hl7") && !n.endsWith(".ack.hl7"))
  .sort();
const sibling = (name, suffix) => path.join(DIR, name.slice(0, -".hl7".length) + suffix);
const json = (p) => JSON.parse(readFileSync(p, "utf8"));

/** The JS options of a message: options.json, then its own file over it. */
function optionsOf(name) {
  const all = json(path.join(DIR, "options.json"));
  const own = sibling(name, ".options.json");
  if (existsSync(own)) Object.assign(all, json(own));
  const s = all.ids.bundle.slice("bundle-".length);
  assert.deepEqual(
    all.ids,
    { bundle: `bundle-${s}`, messageHeader: `header-${s}`, patient: `patient-${s}`, condition: `condition-${s}` },
    "the corpus's ids are the fixedIds form",
  );
  return {
    namespaces: Object.fromEntries((all.hl7Authorities ?? []).map((spec) => spec.split(/=(.*)/s).slice(0, 2))),
    authorities: all.authorities,
    tz: all.tz,
    orgId: all.orgId,
    sourceEndpoint: all.sourceEndpoint,
    patientId: all.patientId,
    charset: all.charset,
    maxBytes: all.maxBytes,
    fixedIds: s,
    ackControlId: all.ackControlId,
    ackTime: all.ackTime,
  };
}

test("the HL7 corpus has at least 40 messages", () => {
  assert.ok(messages.length >= 40, `found ${messages.length}`);
});

for (const name of messages) {
  test(`hl7 ${name}`, () => {
    const options = optionsOf(name);
    const bytes = new Uint8Array(readFileSync(path.join(DIR, name)));
    const r = pfhir.hl7ToBundle(bytes, options);
    const expected = json(sibling(name, ".expected.json"));
    const bundleFile = sibling(name, ".bundle.json");
    if (existsSync(bundleFile)) {
      assert.equal(typeof r.bundle, "string");
      assert.deepEqual(JSON.parse(r.bundle), json(bundleFile), "the Bundle");
    } else {
      assert.equal(r.bundle, null, "no Bundle");
    }
    assert.deepEqual(r.outcome, json(sibling(name, ".outcome.json")), "the OperationOutcome");
    assert.ok(r.ack instanceof Uint8Array);
    assert.deepEqual(Buffer.from(r.ack), readFileSync(sibling(name, ".ack.hl7")), "the ACK, byte for byte");
    assert.deepEqual(Buffer.from(pfhir.hl7Ack(bytes, options)), Buffer.from(r.ack), "hl7Ack");
    assert.equal(r.ackCode, expected.ack);
    assert.equal(r.kind, expected.kind);
    const errors = r.issues
      .filter((i) => i.severity === "fatal" || i.severity === "error")
      .map((i) => [i.id, i.location ?? ""]);
    assert.deepEqual(errors, expected.errors, "the located errors");
    if (r.issues.length > 0) {
      assert.deepEqual(
        r.outcome.issue.map((i) => i.location?.[0] ?? null),
        r.issues.map((i) => i.location),
        "the OperationOutcome carries the same HL7 locations",
      );
    }
  });
}

const BAD_DATE =
  "MSH|^~\\&|HIS|HOSP^2.16.724.4.2^ISO|PFHIR|PLAT|20260101120000+0100||ADT^A04^ADT_A01|M1|P|2.5.1\r" +
  "PID|1||12345678^^^CIP||Garcia^Ana||19801340|F\r";

test("an error is located at its HL7 field, without the value", () => {
  const r = pfhir.hl7ToBundle(BAD_DATE, { tz: "+01:00" });
  assert.equal(r.ackCode, "AE");
  assert.equal(r.kind, "create");
  const bad = r.issues.find((i) => i.location === "PID-7");
  assert.equal(bad.id, "PFHIR-H0304");
  assert.equal(bad.hl7Code, 102);
  assert.equal(bad.line, 2);
  assert.ok(!bad.message.includes("19801340") && !JSON.stringify(r).includes("19801340"));
  // The ACK's MSH-7 comes from the host's clock when ackTime is not given.
  const ack = Buffer.from(r.ack).toString("latin1");
  const msh7 = ack.split("\r")[0].split("|")[6];
  assert.match(msh7, /^\d{14}\+0000$/);
  assert.ok(ack.includes("\rMSA|AE|M1\r"));
});

test("misuse throws PfhirError; any bytes give an AR and an ACK", () => {
  for (const [options, what] of [
    [{ tz: "Europe/Madrid" }, "tz"],
    [{ charset: "EBCDIC" }, "charset"],
    [{ namespaces: { "A=B": "urn:oid:1.2" } }, "namespace"],
    [{ authorities: ["not a system"] }, "authority"],
    [{ maxBytes: 0 }, "maxBytes"],
    [{ orgId: 5 }, "orgId"],
    [{ nope: true }, "unknown option"],
    ["tz", "options not an object"],
  ]) {
    assert.throws(() => pfhir.hl7ToBundle(BAD_DATE, options), (e) => e instanceof pfhir.PfhirError && e.code === "invalid_argument", what);
  }
  assert.throws(() => pfhir.hl7ToBundle(42), (e) => e instanceof pfhir.PfhirError && e.code === "invalid_argument");
  assert.throws(() => pfhir.hl7Ack(null), (e) => e instanceof pfhir.PfhirError);
  for (const junk of ["", new Uint8Array([0, 0xff, 0x0b, 0x1c, 13]), '{"resourceType":"Patient"}', "MSH|^~"]) {
    const r = pfhir.hl7ToBundle(junk);
    assert.equal(r.ackCode, "AR");
    assert.equal(r.kind, null);
    assert.equal(r.issues[0].severity, "fatal");
    assert.ok(Buffer.from(r.ack).toString("latin1").includes("\rMSA|AR|"));
  }
  const huge = BAD_DATE + "A".repeat(2 * 1024 * 1024);
  for (const input of [huge, new TextEncoder().encode(huge)]) {
    const r = pfhir.hl7ToBundle(input);
    assert.equal(r.ackCode, "AR");
    assert.equal(r.issues[0].id, "PFHIR-H0101");
  }
});
