// pfhir-wasm as a consumer gets it: `npm pack` of wasm/pkg installed (offline) into a fresh
// project, imported by name from ESM and required from CommonJS under Node (one instance,
// one PfhirError class), its TypeScript declarations compiled with tsc --strict against
// tests/types/*.ts. The release tarball's own tests (the oldest Node of `engines`, TypeScript
// CommonJS and ESM settings, esbuild and Vite bundles in Chromium) are scripts/test-dist.d/npm.sh.
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
    "package.json", "README.md", "LICENSE-MIT", "LICENSE-APACHE", "index.cjs", "index.mjs",
    "index.d.ts", "index.d.cts", "browser.js", "web.js", "web.d.ts", "error.js", "error.cjs",
    "glue/node.cjs", "glue/web.js", "pfhir_wasm_bg.wasm",
  ]) {
    assert.ok(files.includes(f), `${f} is in the package (${files.join(", ")})`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm")), ["pfhir_wasm_bg.wasm"], "one .wasm");
  assert.equal(packed.name, "pfhir-wasm");
  writeFileSync(path.join(CONSUMER, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock", `./${packed.filename}`]);
  assert.ok(readdirSync(path.join(CONSUMER, "node_modules", "pfhir-wasm")).includes("pfhir_wasm_bg.wasm"));
});

test("Node: import and require by name, one instance and one PfhirError class for both", () => {
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
  // The CommonJS entry is real CommonJS (no require(esm), which Node < 20.19 lacks): it
  // loads with ES module loading turned off for require.
  writeFileSync(
    path.join(CONSUMER, "both.cjs"),
    `const cjs = require("pfhir-wasm");\n` +
      `const resolved = require.resolve("pfhir-wasm");\n` +
      `import("pfhir-wasm").then((esm) => {\n` +
      `  let caught; try { cjs.buildBundle({ gender: "Q" }); } catch (e) { caught = e; }\n` +
      `  process.stdout.write(JSON.stringify({ resolved: require("path").basename(resolved),\n` +
      `    same: esm.PfhirError === cjs.PfhirError && esm.validate === cjs.validate,\n` +
      `    instance: caught instanceof esm.PfhirError, code: caught.code, fields: caught.fields.length > 0,\n` +
      `    constructed: new cjs.PfhirError("m", { code: "json" }) instanceof Error }));\n` +
      `});\n`,
  );
  assert.deepEqual(JSON.parse(run(process.execPath, ["--no-experimental-require-module", "both.cjs"])), {
    resolved: "index.cjs", same: true, instance: true, code: "input", fields: true, constructed: true,
  });
});

test("the export map: Node (import, require), browsers, types for both module systems", () => {
  const pkg = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
  const main = pkg.exports["."];
  assert.deepEqual(Object.keys(main), ["types", "node", "browser", "default"]);
  assert.deepEqual(main.types, { import: "./index.d.ts", require: "./index.d.cts" });
  assert.deepEqual(main.node, { import: "./index.mjs", require: "./index.cjs" });
  assert.equal(main.browser, "./browser.js");
  assert.equal(main.default, "./browser.js");
  assert.equal(pkg.main, "./index.cjs");
  assert.equal(pkg.exports["./pfhir_wasm_bg.wasm"], "./pfhir_wasm_bg.wasm");
  const browser = readFileSync(path.join(PKG, "browser.js"), "utf8");
  assert.match(browser, /await init\(\{ module_or_path: new URL\("\.\/pfhir_wasm_bg\.wasm", import\.meta\.url\) \}\)/);
  assert.match(browser, /from "\.\/web\.js"/);
  // Both glues read the one module at the package's top.
  assert.match(readFileSync(path.join(PKG, "glue", "node.cjs"), "utf8"), /`\$\{__dirname\}\/\.\.\/pfhir_wasm_bg\.wasm`/);
  assert.match(readFileSync(path.join(PKG, "glue", "web.js"), "utf8"), /new URL\('\.\.\/pfhir_wasm_bg\.wasm', import\.meta\.url\)/);
  // Every function the module exports is exported by each entry point, with PfhirError,
  // except the internal ones of the validate* fast path (wasm/src/input.rs: "__fast").
  const glue = readFileSync(path.join(PKG, "glue", "node.cjs"), "utf8");
  const all = [...glue.matchAll(/^exports\.(\w+) = /gm)].map((m) => m[1]).sort();
  const functions = all.filter((f) => !f.startsWith("__fast"));
  assert.deepEqual(all.filter((f) => f.startsWith("__fast")),
    ["__fastAllOk", "__fastBuffer", "__fastMemory", "__fastOutcome", "__fastPrepare", "__fastValidate"]);
  assert.ok(functions.length >= 7, functions.join());
  assert.deepEqual(Object.keys(pfhir).sort(), ["PfhirError", ...functions].sort());
  for (const f of ["web.js", "browser.js"]) {
    const text = readFileSync(path.join(PKG, f), "utf8");
    for (const name of ["PfhirError", ...functions]) assert.match(text, new RegExp(`\\b${name},`), `${f} exports ${name}`);
    assert.doesNotMatch(text, /__fast/, `${f} keeps the fast path's functions internal`);
  }
  for (const d of ["index.d.ts", "index.d.cts", "web.d.ts"]) {
    // (web.d.ts's InitOutput lists every raw export of the module, these too.)
    assert.doesNotMatch(readFileSync(path.join(PKG, d), "utf8"), /export function __fast/, `${d} does not declare them`);
  }
  for (const d of ["index.d.ts", "index.d.cts", "web.d.ts"]) {
    assert.match(readFileSync(path.join(PKG, d), "utf8"), /export declare class PfhirError extends Error/, d);
  }
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

test("the .wasm stays under 300 KB (300,000 bytes) gzipped", () => {
  const wasm = readFileSync(path.join(PKG, "pfhir_wasm_bg.wasm"));
  const gz = gzipSync(wasm, { level: 9 }).length;
  assert.ok(gz < 300_000, `${gz} bytes gzipped`);
});
