// Validation time of a typical partner Bundle (tests/fixtures/partner/good-bundle.json) in
// Node with pfhir-wasm, to compare with the native criterion benchmark:
//   node wasm/bench/node-bench.mjs
//   cargo bench -p pfhir-core --bench validate -- partner_bundle/validate_partner
//   cargo run --release -p pfhir-wasm --example native-bench   (the same statistics as here)
// Prints, per API call, the median time per Bundle over several timed batches (after warm-up),
// their minimum, and (Linux) the mean on-CPU time of the thread per call, which a loaded
// machine disturbs less than the wall clock.
// PFHIR_WASM_PKG=dir measures another build of the package (default: wasm/pkg);
// BENCH_SECONDS=n, the time per case (default 3); BENCH_ONLY=name, only the case whose call
// starts with name (wasm/bench/vs-native runs validateBytesJson).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const WASM_DIR = fileURLToPath(new URL("..", import.meta.url));
const PKG = path.resolve(process.env.PFHIR_WASM_PKG ?? path.join(WASM_DIR, "pkg"));
const pfhir = await import(path.join(PKG, "index.mjs"));
const file = path.join(WASM_DIR, "..", "tests", "fixtures", "partner", "good-bundle.json");
const text = readFileSync(file, "utf8");
const bytes = readFileSync(file);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

const allCases = [
  ["validateJson(string) -> OperationOutcome JSON", () => pfhir.validateJson(text)],
  ["validateBytesJson(Uint8Array) -> JSON", () => pfhir.validateBytesJson(bytes)],
  ["validate(string) -> plain object", () => pfhir.validate(text)],
  ["validateBytes(Uint8Array) -> plain object", () => pfhir.validateBytes(bytes)],
  ["validateJson(string, {profile: 'base'})", () => pfhir.validateJson(text, { profile: "base" })],
];
const only = process.env.BENCH_ONLY;
const cases = only ? allCases.filter(([name]) => name.startsWith(`${only}(`)) : allCases;
if (cases.length === 0) throw new Error(`BENCH_ONLY=${only}: no such case`);

// Warm-up, as criterion does: V8 compiles WASM with a baseline compiler first and tiers hot
// functions up to its optimizing compiler in the background; measure after that.
const warm = performance.now() + 2000;
while (performance.now() < warm) for (const [, fn] of cases) for (let i = 0; i < 50; i++) fn();

// On-CPU time of this thread (Linux: /proc/thread-self/schedstat, nanoseconds), which time
// slices given to other processes do not inflate as they inflate the wall clock; null elsewhere.
function cpuNs() {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function bench(name, fn) {
  const wall = [];
  const n = 500;
  const c0 = cpuNs();
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline || wall.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    wall.push(((performance.now() - t0) * 1000) / n);
  }
  const c1 = cpuNs();
  // The kernel updates the count at scheduler ticks: over the whole run, the mean is exact.
  const cpuText = c0 !== null && c1 !== null ? `, on-CPU mean ${((c1 - c0) / 1000 / (n * wall.length)).toFixed(2)}` : "";
  console.log(`${name.padEnd(44)} ${median(wall).toFixed(2).padStart(8)} µs/Bundle  (min ${Math.min(...wall).toFixed(2)}${cpuText}, ${wall.length} batches of ${n})`);
}

console.log(`pfhir-wasm ${pfhir.version()}, Node ${process.version}, ${path.basename(file)} (${bytes.length} bytes)`);
for (const [name, fn] of cases) bench(name, fn);
