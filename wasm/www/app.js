// The pfhir-wasm demo: validate a pasted or dropped document and jump to its issues; build a
// Bundle from a form. Plain ES modules, no framework; the package is loaded from ../pkg/.
import { indexOfPosition, positionOf } from "./position.js";

const $ = (id) => document.getElementById(id);
const status = $("status");
const doc = $("doc");
const issuesList = $("issues");
const summary = $("summary");

let pfhir;
try {
  pfhir = await import("../pkg/browser.js");
} catch (e) {
  status.textContent = `The validator could not be loaded: ${e.message}. Build it with scripts/build-wasm.`;
  status.className = "failed";
  throw e;
}

/** Bytes of a dropped or opened file, validated as they are (BOM, invalid UTF-8) until the
 * text is edited. */
let droppedBytes = null;

const MESSAGE_ID = "urn:pfhir:message-id";
const KEY_SYSTEMS = ["urn:pfhir:rule", "urn:pfhir:invariant"];

function options() {
  return { profile: $("profile").value, includeValues: $("include-values").checked };
}

function countBySeverity(outcome) {
  const n = { fatal: 0, error: 0, warning: 0, information: 0 };
  for (const i of outcome.issue) n[i.severity]++;
  return n;
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** A one-line summary: "4 errors, 1 warning" or "No issue was found." */
function describe(outcome) {
  const n = countBySeverity(outcome);
  const errors = n.fatal + n.error;
  if (errors === 0 && n.warning === 0 && outcome.issue.every((i) => i.code === "informational")) {
    return { text: "No issue was found.", errors: 0, warnings: 0 };
  }
  return { text: `${plural(errors, "error")}, ${plural(n.warning, "warning")}`, errors, warnings: n.warning };
}

function validateNow() {
  if (doc.value === "" && !droppedBytes) {
    summary.textContent = "Nothing validated yet.";
    summary.className = "";
    issuesList.replaceChildren();
    return;
  }
  const started = performance.now();
  let outcome;
  try {
    outcome = droppedBytes ? pfhir.validateBytes(droppedBytes, options()) : pfhir.validate(doc.value, options());
  } catch (e) {
    summary.textContent = `${e.code ?? "error"}: ${e.message}`;
    summary.className = "bad";
    return;
  }
  const ms = performance.now() - started;
  const d = describe(outcome);
  summary.textContent = `${d.text} (validated in ${ms.toFixed(1)} ms)`;
  summary.className = d.errors > 0 ? "bad" : d.warnings > 0 ? "warn" : "good";
  summary.dataset.errors = String(d.errors);
  summary.dataset.warnings = String(d.warnings);
  renderIssues(outcome);
}

function renderIssues(outcome) {
  const items = [];
  for (const issue of outcome.issue) {
    if (issue.code === "informational" && issue.severity === "information" && outcome.issue.length === 1) break;
    const li = document.createElement("li");
    li.className = `issue ${issue.severity}`;
    const pos = positionOf(issue);
    const coding = issue.details?.coding ?? [];
    const id = coding.find((c) => c.system === MESSAGE_ID)?.code ?? "";
    const key = coding.find((c) => KEY_SYSTEMS.includes(c.system))?.code;
    const head = document.createElement("div");
    head.className = "head";
    const sev = document.createElement("span");
    sev.className = "sev";
    sev.textContent = issue.severity;
    const where = document.createElement("span");
    where.className = "pos";
    where.textContent = pos ? `${pos.line}:${pos.column}` : "–";
    const code = document.createElement("code");
    code.textContent = key ? `${id} ${key}` : id;
    head.append(sev, where, code);
    const msg = document.createElement("div");
    msg.className = "msg";
    msg.textContent = issue.details?.text ?? "";
    li.append(head, msg);
    if (issue.expression?.[0]) {
      const expr = document.createElement("div");
      expr.className = "expr";
      expr.textContent = issue.expression[0];
      li.append(expr);
    }
    if (pos) {
      li.dataset.line = String(pos.line);
      li.dataset.column = String(pos.column);
      li.tabIndex = 0;
      li.title = "Show it in the document";
      li.addEventListener("click", () => jumpTo(li, pos.line, pos.column));
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          jumpTo(li, pos.line, pos.column);
        }
      });
    }
    items.push(li);
  }
  issuesList.replaceChildren(...items);
}

