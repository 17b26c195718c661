// Type-checks pfhir-wasm's declarations as a consumer sees them (tsc --strict, nodenext):
// package.test.mjs compiles this against the installed package. Every @ts-expect-error line
// must be an error, so the types are as strict as documented.
import {
  buildBundle,
  hl7Ack,
  hl7ToBundle,
  rules,
  validate,
  validateBytes,
  validateBytesJson,
  validateJson,
  version,
  type BuildBundleOptions,
  type ErrorCode,
  type Hl7Issue,
  type Hl7Options,
  type Hl7Result,
  type OperationOutcome,
  type OperationOutcomeIssue,
  type PartnerRule,
  type PatientInput,
  PfhirError,
  type RuleId,
  type Severity,
  type ValidateOptions,
} from "pfhir-wasm";

const options: ValidateOptions = {
  profile: "partner",
  rules: { "partner-meta-profile": "off", "partner-entry-order": "error" },
  authorities: ["urn:oid:1.2.3.4"],
  maxBytes: 1 << 20,
  maxDepth: 64,
  includeValues: false,
};
const outcome: OperationOutcome = validate("{}", options);
const first: OperationOutcomeIssue = outcome.issue[0];
const severity: Severity = first.severity;
const line: number | undefined = first.extension?.[0].valueInteger;
const messageId: string | undefined = first.details?.coding?.[1].code;
const json: string = validateJson("{}");
const fromBytes: OperationOutcome = validateBytes(new Uint8Array([123, 125]), { profile: "base" });
const fromBytesJson: string = validateBytesJson(new Uint8Array(0));
const v: string = version();
const all: PartnerRule[] = rules();
const id: RuleId = all[0].id;

const input: PatientInput = {
  authority: "cip",
  patientId: "CIP-0001",
  gender: "F",
  diabetes: "type1",
  organizationOid: "2.16.724.4.2",
};
const wide: PatientInput = {
  identifiers: [{ system: "urn:oid:2.16.724.4.41", value: "CIP-0001", type: "JHN", use: "official" }],
  fathersFamily: "García",
  mothersFamily: "López",
  deceased: false,
  maritalStatus: "M",
  language: "es",
  emails: [{ value: "a@example.org", use: "home" }],
  addresses: [{ city: "Valencia", type: "both" }],
  managingOrganization: { display: "Hospital" },
  conditions: [{ diabetes: "type2", verificationStatus: "confirmed" }],
  ids: { conditions: ["c-1"] },
  organizationOid: "2.16.724.4.2",
};
const wideBundle: string = buildBundle(wide);
const capped = validate(wideBundle, { maxIssues: 10 });
const buildOptions: BuildBundleOptions = { pretty: true, authorities: [] };
const bundle: string = buildBundle(input, buildOptions);
const bundle2: string = buildBundle(JSON.stringify(input));

try {
  buildBundle({ ...input, birthDate: "1980-13-01" });
} catch (e) {
  // PfhirError is a class: instanceof narrows `unknown` to it.
  if (e instanceof PfhirError) {
    const code: ErrorCode = e.code;
    const fields = e.fields?.map((f) => `${f.field}: ${f.message}`);
    console.log(code, fields, e.name === "PfhirError", e instanceof Error);
  }
}
const made: PfhirError = new PfhirError("m", { code: "json" });
// @ts-expect-error no such error code
new PfhirError("m", { code: "nope" });

// @ts-expect-error a document is a string
validate(42);
// @ts-expect-error no such rule
validate("{}", { rules: { "partner-nope": "off" } });
// @ts-expect-error no such severity
validate("{}", { rules: { "partner-meta-profile": "fatal" } });
// @ts-expect-error no such profile
validate("{}", { profile: "strict" });
// @ts-expect-error no such option
validate("{}", { maxbytes: 10 });
// @ts-expect-error no such verification status
buildBundle({ ...input, verificationStatus: "maybe" });
// @ts-expect-error organizationOid is required
buildBundle({ authority: "cip", patientId: "1" });
// @ts-expect-error validate returns an object, not a string
const notAString: string = validate("{}");

console.log(made, severity, line, messageId, json, fromBytes, fromBytesJson, v, id, bundle, bundle2, notAString, capped);

// HL7 v2 in.
const hl7Options: Hl7Options = { tz: "+01:00", namespaces: { HOSP: "urn:oid:2.16.724.4.2.1" }, maxBytes: 1 << 20 };
const converted: Hl7Result = hl7ToBundle("MSH|^~\\&|...", hl7Options);
const firstIssue: Hl7Issue | undefined = converted.issues[0];
const where: string | null | undefined = firstIssue?.location;
const code: "AA" | "AE" | "AR" = converted.ackCode;
const ackBytes: Uint8Array = hl7Ack(new Uint8Array([77, 83, 72]));
console.log(where, code, ackBytes.length, converted.bundle?.length, converted.kind === "create");
// @ts-expect-error tz is a string offset
hl7ToBundle("", { tz: 60 });
// @ts-expect-error the message is a string or bytes
hl7ToBundle(42);
