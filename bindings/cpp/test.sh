#!/usr/bin/env bash
# The C++ binding's tests: builds libpfhir and the pfhir CLI with cargo, configures and builds bindings/cpp with CMake
# (GoogleTest from Debian's libgtest-dev, AddressSanitizer + UBSan on), and runs ctest:
# the fixture corpus one test per fixture, and the sandbox tests over mutual TLS. Then the
# README's quickstart (the ```cpp block after `<!-- quickstart -->` in bindings/cpp/README.md)
# is extracted, compiled with -Wall -Wextra -Werror and run against a fresh `pfhir sandbox`
# with the settings the README names, and once without PFHIR_CLIENT_SECRET.
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

# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
echo "--> cargo build -p pfhir-ffi -p pfhir-cli"
build_native
link_soname "$CARGO_TARGET_DIR/debug" || fail "libpfhir.so has no SONAME"

# That pfhir.hpp calls every function of pfhir.h, and that pfhir_abi.hpp (the enums) is
# current, is `cargo xtask check`'s job (one rule for every binding).

echo "--> cmake configure and build ($BUILD)"
cmake -S "$HERE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Debug -DPFHIR_SANITIZE=ON \
  -DPFHIR_LIBRARY_DIR="$CARGO_TARGET_DIR/debug" -DPFHIR_CLI="$CARGO_TARGET_DIR/debug/pfhir" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"

echo "--> the README's quickstart"
QS="$BUILD/quickstart"
mkdir -p "$QS"
# The ```cpp block right after the <!-- quickstart --> line (blank lines between allowed).
awk '/^<!-- quickstart -->$/ { mark = 1; next }
     mark && /^```cpp$/ { inblock = 1; mark = 0; next }
     inblock && /^```$/ { inblock = 0; next }
     inblock { print }
     mark && NF { mark = 0 }' "$HERE/README.md" >"$QS/quickstart.cpp"
grep -q 'int main' "$QS/quickstart.cpp" || fail "bindings/cpp/README.md has no quickstart block with a main()"
g++ -std=c++17 -Wall -Wextra -Werror -pedantic -I"$ROOT/include" -I"$HERE" "$QS/quickstart.cpp" \
  -L"$CARGO_TARGET_DIR/debug" -lpfhir -Wl,-rpath,"$CARGO_TARGET_DIR/debug" -o "$QS/quickstart" ||
  fail "the README's quickstart does not compile"
SANDBOX_PID=""
# The script's own status survives the trap (wait on the killed sandbox returns 143).
trap 'rc=$?; [ -z "$SANDBOX_PID" ] || { kill "$SANDBOX_PID" 2>/dev/null; wait "$SANDBOX_PID" 2>/dev/null || true; }; exit $rc' EXIT
rm -rf "$QS/certs"
"$CARGO_TARGET_DIR/debug/pfhir" sandbox --certs "$QS/certs" --port 0 >"$QS/sandbox.log" 2>&1 &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 200); do
  URL="$(grep -o 'https://[^ ]*' "$QS/sandbox.log" | head -n 1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$QS/sandbox.log" >&2; fail "the sandbox exited"; }
  sleep 0.05
done
[ -n "$URL" ] || fail "the sandbox printed no URL"
qs_env=(env -u PFHIR_ORG_ID -u PFHIR_CLIENT_ID -u PFHIR_CLIENT_SECRET PFHIR_BASE_URL="$URL"
  PFHIR_CERT="$QS/certs/client.pem" PFHIR_KEY="$QS/certs/client-key.pem" PFHIR_CA="$QS/certs/ca.pem")
out="$(cd "$QS" && "${qs_env[@]}" PFHIR_CLIENT_SECRET=sandbox-secret ./quickstart 2>&1)" ||
  fail "the quickstart failed: $out"
for want in '^valid [0-9]+ issue\(s\)$' '^created [^ ]+ request [^ ]+$' '^updated 200$' '^read 200 [0-9]+ bytes$'; do
  grep -qE "$want" <<<"$out" || fail "the quickstart's output lacks /$want/: $out"
done
echo "ok: the README's quickstart against the sandbox: $(grep '^created' <<<"$out")"
set +e
out="$(cd "$QS" && "${qs_env[@]}" ./quickstart 2>&1)"
rc=$?
set -e
[ "$rc" -eq 2 ] && [ "$out" = "PFHIR_CLIENT_SECRET is not set" ] ||
  fail "the quickstart without PFHIR_CLIENT_SECRET: exit $rc, $out"
echo "ok: the README's quickstart without PFHIR_CLIENT_SECRET says so (exit 2)"

echo "--> ctest"
cd "$BUILD"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure --no-tests=error -j"$(nproc)"
