/** Issue severity, as in STU3 OperationOutcome.issue.severity. */
export type Severity = "fatal" | "error" | "warning" | "information";

/** The issue code, in the Partners API's vocabulary. */
export type IssueCode = "required" | "structure" | "invalid" | "too-long" | "informational";

/** A FHIR Coding. In `details.coding` the systems are `http://hl7.org/fhir/issue-type` (the
 * finer STU3 issue type), `urn:pfhir:message-id` (`PFHIR-V0304`), `urn:pfhir:invariant`
 * (`cpt-2`) and `urn:pfhir:rule` (`partner-meta-profile`). */
export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}

/** The line and column extensions of an issue (1-based; columns count Unicode code points):
 * `http://hl7.org/fhir/StructureDefinition/operationoutcome-issue-line` and `-col`. */
export interface IssuePositionExtension {
  url: string;
  valueInteger: number;
}

/** One issue of an OperationOutcome. */
export interface OperationOutcomeIssue {
  /** Line and column, when the issue has a position in the document. */
  extension?: IssuePositionExtension[];
  severity: Severity;
  code: IssueCode;
  /** The finer issue type, the message id and the invariant key or rule id; `text` is the message. */
  details?: { coding?: Coding[]; text?: string };
  /** The FHIRPath text of a violated invariant. */
  diagnostics?: string;
  /** The FHIRPath of the element (`Bundle.entry[1].resource.birthDate`). */
  expression?: string[];
  /** HL7 v2 (`hl7ToBundle`): the field the issue is about (`PID-7`). */
  location?: string[];
}

/** The STU3 OperationOutcome that pfhir returns: never empty (a valid document gets one
 * informational "No issue was found." issue). */
export interface OperationOutcome {
  resourceType: "OperationOutcome";
  issue: OperationOutcomeIssue[];
}

/** The partner profile rules whose severity can be set. */
export type RuleId =
  | "partner-bundle"
  | "partner-bundle-type"
  | "partner-header-first"
  | "partner-header-event"
  | "partner-header-endpoint"
  | "partner-header-software"
  | "partner-one-patient"
  | "partner-patient-identifier"
  | "partner-condition-subject"
  | "partner-condition-present"
  | "partner-entry-type"
  | "partner-entry-order"
  | "partner-meta-profile"
  | "partner-unvalidated-resource"
  | "partner-patient-demographics"
  | "partner-condition-code";

/** How a partner rule reports. */
export type RuleSeverity = "error" | "warning" | "off";

/** A partner profile rule, as `rules()` lists it. */
export interface PartnerRule {
  id: RuleId;
  /** The default severity. */
  severity: RuleSeverity;
  /** The message id of its issues (`PFHIR-V0901`). */
  messageId: string;
  rationale: string;
}

/** Options of `validate`, `validateJson`, `validateBytes` and `validateBytesJson`. Every member
 * is optional; `undefined` and `null` mean the default. Unknown members throw. */
export interface ValidateOptions {
  /** `"partner"` (default): STU3 plus the partner profile rules; `"base"`: STU3 only. */
  profile?: "partner" | "base";
  /** Severities of partner rules, by rule id. */
  rules?: Partial<Record<RuleId, RuleSeverity>>;
  /** Identifier systems accepted as assigning authority, besides Meteda and CIP. */
  authorities?: string[];
  /** Largest accepted document in UTF-8 bytes (default 1048576; 1 to 4294967295). */
  maxBytes?: number;
  /** Deepest accepted nesting of objects and arrays (default 64; 1 to 128). */
  maxDepth?: number;
  /**
   * The most issues listed per document (default 1000; 0: no limit). Past it, the outcome
   * ends with one `too-costly` issue (PFHIR-V0108) that counts the rest, with the severity
   * of the most serious one left out.
   */
  maxIssues?: number;
  /** Put the offending values in messages (default false: they are patient data). */
  includeValues?: boolean;
}

/** Options of `buildBundle`. */
export interface BuildBundleOptions {
  /** Identifier systems accepted as assigning authority, besides Meteda and CIP. */
  authorities?: string[];
  /** Indent the Bundle JSON (default false: compact). */
  pretty?: boolean;
  /** The exact MessageHeader.source.endpoint, a URI (default `urn:oid:` + organizationOid). */
  sourceEndpoint?: string;
  /** false: leave Bundle.id out (the guide's request example has none); default true. */
  bundleId?: boolean;
}

/** A patient as an EMR holds it: the input of `buildBundle`. */
/** An address (`address`, `addresses`): at least a line or one of city ... country. */
export interface AddressInput {
  lines?: string[] | string;
  city?: string;
  district?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  use?: "home" | "work" | "temp" | "old";
  type?: "postal" | "physical" | "both";
}

