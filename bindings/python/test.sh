#!/usr/bin/env bash
# Builds libpfhir and the pfhir CLI (a no-op when fresh), then runs the Python binding's tests
# against them: the conformance corpus, building, error mapping, misuse, threads, and a sandbox
# over mutual TLS. Called from scripts/test. Fails loudly: no test is skipped.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"

cd "$ROOT"
# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
build_native

TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export PFHIR_LIBRARY="$TARGET/debug/libpfhir.so"
export PFHIR_BIN="$TARGET/debug/pfhir"
for f in "$PFHIR_LIBRARY" "$PFHIR_BIN"; do
    if [ ! -f "$f" ]; then
        echo "bindings/python/test.sh: $f is missing after cargo build" >&2
        exit 1
    fi
done
if ! "$PYTHON" -m pytest --version >/dev/null 2>&1; then
    echo "bindings/python/test.sh: pytest is not installed: run bindings/python/setup.sh" >&2
    exit 1
fi

"$PYTHON" -m pytest -q -p no:cacheprovider bindings/python/tests "$@"
