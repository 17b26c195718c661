#!/usr/bin/env bash
# Validation through the C ABI vs directly in Rust, on the same inputs (ffi/README.md,
# "Performance"):
#   C:    ffi/tests/c/bench.c, -O2, against the release libpfhir.so
#   Rust: cargo bench -p pfhir-core --bench validate (criterion), the groups
#         partner_bundle/validate_partner and official_examples/validate_base
# The two run alternately ROUNDS times (default 3) so that both see the same machine load;
# the table gives, per benchmark, the best round of each side (C: median of 30 samples; Rust:
# criterion's point estimate) and the C/Rust ratio.
#
#   ffi/tests/c/bench.sh [ROUNDS] [SECONDS_PER_BENCHMARK]     # defaults: 3 rounds, 5 s
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
ROUNDS="${1:-3}"
SECS="${2:-5}"
cd "$ROOT"
command -v gcc >/dev/null || { echo "error: gcc is not installed (ffi/tests/c/setup.sh)" >&2; exit 1; }

echo "--> cargo build --release -p pfhir-ffi; cargo bench --no-run"
cargo build --release -p pfhir-ffi
cargo bench -p pfhir-core --bench validate --no-run
OUT="$CARGO_TARGET_DIR/ffi-c-bench"
mkdir -p "$OUT"
REL="$CARGO_TARGET_DIR/release"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$ROOT/include" "$HERE/bench.c" -L"$REL" -lpfhir \
  -Wl,-rpath,"$REL" -o "$OUT/bench"

FILTER='partner_bundle/validate_partner|official_examples/validate_base'
: >"$OUT/c.txt"
: >"$OUT/rust.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "--> round $round/$ROUNDS: C ABI"
  "$OUT/bench" "$ROOT" "$SECS" | tee -a "$OUT/c.txt"
  echo "--> round $round/$ROUNDS: Rust (criterion)"
  cargo bench -p pfhir-core --bench validate -- --warm-up-time 1 --measurement-time "$SECS" \
    "$FILTER" 2>&1 | tee -a "$OUT/rust.txt" | grep -E '^(partner_bundle|official_examples)|time:' || true
done

# Best round per side, in microseconds.
awk '
  function us(v, unit) {
    if (unit == "ns") return v / 1000; if (unit == "ms") return v * 1000;
    if (unit == "s") return v * 1e6; return v
  }
  FILENAME ~ /c.txt$/ && $1 ~ /^(partner_bundle|official_examples)/ {
    name = $1; v = $6 + 0   # "NAME mean X us median Y us min Z us": the median
    if (!(name in c) || v < c[name]) c[name] = v
  }
  FILENAME ~ /rust.txt$/ && $1 ~ /^(partner_bundle|official_examples)/ { cur = $1; sub(/\/[0-9]+$/, "", cur) }
  FILENAME ~ /rust.txt$/ && /time:/ && cur != "" {
    line = $0; sub(/.*\[/, "", line); split(line, f, " ")
    v = us(f[3] + 0, f[4]); if (!(cur in r) || v < r[cur]) r[cur] = v; cur = ""
  }
  END {
    printf "\n%-34s %14s %14s %10s\n", "benchmark", "C ABI (us)", "Rust (us)", "C/Rust"
    n = split("partner_bundle/validate_partner official_examples/validate_base", names, " ")
    for (i = 1; i <= n; i++) {
      k = names[i]
      if (!(k in c) || !(k in r)) { printf "%-34s missing\n", k; bad = 1; continue }
      printf "%-34s %14.2f %14.2f %9.3fx\n", k, c[k], r[k], c[k] / r[k]
    }
    exit bad
  }' "$OUT/c.txt" "$OUT/rust.txt"