/** The end of the JSON token at `start`: a whole string, one bracket, or a bare word. */
function tokenEnd(text, start) {
  const c = text[start];
  if (c === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === '"') return i + 1;
      else if (text[i] === "\n" || text[i] === "\r") return i;
    }
    return text.length;
  }
  if (c === "{" || c === "[") return start + 1;
  let i = start;
  while (i < text.length && !/[\s,:{}[\]"]/.test(text[i])) i++;
  return i;
}

/** Selects the issue's position in the text area and scrolls it into view. */
function jumpTo(li, line, column) {
  for (const other of issuesList.querySelectorAll(".active")) other.classList.remove("active");
  li.classList.add("active");
  const text = doc.value;
  const start = indexOfPosition(text, line, column);
  const end = tokenEnd(text, start);
  doc.focus();
  doc.setSelectionRange(start, end);
  const lineHeight = parseFloat(getComputedStyle(doc).lineHeight) || 18;
  doc.scrollTop = Math.max(0, (line - 1) * lineHeight - doc.clientHeight / 3);
  showCaret();
}

function showCaret() {
  const before = doc.value.slice(0, doc.selectionStart);
  const lines = before.split(/\r\n|\r|\n/);
  const column = [...lines[lines.length - 1]].length + 1;
  $("caret").textContent = `Line ${lines.length}, column ${column}`;
}

let timer;
doc.addEventListener("input", () => {
  droppedBytes = null;
  clearTimeout(timer);
  timer = setTimeout(validateNow, 200);
});
for (const ev of ["keyup", "click", "select"]) doc.addEventListener(ev, showCaret);
$("profile").addEventListener("change", validateNow);
$("include-values").addEventListener("change", validateNow);

async function openFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  droppedBytes = bytes;
  doc.value = new TextDecoder().decode(bytes);
  validateNow();
}
doc.addEventListener("dragover", (e) => {
  e.preventDefault();
  doc.classList.add("drop");
});
doc.addEventListener("dragleave", () => doc.classList.remove("drop"));
doc.addEventListener("drop", (e) => {
  e.preventDefault();
  doc.classList.remove("drop");
  const file = e.dataTransfer?.files?.[0];
  if (file) openFile(file);
});
$("file").addEventListener("change", (e) => {
  const file = e.target.files?.[0];
  if (file) openFile(file);
});

const SAMPLE_INPUT = {
  authority: "cip",
  patientId: "CIP-DEMO-0001",
  familyName: "Ficticio Pérez",
  givenNames: ["Ana", "María"],
  gender: "female",
  birthDate: "1980-01-31",
  diabetes: "type1",
  onset: "2001-05-01",
  organizationOid: "2.16.724.4.2",
};

$("sample").addEventListener("change", (e) => {
  const which = e.target.value;
  e.target.value = "";
  if (!which) return;
  let text = pfhir.buildBundle(SAMPLE_INPUT, { pretty: true });
  if (which === "bad") {
    text = text
      .replace('"gender": "female"', '"gender": "F"')
      .replace('"birthDate": "1980-01-31"', '"birthDate": "31/01/1980"')
      .replace(/"type": "message"/, '"type": "collection"');
  }
  droppedBytes = null;
  doc.value = text;
  validateNow();
});

// Tabs.
const tabs = [
  [$("tab-validate-button"), $("tab-validate")],
  [$("tab-build-button"), $("tab-build")],
  [$("tab-hl7-button"), $("tab-hl7")],
];
for (const [button, panel] of tabs) {
  button.addEventListener("click", () => {
    for (const [b, p] of tabs) {
      b.setAttribute("aria-selected", String(b === button));
      p.hidden = p !== panel;
    }
  });
}