/** A coding: `system` is an absolute URI. */
export interface CodingInput {
  system: string;
  code: string;
  display?: string;
}

/** The diabetes shorthands: SNOMED CT plus ICD-10 (WHO) codings (docs/patient-input.md). */
export type DiabetesType = "type1" | "type2" | "gestational" | "unspecified";
/** Condition.clinicalStatus. */
export type ClinicalStatus = "active" | "recurrence" | "inactive" | "remission" | "resolved";
/** Condition.verificationStatus. */
export type VerificationStatus =
  | "provisional"
  | "differential"
  | "confirmed"
  | "refuted"
  | "entered-in-error"
  | "unknown";

/**
 * The EMR-shaped input of `buildBundle`: every member, its FHIR target and its HL7 v2 source
 * are listed in docs/patient-input.md. Where an EMR repeats a field, the list member sits
 * beside the single one (`identifiers` beside `authority` + `patientId`, `emails` beside
 * `email`, `addresses` beside `address`, `communication` beside `language`, `conditions`
 * beside `diabetes` / `condition`).
 */
export interface PatientInput {
  /** Assigning authority of the patient id: `"cip"`, `"meteda"`, or an identifier system URI.
   * With `patientId`; both may be left out when `identifiers` holds one of an accepted
   * authority. */
  authority?: string;
  /** The patient's id at that authority. */
  patientId?: string;
  /** More identifiers (PID-3 repetitions); one at least of an accepted authority. */
  identifiers?: {
    system: string;
    value: string;
    use?: "usual" | "official" | "temp" | "secondary";
    /** An HL7 v2 table 0203 code (`MR`, `JHN`, `NI`, `PPN`, `NNESP`...). */
    type?: string;
    /** The issuing organization's name. */
    assigner?: string;
  }[];
  /** The family name as one text (default: `fathersFamily` and `mothersFamily` joined). */
  familyName?: string;
  /** The first Spanish surname (humanname-fathers-family extension). */
  fathersFamily?: string;
  /** The second Spanish surname (humanname-mothers-family extension). */
  mothersFamily?: string;
  givenNames?: string[] | string;
  /** `male`, `female`, `other`, `unknown` (or `M`, `F`, `O`, `U`). */
  gender?: string;
  /** `YYYY-MM-DD` (also `YYYY`, `YYYY-MM`, `YYYYMMDD`). */
  birthDate?: string;
  /** `true`, `false`, a date, or a dateTime with time zone. */
  deceased?: boolean | string;
  /** An HL7 v3 MaritalStatus code (`M`, `S`, `D`, `W`...) or `UNK`. */
  maritalStatus?: string;
  /** The preferred language, a BCP 47 tag (`es`, `ca`, `en-GB`). */
  language?: string;
  communication?: { language: string; preferred?: boolean }[];
  phones?: { value: string; use?: "home" | "work" | "temp" | "old" | "mobile" }[];
  email?: string;
  emails?: { value: string; use?: "home" | "work" | "temp" | "old" }[];
  address?: AddressInput;
  addresses?: AddressInput[];
  /** Default true. */
  active?: boolean;
  /** Patient.managingOrganization: a reference, an identifier (system + value), a display. */
  managingOrganization?: { reference?: string; system?: string; value?: string; display?: string };
  /** The first Condition: give either `diabetes` or `condition`. */
  diabetes?: DiabetesType;
  condition?: CodingInput;
  /** A date (`YYYY-MM-DD`) or a dateTime with time zone. */
  onset?: string;
  clinicalStatus?: ClinicalStatus;
  verificationStatus?: VerificationStatus;
  /** More Conditions, one each (DG1 repetitions); each needs `diabetes` or `codings`. */
  conditions?: {
    diabetes?: DiabetesType;
    codings?: CodingInput[];
    onset?: string;
    clinicalStatus?: ClinicalStatus;
    verificationStatus?: VerificationStatus;
  }[];
  /** OID of the sending organization (`2.16.724.4.2` or `urn:oid:2.16.724.4.2`). */
  organizationOid: string;
  /** MessageHeader.source.software (default `pfhir`). */
  softwareName?: string;
  /** MessageHeader.source.version (default pfhir's version). */
  softwareVersion?: string;
  /** Ids to use instead of random UUIDs. For an update, `patient` is the platform's id. */
  ids?: {
    bundle?: string;
    messageHeader?: string;
    patient?: string;
    condition?: string;
    conditions?: string[];
  };
  /** MessageHeader.timestamp, an instant (default: now, from `Date.now()`). */
  timestamp?: string;
}

