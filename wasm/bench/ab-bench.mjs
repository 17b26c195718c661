// Two builds of pfhir-wasm against each other in one Node process: validateBytesJson of
// tests/fixtures/partner/good-bundle.json, batches of 300 calls alternating between the two
// (the order swapped every round), after a warm-up of both. Prints each build's median time
// per Bundle and the median of the per-round ratios B/A, which drifts of the host's speed
// (other load, frequency) move far less than two separate runs: a change of 1% shows.
//   node wasm/bench/ab-bench.mjs PKG_A PKG_B [seconds (20)]
// PKG_A, PKG_B: package directories (scripts/build-wasm's wasm/pkg, copied aside).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const [dirA, dirB] = process.argv.slice(2, 4);
if (!dirA || !dirB) {
  console.error("usage: node wasm/bench/ab-bench.mjs PKG_A PKG_B [seconds]");
  process.exit(2);
}
const seconds = Number(process.argv[4] ?? 20);
const load = (dir) => import(path.join(path.resolve(dir), "index.mjs"));
const [A, B] = [await load(dirA), await load(dirB)];
const file = fileURLToPath(new URL("../../tests/fixtures/partner/good-bundle.json", import.meta.url));
const bytes = readFileSync(file);
if (A.validateBytesJson(bytes) !== B.validateBytesJson(bytes)) throw new Error("the two builds answer differently");
const calls = [() => A.validateBytesJson(bytes), () => B.validateBytesJson(bytes)];

// Warm-up: V8 tiers hot WASM functions up to its optimizing compiler in the background.
const warm = performance.now() + 3000;
while (performance.now() < warm) for (const f of calls) for (let i = 0; i < 100; i++) f();

const n = 300;
const times = [[], []];
const deadline = performance.now() + seconds * 1000;
for (let round = 0; performance.now() < deadline; round++) {
  for (const which of round % 2 ? [0, 1] : [1, 0]) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) calls[which]();
    times[which].push(((performance.now() - t0) * 1000) / n);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ratios = times[1].map((b, i) => b / times[0][i]);
console.log(`A ${dirA}: ${median(times[0]).toFixed(3)} µs/Bundle`);
console.log(`B ${dirB}: ${median(times[1]).toFixed(3)} µs/Bundle`);
console.log(`B/A: ${median(ratios).toFixed(4)} (median of ${ratios.length} rounds)`);
