// Shared paths and helpers of pfhir-wasm's Node tests.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const WASM_DIR = fileURLToPath(new URL("..", import.meta.url));
export const ROOT = path.resolve(WASM_DIR, "..");
export const PKG = path.join(WASM_DIR, "pkg");
export const OUT = path.join(WASM_DIR, "tests", "out");
export const FIXTURES = path.join(ROOT, "tests", "fixtures");

if (!existsSync(path.join(PKG, "index.cjs"))) {
  throw new Error(`${PKG} is not built: run scripts/build-wasm first`);
}

/** The package's Node entry point (ESM), imported by path (tests of the package name are in package.test.mjs). */
export const pfhir = await import(path.join(PKG, "index.mjs"));

/** The JS options of a fixture's `.expected.json`, as the native harness reads them. */
export function optionsOf(expected) {
  const o = { profile: expected.profile === "base" ? "base" : "partner" };
  const opts = expected.options ?? {};
  for (const k of ["rules", "authorities", "maxBytes", "maxDepth"]) {
    if (opts[k] !== undefined) o[k] = opts[k];
  }
  return o;
}