// Build from a form.
const form = $("patient-form");
let built = null;

function patientInput() {
  const f = new FormData(form);
  const get = (name) => String(f.get(name) ?? "").trim();
  const input = { authority: get("authority"), patientId: get("patientId"), organizationOid: get("organizationOid") };
  const optional = (name, value = get(name)) => {
    if (value !== "" && !(Array.isArray(value) && value.length === 0)) input[name] = value;
  };
  optional("familyName");
  optional("givenNames", get("givenNames").split(/[,\s]+/).filter(Boolean));
  optional("gender");
  optional("birthDate");
  if (get("phone")) input.phones = [{ value: get("phone") }];
  optional("email");
  if (get("city")) input.address = { city: get("city") };
  optional("diabetes");
  optional("onset");
  return input;
}

/** The form control that a PatientInput field error names. */
function controlOf(field) {
  const name = field.replace(/\[\d+\].*$/, "").replace(/^phones$/, "phone").replace(/^address$/, "city");
  return form.elements.namedItem(name);
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const errorsList = $("build-errors");
  errorsList.replaceChildren();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  try {
    built = pfhir.buildBundle(patientInput(), { pretty: true });
  } catch (err) {
    built = null;
    $("bundle").textContent = "";
    $("open-in-validator").disabled = true;
    $("build-summary").textContent = `Not built (${err.code}): fix the fields on the left.`;
    $("build-summary").className = "bad";
    for (const f of err.fields ?? [{ field: "", message: err.message }]) {
      const li = document.createElement("li");
      li.textContent = f.field ? `${f.field}: ${f.message}` : f.message;
      li.dataset.field = f.field;
      errorsList.append(li);
      controlOf(f.field)?.setAttribute("aria-invalid", "true");
    }
    return;
  }
  $("bundle").textContent = built;
  $("open-in-validator").disabled = false;
  const d = describe(pfhir.validate(built));
  $("build-summary").textContent = `Built and validated: ${d.text}`;
  $("build-summary").className = d.errors > 0 ? "bad" : "good";
  $("build-summary").dataset.errors = String(d.errors);
});

$("open-in-validator").addEventListener("click", () => {
  if (!built) return;
  droppedBytes = null;
  doc.value = built;
  tabs[0][0].click();
  validateNow();
});

// HL7 v2 in: a pasted ADT message becomes the partner Bundle, or issues at their HL7 field.
const hl7Msg = $("hl7-msg");
const hl7Summary = $("hl7-summary");
const hl7Issues = $("hl7-issues");

function hl7Options() {
  const o = {};
  const tz = $("hl7-tz").value.trim();
  const org = $("hl7-org").value.trim();
  if (tz) o.tz = tz;
  if (org) o.orgId = org;
  return o;
}

/** Selects the HL7 value at `line`:`column` (up to the next separator) in the text area. */
function jumpToHl7(li, line, column) {
  for (const other of hl7Issues.querySelectorAll(".active")) other.classList.remove("active");
  li.classList.add("active");
  const text = hl7Msg.value;
  const start = indexOfPosition(text, line, column);
  let end = start;
  while (end < text.length && !/[|^~&\r\n]/.test(text[end])) end++;
  hl7Msg.focus();
  hl7Msg.setSelectionRange(start, Math.max(end, start + 1));
}

