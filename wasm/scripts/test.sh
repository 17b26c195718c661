#!/usr/bin/env bash
# pfhir-wasm's tests: builds the package (scripts/build-wasm), runs the host unit tests of the
# crate, the Node tests (the conformance corpus byte for byte, the API, the packed package
# with tsc --strict), and the end-to-end test of the demo in headless Chromium.
# Run wasm/scripts/setup.sh first. Nothing is skipped: a missing tool is a failure.
set -euo pipefail
WASM_DIR="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(dirname "$WASM_DIR")"
step() { printf '\n==> %s\n' "$*"; }

step "build the package"
"$ROOT/scripts/build-wasm"

cd "$WASM_DIR"
step "cargo test -p pfhir-wasm (options, errors and builder, on the host)"
cargo test -p pfhir-wasm --locked

step "Node tests: corpus, HL7 corpus, API, package and tsc"
node --test tests/corpus.test.mjs tests/fast-path.test.mjs tests/hl7.test.mjs tests/api.test.mjs tests/package.test.mjs

step "browser test: the demo in headless Chromium"
node --test tests/browser.test.mjs
echo "screenshots: $WASM_DIR/tests/out/"
