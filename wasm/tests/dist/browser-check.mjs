// Serves a built site (a bundle of pfhir-wasm plus good.json and bad.json) on 127.0.0.1 and
// opens it in headless Chromium (Debian's, driven by playwright-core): the page validates
// both fixtures. Asserts that the .wasm came from the site as application/wasm, that the good
// Bundle has no error, that the bad one has PFHIR-V0304 at Bundle.entry[1].resource.gender,
// and that misuse threw a PfhirError; prints what it saw. Exit status 1 on any failure.
// Usage: node browser-check.mjs TOOLS_DIR SITE_DIR
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

const [tools, site] = process.argv.slice(2);
const { chromium } = createRequire(path.join(tools, "package.json"))("playwright-core");
const CHROMIUM = "/usr/bin/chromium";
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };

const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures.push(what);
};

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing (Debian package chromium: scripts/setup installs it)`);
  process.exit(1);
}
const served = [];
const server = createServer(async (req, res) => {
  const rel = decodeURIComponent(new URL(req.url, "http://x").pathname).replace(/^\/+/, "") || "index.html";
  const file = path.resolve(site, rel);
  if (!file.startsWith(path.resolve(site) + path.sep)) return res.writeHead(403).end();
  try {
    const body = await readFile(file);
    served.push(rel);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = mkdtempSync(path.join(tmpdir(), "pfhir-npm-chromium-"));
const problems = [];
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync"],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm"), { timeout: 30_000 });
  await page.goto(url);
  const w = await wasm;
  check(w.status() === 200 && w.headers()["content-type"] === "application/wasm",
    `the page fetched ${new URL(w.url()).pathname} from the site (HTTP ${w.status()}, ${w.headers()["content-type"]})`);
  await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 30_000 }).catch((e) => problems.push(e.message));
  const results = JSON.parse((await page.getAttribute("body", "data-results")) ?? "{}");
  const errors = (o) => (o?.issue ?? []).filter((i) => i.severity === "error" || i.severity === "fatal");
  const ids = (o) => errors(o).map((i) => `${i.details?.coding?.find((c) => c.system === "urn:pfhir:message-id")?.code} ${i.expression?.[0]}`);
  check(results.good?.resourceType === "OperationOutcome" && errors(results.good).length === 0,
    `good-bundle.json: no error (${results.good?.issue?.length} issue(s))`);
  check(JSON.stringify(ids(results.bad)) === JSON.stringify(["PFHIR-V0304 Bundle.entry[1].resource.gender"]),
    `065: exactly PFHIR-V0304 at Bundle.entry[1].resource.gender (${JSON.stringify(ids(results.bad))})`);
  check(results.thrown?.instance === true && results.thrown?.isError === true && results.thrown?.code === "invalid_argument",
    `misuse throws a PfhirError (${JSON.stringify(results.thrown)})`);
  check(problems.length === 0, `no page error, console error or failed request (${problems.join("; ")})`);
} catch (e) {
  check(false, `the browser run: ${e.message}`);
} finally {
  await context?.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures.length === 0 ? 0 : 1);