/** Options of `hl7ToBundle` and `hl7Ack`: the CLI's `pfhir hl7` flags (docs/hl7v2.md,
 * "Options"). Each is optional. */
export interface Hl7Options {
  /** CX.4.1 namespace -> identifier system (`{ HOSP: "urn:oid:2.16.724.4.2.1" }`), added to
   * CIP and METEDA. */
  namespaces?: Record<string, string>;
  /** Identifier systems accepted as assigning authority besides CIP and Meteda. */
  authorities?: string[];
  /** The organization OID (default: MSH-4.2 when MSH-4.3 is `ISO`). */
  orgId?: string;
  /** The exact MessageHeader.source.endpoint (default `urn:oid:` + the OID). */
  sourceEndpoint?: string;
  /** The platform's Patient id, for updates (A08, A31): a v2 update. */
  patientId?: string;
  /** The site's fixed UTC offset for times without zone (`+01:00`, `-0500`, `Z`); without
   * it such times are errors. */
  tz?: string;
  /** The character set of messages without MSH-18: `ASCII`, `8859/1`, `8859/15` or
   * `UNICODE UTF-8` (the default). */
  charset?: string;
  /** The size limit in bytes (default 1 MiB). */
  maxBytes?: number;
  /** Fixed ids `bundle-S`, `header-S`, `patient-S`, `condition-S` (reproducible output). */
  fixedIds?: string;
  /** The ACK's MSH-10 (default: a random UUID). */
  ackControlId?: string;
  /** The ACK's MSH-7, an HL7 DTM (default: now, from `Date.now()`, in UTC). */
  ackTime?: string;
}

/** One finding about an HL7 v2 message. */
export interface Hl7Issue {
  severity: Severity;
  /** `PFHIR-H0304` (pfhir's HL7 findings) or `PFHIR-V....` (the Bundle validator's). */
  id: string;
  /** The HL7 field: `PID-7`, `PID-3(2).4`, `DG1[2]-5` (docs/hl7v2.md, "Locations"). */
  location: string | null;
  /** The FHIRPath of the Bundle element, when there is one. */
  expression: string | null;
  /** The table 0357 code the ACK's ERR-3 carries (0 for warnings and notes). */
  hl7Code: number;
  /** 1-based segment line; 0: no position. */
  line: number;
  /** 1-based column, in characters; 0: no position. */
  column: number;
  /** What is wrong; names fields, never values. */
  message: string;
}

/** What `hl7ToBundle` returns. */
export interface Hl7Result {
  /** The partner Bundle JSON, or `null` when the message gave no valid Bundle. */
  bundle: string | null;
  /** What the message does; `null` when it is not a Patient services event pfhir maps. */
  kind: "create" | "update" | null;
  /** MSA-1: `AA` (a valid Bundle), `AE` (wrong content), `AR` (cannot be processed). */
  ackCode: "AA" | "AE" | "AR";
  /** The ACK: segments ended by `\r`, in the message's character set. */
  ack: Uint8Array;
  /** Every finding, with its HL7 location. */
  issues: Hl7Issue[];
  /** The same findings as an STU3 OperationOutcome (`location` holds the HL7 field). */
  outcome: OperationOutcome;
}

/** The `code` of a thrown error (pfhir's shared ErrorCode names, as the C ABI reports them). */
export type ErrorCode =
  /** Wrong argument type, unknown option or rule id, bad severity, bad limit or authority. */
  | "invalid_argument"
  /** `buildBundle`: PatientInput fields are wrong (see `fields`: every one of them). */
  | "input"
  /** `buildBundle`: the PatientInput text is not JSON, or not a JSON object. */
  | "json"
  /** No random generator in the host (`crypto.getRandomValues`), or a pfhir bug. */
  | "internal";

/** One wrong PatientInput field. */
export interface FieldError {
  /** The field, as in the JSON form (`birthDate`, `phones[1].use`); `""` for the whole input. */
  field: string;
  /** What is wrong (never the value). */
  message: string;
}

/** What pfhir-wasm throws on API misuse: a real `Error` subclass with a `code`, so
 * `e instanceof PfhirError` tells pfhir's errors apart. Content problems are never thrown. */
export declare class PfhirError extends Error {
  constructor(message: string, options: { code: ErrorCode; fields?: FieldError[] });
  name: "PfhirError";
  code: ErrorCode;
  /** For `code: "input"`: every wrong field. */
  fields?: FieldError[];
}
