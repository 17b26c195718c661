// End to end in a real browser: Debian's Chromium, headless, driven by playwright-core, on
// the demo page served from 127.0.0.1. A known-bad Bundle shows its 3 errors and a warning, a good one none;
// clicking an issue selects its position in the text area (also past astral characters);
// the form builds a Bundle that validates; the HL7 tab shows a message's issues at their HL7
// fields, jumps to them, and shows the ACK and the Bundle. Screenshots go to wasm/tests/out/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { FIXTURES, OUT, pfhir } from "./lib.mjs";
import { serve } from "../scripts/serve.mjs";
import { indexOfPosition, positionOf } from "../www/position.js";

const CHROMIUM = process.env.PFHIR_CHROMIUM ?? "/usr/bin/chromium";
const good = readFileSync(path.join(FIXTURES, "partner", "good-bundle.json"), "utf8");
const bad = readFileSync(path.join(FIXTURES, "partner", "example-response.json"), "utf8");

let server, url, context, page, profileDir;
const problems = [];

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run wasm/scripts/setup.sh (Debian package chromium)`);
  mkdirSync(OUT, { recursive: true });
  ({ server, url } = await serve());
  profileDir = mkdtempSync(path.join(tmpdir(), "pfhir-chromium-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
    ],
    viewport: { width: 1400, height: 900 },
    timeout: 60_000,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  const wasmResponse = page.waitForResponse((r) => r.url().endsWith(".wasm"));
  await page.goto(`${url}/www/`);
  const wasm = await wasmResponse;
  assert.equal(wasm.headers()["content-type"], "application/wasm");
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
});

after(async () => {
  await context?.close();
  server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

/** Puts `text` in the editor and waits for the validation it triggers. */
async function enter(text) {
  await page.evaluate(() => {
    document.getElementById("summary").textContent = "";
  });
  await page.fill("#doc", text);
  await page.waitForFunction(() => /validated in/.test(document.getElementById("summary").textContent));
}

test("the page loads the module and names the version", async () => {
  assert.match(await page.textContent("#status"), new RegExp(`pfhir-wasm ${pfhir.version().replaceAll(".", "\\.")} ready`));
});

test("the known-bad example shows its 3 errors and 1 warning, each with line:column", async () => {
  await enter(bad);
  assert.equal(await page.getAttribute("#summary", "data-errors"), "3");
  assert.match(await page.textContent("#summary"), /^3 errors, 1 warning/);
  const items = page.locator("#issues li.issue");
  assert.equal(await items.count(), 4);
  const want = pfhir.validate(bad).issue.map((i) => positionOf(i));
  const shown = await items.locator(".pos").allTextContents();
  assert.deepEqual(shown, want.map((p) => `${p.line}:${p.column}`));
  await page.screenshot({ path: path.join(OUT, "demo-issues.png"), fullPage: true });
});

test("clicking an issue selects its position in the text area", async () => {
  const items = page.locator("#issues li.issue");
  const issues = pfhir.validate(bad).issue;
  for (const n of [3, 1]) {
    await items.nth(n).click();
    const { line, column } = positionOf(issues[n]);
    const expected = indexOfPosition(bad, line, column);
    const sel = await page.evaluate(() => {
      const t = document.getElementById("doc");
      return { start: t.selectionStart, end: t.selectionEnd, focused: document.activeElement === t, scrollTop: t.scrollTop };
    });
    assert.equal(sel.start, expected, `issue ${n} at ${line}:${column}`);
    assert.ok(sel.end > sel.start, "the token is selected");
    assert.ok(sel.focused, "the text area has the focus");
    assert.equal(await items.nth(n).getAttribute("class"), `issue ${issues[n].severity} active`);
    if (n === 3) assert.ok(sel.scrollTop > 0, "scrolled to line " + line);
  }
  // The selected text is the offending value: the subject reference of the Condition.
  const selected = await page.evaluate(() => {
    const t = document.getElementById("doc");
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(selected, '""', "the empty endpoint string");
  await page.screenshot({ path: path.join(OUT, "demo-jump.png") });
});

test("columns in code points: the jump lands on the value after emoji", async () => {
  const text = JSON.stringify(JSON.parse(good.replace("Pérez Fuster", "😀😀 Pérez").replace('"male"', '"X"')));
  await enter(text);
  assert.equal(await page.getAttribute("#summary", "data-errors"), "1");
  await page.locator("#issues li.issue").first().click();
  const selected = await page.evaluate(() => {
    const t = document.getElementById("doc");
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(selected, '"X"');
});

test("a good Bundle shows no issue", async () => {
  await enter(good);
  assert.equal(await page.getAttribute("#summary", "data-errors"), "0");
  assert.match(await page.textContent("#summary"), /^No issue was found\./);
  assert.equal(await page.locator("#issues li.issue").count(), 0);
  await page.screenshot({ path: path.join(OUT, "demo-good.png") });
});

test("the profile option reaches the validator", async () => {
  await enter(bad);
  await page.selectOption("#profile", "base");
  await page.waitForFunction(() => document.getElementById("summary").dataset.warnings === "0");
  await page.selectOption("#profile", "partner");
  await page.waitForFunction(() => document.getElementById("summary").dataset.warnings === "1");
});

test("build from a form: a Bundle that validates; wrong fields are marked", async () => {
  await page.click("#tab-build-button");
  await page.click("#build");
  await page.waitForFunction(() => document.getElementById("bundle").textContent.length > 0);
  const bundle = await page.textContent("#bundle");
  const parsed = JSON.parse(bundle);
  assert.equal(parsed.resourceType, "Bundle");
  assert.equal(parsed.entry[1].resource.name[0].family, "Ficticio Pérez");
  assert.equal(pfhir.validate(bundle).issue[0].code, "informational");
  assert.match(await page.textContent("#build-summary"), /Built and validated: No issue was found\./);
  await page.screenshot({ path: path.join(OUT, "demo-build.png"), fullPage: true });

  await page.fill("input[name=birthDate]", "31/01/1980");
  await page.click("#build");
  await page.waitForSelector("#build-errors li");
  assert.deepEqual(await page.locator("#build-errors li").evaluateAll((l) => l.map((e) => e.dataset.field)), ["birthDate"]);
  assert.equal(await page.getAttribute("input[name=birthDate]", "aria-invalid"), "true");
  assert.match(await page.textContent("#build-summary"), /Not built \(input\)/);

  await page.fill("input[name=birthDate]", "1980-01-31");
  await page.click("#build");
  await page.waitForFunction(() => document.getElementById("bundle").textContent.length > 0);
  await page.click("#open-in-validator");
  await page.waitForFunction(() => document.getElementById("summary").dataset.errors === "0");
  assert.equal(await page.isVisible("#tab-validate"), true);
});

test("HL7 v2 in: a bad message shows its issues at their HL7 fields and the AE ACK; a good one the Bundle", async () => {
  await page.click("#tab-hl7-button");
  assert.equal(await page.isVisible("#tab-hl7"), true);
  await page.selectOption("#hl7-sample", "bad");
  await page.waitForFunction(() => document.getElementById("hl7-summary").dataset.ack === "AE");
  const message = await page.inputValue("#hl7-msg");
  const want = pfhir.hl7ToBundle(message, { tz: "+01:00" });
  assert.equal(want.ackCode, "AE");
  const items = page.locator("#hl7-issues li.issue");
  assert.deepEqual(await items.locator(".loc").allTextContents(), want.issues.map((i) => i.location ?? "(message)"));
  assert.ok((await items.locator(".loc").allTextContents()).includes("PID-7"), "the birth date is located at PID-7");
  assert.match(await page.textContent("#hl7-summary"), /^ACK AE: create, 2 errors, no Bundle/);
  assert.match(await page.textContent("#hl7-ack"), /\nMSA\|AE\|MSG00001\n/);
  assert.match(await page.textContent("#hl7-ack"), /\nERR\|\|PID\^1\^7\^1\|102\^/);
  assert.equal(await page.textContent("#hl7-bundle"), "");
  // Clicking the PID-7 issue selects the bad date in the message.
  await items.filter({ hasText: "PID-7" }).first().click();
  const selected = await page.evaluate(() => {
    const t = document.getElementById("hl7-msg");
    return t.value.slice(t.selectionStart, t.selectionEnd);
  });
  assert.equal(selected, "19801340");
  await page.screenshot({ path: path.join(OUT, "demo-hl7-issues.png"), fullPage: true });

  await page.selectOption("#hl7-sample", "good");
  await page.waitForFunction(() => document.getElementById("hl7-summary").dataset.ack === "AA");
  assert.match(await page.textContent("#hl7-summary"), /^ACK AA: create, a valid Bundle/);
  assert.equal(await items.count(), 0);
  const bundle = JSON.parse(await page.textContent("#hl7-bundle"));
  assert.equal(bundle.resourceType, "Bundle");
  assert.equal(bundle.entry[1].resource.birthDate, "1980-01-31");
  assert.equal(pfhir.validate(JSON.stringify(bundle)).issue[0].code, "informational");
  assert.match(await page.textContent("#hl7-ack"), /\nMSA\|AA\|MSG00001\n/);

  // A site offset that is not a fixed offset is refused (an option error, not an issue).
  await page.fill("#hl7-tz", "Europe/Madrid");
  await page.dispatchEvent("#hl7-tz", "change");
  await page.waitForFunction(() => /^invalid_argument/.test(document.getElementById("hl7-summary").textContent));
  await page.fill("#hl7-tz", "+01:00");
  await page.dispatchEvent("#hl7-tz", "change");
  await page.waitForFunction(() => document.getElementById("hl7-summary").dataset.ack === "AA");
  await page.screenshot({ path: path.join(OUT, "demo-hl7-good.png"), fullPage: true });
});

test("no page error, console error or failed request", () => {
  assert.deepEqual(problems, []);
});
