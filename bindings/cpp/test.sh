#!/usr/bin/env bash
# The C++ binding's tests: builds libpfhir and the pfhir CLI with cargo, checks that pfhir.hpp
# wraps every function of include/pfhir.h and maps every PFHIR_CODE_* into pfhir::Code,
# configures and builds bindings/cpp with CMake
# (GoogleTest from Debian's libgtest-dev, AddressSanitizer + UBSan on), and runs ctest:
# the fixture corpus one test per fixture, and the sandbox tests over mutual TLS.
# Needs cmake, g++, libgtest-dev and curl (ffi/tests/c/setup.sh installs them).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BUILD="$HERE/build"
cd "$ROOT"

fail() { echo "error: $*" >&2; exit 1; }
for tool in cmake:cmake g++:g++ gcc:gcc curl:curl cargo:"Rust (rustup)"; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    fail "'${tool%%:*}' is not installed: run ffi/tests/c/setup.sh (or apt-get install ${tool#*:})"
done
[ -f /usr/include/gtest/gtest.h ] ||
  fail "GoogleTest is not installed: run ffi/tests/c/setup.sh (or apt-get install libgtest-dev)"

echo "--> cargo build -p pfhir-ffi -p pfhir-cli"
cargo build --locked -p pfhir-ffi -p pfhir-cli

# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
link_soname "$CARGO_TARGET_DIR/debug" || fail "libpfhir.so has no SONAME"

echo "--> pfhir.hpp wraps every function of pfhir.h"
missing=""
for fn in $(grep -E '^[a-z].*[ *]pfhir_[a-z0-9_]+\(' include/pfhir.h | grep -oE 'pfhir_[a-z0-9_]+\(' | tr -d '(' | sort -u); do
  grep -qE "\b$fn\b" "$HERE/pfhir.hpp" || missing="$missing $fn"
done
[ -z "$missing" ] || fail "pfhir.hpp does not wrap:$missing"

echo "--> pfhir::Code maps every PFHIR_CODE_* of pfhir.h"
codes=$(grep -oE '^ *PFHIR_CODE_[A-Z0-9_]+ *= *[0-9]+' include/pfhir.h | grep -oE 'PFHIR_CODE_[A-Z0-9_]+' | sort -u)
[ "$(echo "$codes" | wc -l)" -ge 28 ] || fail "read only $(echo "$codes" | wc -l) PFHIR_CODE_* from pfhir.h"
missing=""
for code in $codes; do
  grep -qE "^ *[A-Za-z0-9]+ = $code,\$" "$HERE/pfhir.hpp" || missing="$missing $code"
done
[ -z "$missing" ] || fail "pfhir::Code lacks:$missing"

echo "--> cmake configure and build ($BUILD)"
cmake -S "$HERE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DPFHIR_SANITIZE=ON \
  -DPFHIR_LIBRARY_DIR="$CARGO_TARGET_DIR/debug" -DPFHIR_CLI="$CARGO_TARGET_DIR/debug/pfhir" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"

echo "--> ctest"
cd "$BUILD"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure --no-tests=error -j"$(nproc)"
