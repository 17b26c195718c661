// pfhir-wasm as a consumer gets it: `npm pack` of wasm/pkg installed (offline) into a fresh
// project, imported by name from ESM and required from CommonJS under Node, and its
// TypeScript declarations compiled with tsc --strict against tests/types/*.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { OUT, PKG, WASM_DIR, pfhir } from "./lib.mjs";

const CONSUMER = path.join(OUT, "consumer");
const run = (cmd, args) =>
  execFileSync(cmd, args, { cwd: CONSUMER, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

test("npm pack + install: the package holds what it should", () => {
  rmSync(CONSUMER, { recursive: true, force: true });
  mkdirSync(CONSUMER, { recursive: true });
  const packed = JSON.parse(run("npm", ["pack", PKG, "--json", "--pack-destination", CONSUMER]))[0];
  const files = packed.files.map((f) => f.path).sort();
  for (const f of [
    "package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "browser.js", "index.d.ts",
    "node/pfhir_wasm.js", "node/pfhir_wasm.d.ts", "node/pfhir_wasm_bg.wasm",
    "web/pfhir_wasm.js", "web/pfhir_wasm.d.ts", "web/pfhir_wasm_bg.wasm",
  ]) {
    assert.ok(files.includes(f), `${f} is in the package (${files.join(", ")})`);
  }
  assert.equal(packed.name, "pfhir-wasm");
  writeFileSync(path.join(CONSUMER, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", `./${packed.filename}`]);
  assert.ok(readdirSync(path.join(CONSUMER, "node_modules", "pfhir-wasm", "node")).includes("pfhir_wasm_bg.wasm"));
});

test("Node 20: import { validate } from 'pfhir-wasm' works with no init call, and require() too", () => {
  const doc = JSON.stringify({ resourceType: "Patient", gender: "X" });
  const want = pfhir.validateJson(doc);
  writeFileSync(
    path.join(CONSUMER, "esm.mjs"),
    `import { validate, validateJson, version } from "pfhir-wasm";\n` +
      `process.stdout.write(JSON.stringify([validateJson(process.argv[2]), validate(process.argv[2]).resourceType, version()]));\n`,
  );
  assert.deepEqual(JSON.parse(run(process.execPath, ["esm.mjs", doc])), [want, "OperationOutcome", pfhir.version()]);
  writeFileSync(
    path.join(CONSUMER, "cjs.cjs"),
    `const { validateJson } = require("pfhir-wasm");\nprocess.stdout.write(validateJson(process.argv[2]));\n`,
  );
  assert.equal(run(process.execPath, ["cjs.cjs", doc]), want);
});

test("browsers resolve the web build; the types resolve for every condition", () => {
  const pkg = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
  const main = pkg.exports["."];
  assert.deepEqual(Object.keys(main), ["types", "node", "browser", "default"]);
  assert.equal(main.browser, "./browser.js");
  assert.equal(main.default, "./browser.js");
  assert.equal(main.node, "./node/pfhir_wasm.js");
  const browser = readFileSync(path.join(PKG, "browser.js"), "utf8");
  assert.match(browser, /await init\(/);
  assert.match(browser, /from "\.\/web\/pfhir_wasm\.js"/);
});

test("tsc --strict compiles a consumer against the package's declarations", () => {
  for (const f of ["usage.ts", "web-usage.ts", "tsconfig.json"]) {
    cpSync(path.join(WASM_DIR, "tests", "types", f), path.join(CONSUMER, f));
  }
  const tsc = path.join(WASM_DIR, "node_modules", "typescript", "bin", "tsc");
  try {
    run(process.execPath, [tsc, "-p", "tsconfig.json"]);
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

test("the .wasm stays under 300 KB gzipped, and both builds ship the same module", () => {
  const web = readFileSync(path.join(PKG, "web", "pfhir_wasm_bg.wasm"));
  const node = readFileSync(path.join(PKG, "node", "pfhir_wasm_bg.wasm"));
  const gz = gzipSync(web, { level: 9 }).length;
  assert.ok(gz < 300 * 1024, `${gz} bytes gzipped`);
  assert.ok(web.equals(node), "web and node .wasm are identical");
});