function convertHl7() {
  if (hl7Msg.value.trim() === "") {
    hl7Summary.textContent = "Nothing converted yet.";
    hl7Summary.className = "";
    hl7Issues.replaceChildren();
    $("hl7-ack").textContent = "";
    $("hl7-bundle").textContent = "";
    return;
  }
  let r;
  const started = performance.now();
  try {
    r = pfhir.hl7ToBundle(hl7Msg.value, hl7Options());
  } catch (e) {
    hl7Summary.textContent = `${e.code ?? "error"}: ${e.message}`;
    hl7Summary.className = "bad";
    return;
  }
  const ms = performance.now() - started;
  const errors = r.issues.filter((i) => i.severity === "fatal" || i.severity === "error").length;
  const kind = r.kind ? `${r.kind}, ` : "";
  hl7Summary.textContent = r.bundle
    ? `ACK ${r.ackCode}: ${kind}a valid Bundle (converted in ${ms.toFixed(1)} ms)`
    : `ACK ${r.ackCode}: ${kind}${plural(errors, "error")}, no Bundle (converted in ${ms.toFixed(1)} ms)`;
  hl7Summary.className = r.ackCode === "AA" ? "good" : "bad";
  hl7Summary.dataset.ack = r.ackCode;
  hl7Summary.dataset.kind = r.kind ?? "";
  hl7Summary.dataset.errors = String(errors);
  const items = r.issues.map((issue) => {
    const li = document.createElement("li");
    li.className = `issue ${issue.severity}`;
    const head = document.createElement("div");
    head.className = "head";
    const sev = document.createElement("span");
    sev.className = "sev";
    sev.textContent = issue.severity;
    const loc = document.createElement("span");
    loc.className = "loc";
    loc.textContent = issue.location ?? "(message)";
    const where = document.createElement("span");
    where.className = "pos";
    where.textContent = issue.line ? `${issue.line}:${issue.column}` : "–";
    const code = document.createElement("code");
    code.textContent = issue.id;
    head.append(sev, loc, where, code);
    const msg = document.createElement("div");
    msg.className = "msg";
    msg.textContent = issue.message;
    li.append(head, msg);
    if (issue.expression) {
      const expr = document.createElement("div");
      expr.className = "expr";
      expr.textContent = issue.expression;
      li.append(expr);
    }
    if (issue.line) {
      li.tabIndex = 0;
      li.title = "Show it in the message";
      li.addEventListener("click", () => jumpToHl7(li, issue.line, issue.column));
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          jumpToHl7(li, issue.line, issue.column);
        }
      });
    }
    return li;
  });
  hl7Issues.replaceChildren(...items);
  // One ACK segment per line (they end with \r).
  $("hl7-ack").textContent = new TextDecoder().decode(r.ack).replace(/\r/g, "\n");
  $("hl7-bundle").textContent = r.bundle ? JSON.stringify(JSON.parse(r.bundle), null, 2) : "";
}

let hl7Timer;
hl7Msg.addEventListener("input", () => {
  clearTimeout(hl7Timer);
  hl7Timer = setTimeout(convertHl7, 200);
});
$("hl7-tz").addEventListener("change", convertHl7);
$("hl7-org").addEventListener("change", convertHl7);

// Fictional patients.
const HL7_GOOD = [
  "MSH|^~\\&|HIS|HOSPITAL^2.16.724.4.2^ISO|PFHIR|PARTNER|20260315103000+0100||ADT^A04^ADT_A01|MSG00001|P|2.5.1",
  "EVN|A04|20260315103000",
  "PID|1||CIPDEMO000001^^^CIP^JHN||FICTICIO^ANA^MARIA||19800131|F|||CALLE MAYOR 1^^VALENCIA^VALENCIA^46001^ES^H||^PRN^PH^^34^96^5550000",
  "DG1|1||E10^Type 1 diabetes mellitus^I10||20010501|F",
].join("\n");
const HL7_BAD = HL7_GOOD.replace("|19800131|F|", "|19801340|X|");

$("hl7-sample").addEventListener("change", (e) => {
  const which = e.target.value;
  e.target.value = "";
  if (!which) return;
  hl7Msg.value = which === "bad" ? HL7_BAD : HL7_GOOD;
  convertHl7();
});

status.textContent = `pfhir-wasm ${pfhir.version()} ready: ${pfhir.rules().length} partner rules, everything runs in this page.`;
status.className = "ready";
document.body.dataset.ready = "true";
