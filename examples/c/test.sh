#!/usr/bin/env bash
# Tests the installed form of libpfhir end to end:
#   1. scripts/install-c into a temporary prefix;
#   2. builds validate.c and create_patient.c through pkg-config (shared, and validate.c
#      statically with Libs.private), and through CMake's find_package(pfhir) (pfhir::pfhir
#      and pfhir::pfhir_static); a C++17 program through pkg-config with pfhir.hpp;
#   3. runs every validate build on a valid and an invalid fixture, and both create_patient
#      builds against a fresh `pfhir sandbox` (arguments, then environment variables);
#   4. the quickstart of examples/c/README.md (the ```c block after `<!-- quickstart -->`),
#      extracted, built through pkg-config with -Werror -pedantic and run against the same
#      sandbox with the settings the README names, then without them (exit 2, naming them).
# Needs gcc, g++, cmake, pkg-config (ffi/tests/c/setup.sh installs them). Fails on any error.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

fail() { echo "error: $*" >&2; exit 1; }
for tool in gcc:gcc g++:g++ cmake:cmake pkg-config:pkg-config readelf:binutils cargo:"Rust (rustup)"; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    fail "'${tool%%:*}' is not installed: run ffi/tests/c/setup.sh (or apt-get install ${tool#*:})"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/pfhir-examples-XXXXXX")"
SANDBOX_PID=""
cleanup() {
  if [ -n "$SANDBOX_PID" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PREFIX="$WORK/prefix"
B="$WORK/bin"
mkdir -p "$B"
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAILED: $*" >&2; }

echo "--> cargo build -p pfhir-cli (the sandbox)"
cargo build --locked -p pfhir-cli
PFHIR_BIN="$CARGO_TARGET_DIR/debug/pfhir"

echo "--> scripts/install-c $PREFIX"
scripts/install-c "$PREFIX"
for f in lib/libpfhir.so lib/libpfhir.a include/pfhir.h include/pfhir.hpp lib/pkgconfig/pfhir.pc \
  lib/cmake/pfhir/pfhirConfig.cmake lib/cmake/pfhir/pfhirConfigVersion.cmake; do
  [ -f "$PREFIX/$f" ] || fail "install-c did not install $f"
done

echo "--> build with pkg-config"
export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig"
VERSION="$(sed -n 's/^#define PFHIR_VERSION_STRING "\(.*\)"$/\1/p' include/pfhir.h)"
[ "$(pkg-config --modversion pfhir)" = "$VERSION" ] || fail "pkg-config --modversion pfhir is not $VERSION"
LIBDIR="$(pkg-config --variable=libdir pfhir)"
CFLAGS=(-std=c11 -Wall -Wextra -Werror -pedantic -O2)
# shellcheck disable=SC2046
gcc "${CFLAGS[@]}" "$HERE/validate.c" $(pkg-config --cflags --libs pfhir) -Wl,-rpath,"$LIBDIR" -o "$B/validate-pc"
# shellcheck disable=SC2046
gcc "${CFLAGS[@]}" "$HERE/create_patient.c" $(pkg-config --cflags --libs pfhir) -Wl,-rpath,"$LIBDIR" -o "$B/create_patient-pc"
# Static: libpfhir.a itself (-l:libpfhir.a) and the Libs.private of pfhir.pc.
STATIC_LIBS="$(pkg-config --static --libs pfhir)"
# shellcheck disable=SC2086
gcc "${CFLAGS[@]}" "$HERE/validate.c" $(pkg-config --cflags pfhir) ${STATIC_LIBS/-lpfhir/-l:libpfhir.a} -o "$B/validate-pc-static"
if readelf -d "$B/validate-pc-static" | grep -q 'libpfhir'; then bad "validate-pc-static still needs libpfhir.so"; else ok "validate-pc-static does not need libpfhir.so"; fi
# C++17 with the installed pfhir.hpp.
cat >"$WORK/hello.cpp" <<'CPP'
#include <pfhir.hpp>
#include <iostream>
int main() {
  pfhir::Validator v;
  pfhir::Outcome o = v.validate(R"({"resourceType":"Patient","gender":"zz"})");
  std::cout << "pfhir " << pfhir::version() << ": " << o.size() << " issue(s)\n";
  return pfhir::version() == pfhir::header_version && o.has_errors() ? 0 : 1;
}
CPP
# shellcheck disable=SC2046
g++ -std=c++17 -Wall -Wextra -Werror -pedantic "$WORK/hello.cpp" $(pkg-config --cflags --libs pfhir) -Wl,-rpath,"$LIBDIR" -o "$B/hello-cpp"
if "$B/hello-cpp"; then ok "C++17 program with the installed pfhir.hpp"; else bad "hello-cpp"; fi

echo "--> build with CMake (find_package(pfhir))"
cmake -S "$HERE" -B "$WORK/cmake" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$WORK/cmake" -j"$(nproc)"
SONAME="$(objdump -p "$LIBDIR/libpfhir.so" | awk '$1 == "SONAME" { print $2 }')"
if [ -n "$SONAME" ] && readelf -d "$WORK/cmake/validate" | grep -q "NEEDED.*\[$SONAME\]"; then
  ok "CMake's validate needs libpfhir by its SONAME ($SONAME)"
else
  bad "CMake's validate does not record the SONAME of libpfhir ($SONAME)"
fi
if readelf -d "$WORK/cmake/validate_static" | grep -q 'libpfhir'; then bad "validate_static still needs libpfhir.so"; else ok "validate_static does not need libpfhir.so"; fi

echo "--> run validate"
GOOD="$ROOT/tests/fixtures/partner/good-bundle.json"
BAD="$ROOT/tests/fixtures/validation/065-code-not-in-value-set-gender.json"
for exe in "$B/validate-pc" "$B/validate-pc-static" "$WORK/cmake/validate" "$WORK/cmake/validate_static"; do
  name="${exe#"$WORK"/}"
  if out="$("$exe" "$GOOD")" && grep -q ': valid, 0 issue' <<<"$out"; then ok "$name: good-bundle.json is valid"; else bad "$name on good-bundle.json: $out"; fi
  set +e
  out="$("$exe" "$BAD")"
  rc=$?
  set -e
  if [ "$rc" -eq 1 ] && grep -q 'PFHIR-V0304' <<<"$out" && grep -q '58:19' <<<"$out"; then
    ok "$name: 065 is invalid at 58:19 (PFHIR-V0304)"
  else
    bad "$name on 065 (exit $rc): $out"
  fi
done
set +e
"$WORK/cmake/validate" --json "$BAD" >"$WORK/outcome.json"
set -e
if cmp -s "$WORK/outcome.json" <(cat "${BAD%.json}.outcome.json"; echo); then
  ok "validate --json prints the fixture's OperationOutcome byte for byte"
else
  bad "validate --json differs from ${BAD%.json}.outcome.json"
fi

echo "--> run create_patient against pfhir sandbox"
CERTS="$WORK/certs"
mkdir -p "$CERTS"
"$PFHIR_BIN" sandbox --certs "$CERTS" --port 0 >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
URL=""
for _ in $(seq 1 200); do
  URL="$(grep -o 'https://[^ ]*' "$WORK/sandbox.log" | head -n 1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.log" >&2; fail "the sandbox exited"; }
  sleep 0.05
done
[ -n "$URL" ] || fail "the sandbox printed no URL"
echo "sandbox: $URL"
if out="$(PFHIR_PATIENT_ID="EXAMPLEARGS$$" "$B/create_patient-pc" "$URL" "$CERTS/client.pem" "$CERTS/client-key.pem" "$CERTS/ca.pem")" &&
  grep -q '^created patient ' <<<"$out" && grep -q 'read it back: HTTP 200' <<<"$out"; then
  ok "create_patient (pkg-config build, arguments): $(head -n 1 <<<"$out")"
else
  bad "create_patient (pkg-config build): $out"
fi
if out="$(PFHIR_BASE_URL="$URL" PFHIR_CERT="$CERTS/client.pem" PFHIR_KEY="$CERTS/client-key.pem" \
  PFHIR_CA="$CERTS/ca.pem" PFHIR_PATIENT_ID="EXAMPLEENV$$" "$WORK/cmake/create_patient")" &&
  grep -q '^created patient ' <<<"$out" && grep -q 'read it back: HTTP 200' <<<"$out"; then
  ok "create_patient (CMake build, environment): $(head -n 1 <<<"$out")"
else
  bad "create_patient (CMake build): $out"
fi
# The same patient again: the platform's 409 arrives with its code, status and outcome.
set +e
out="$(PFHIR_PATIENT_ID="EXAMPLEENV$$" "$WORK/cmake/create_patient" "$URL" "$CERTS/client.pem" "$CERTS/client-key.pem" "$CERTS/ca.pem" 2>&1)"
rc=$?
set -e
if [ "$rc" -eq 1 ] && grep -q 'server_invalid (code 42, HTTP 409)' <<<"$out" && grep -q 'OperationOutcome' <<<"$out"; then
  ok "create_patient reports the server's 409 (server_invalid)"
else
  bad "create_patient duplicate (exit $rc): $out"
fi

echo "--> the README's quickstart"
# The ```c block right after the <!-- quickstart --> line (blank lines between allowed).
awk '/^<!-- quickstart -->$/ { mark = 1; next }
     mark && /^```c$/ { inblock = 1; mark = 0; next }
     inblock && /^```$/ { inblock = 0; next }
     inblock { print }
     mark && NF { mark = 0 }' "$HERE/README.md" >"$WORK/quickstart.c"
if ! grep -q 'int main' "$WORK/quickstart.c"; then
  bad "examples/c/README.md has no quickstart block with a main()"
# shellcheck disable=SC2046
elif ! gcc "${CFLAGS[@]}" "$WORK/quickstart.c" $(pkg-config --cflags --libs pfhir) -Wl,-rpath,"$LIBDIR" -o "$B/quickstart"; then
  bad "the README's quickstart does not compile"
else
  ok "the README's quickstart compiles (C11, -Wall -Wextra -Werror -pedantic)"
  qs_env=(env -u PFHIR_ORG_ID -u PFHIR_CLIENT_ID -u PFHIR_CLIENT_SECRET -u PFHIR_BASE_URL
    -u PFHIR_CERT -u PFHIR_KEY -u PFHIR_CA)
  if out="$(cd "$WORK" && "${qs_env[@]}" PFHIR_BASE_URL="$URL" PFHIR_CLIENT_SECRET=sandbox-secret \
    PFHIR_CERT="$CERTS/client.pem" PFHIR_KEY="$CERTS/client-key.pem" PFHIR_CA="$CERTS/ca.pem" \
    "$B/quickstart" 2>&1)" && grep -qE '^valid [0-9]+ issue\(s\)$' <<<"$out" &&
    grep -qE '^created [^ ]+ request [^ ]+$' <<<"$out" && grep -qx 'updated 200' <<<"$out"; then
    ok "the README's quickstart against the sandbox: $(grep '^created' <<<"$out")"
  else
    bad "the README's quickstart against the sandbox: $out"
  fi
  set +e
  out="$("${qs_env[@]}" "$B/quickstart" 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 2 ] && grep -qx 'PFHIR_BASE_URL is not set' <<<"$out" && grep -qx 'PFHIR_CLIENT_SECRET is not set' <<<"$out"; then
    ok "the README's quickstart without its settings names them (exit 2)"
  else
    bad "the README's quickstart without settings (exit $rc): $out"
  fi
fi

echo
echo "examples/c: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
