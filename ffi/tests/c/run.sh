#!/usr/bin/env bash
# The C tests of libpfhir (see ffi/README.md):
#   1. every function declared in include/pfhir.h is exported by libpfhir (that a test calls
#      each one is checked by `cargo xtask check`);
#   2. header tests: test_header.c includes pfhir.h twice and builds as C11 and as C++17 with
#      -Wall -Wextra -Werror -pedantic; the version macros equal pfhir_version() and the
#      [workspace.package] version of the root Cargo.toml;
#   3. test_api, test_fixtures, test_hl7 (the HL7 v2 corpus), test_client, test_identity and
#      test_outbox (a host linking the system's SQLite too: -lsqlite3), built with -std=c11
#      -Wall -Wextra -Werror -fsanitize=address,undefined against libpfhir.so and run;
#   4. the same, built without sanitizers against libpfhir.a (made private: only pfhir_*
#      global, checked against the header; scripts/lib.sh private_static_lib), run under valgrind
#      (--leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1);
#   5. bench.c builds with -O2 and makes one quick pass (the numbers: ffi/tests/c/bench.sh).
# test_identity: PKCS#12 and encrypted-key identities (made with `openssl` at run time) and the
# trust store, against the sandbox.
# test_client starts `pfhir sandbox` itself (fresh certificates, a free port) and stops it.
# Needs gcc, g++, valgrind and curl (ffi/tests/c/setup.sh installs them). Fails on any error.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"

fail() { echo "error: $*" >&2; exit 1; }
step() { printf '\n--> %s\n' "$*"; }
need() {
  command -v "$1" >/dev/null 2>&1 ||
    fail "'$1' is not installed: run ffi/tests/c/setup.sh (or apt-get install $2)"
}
need gcc gcc
need g++ g++
need valgrind valgrind
need curl curl
need openssl openssl
need nm binutils
need objcopy binutils
[ -f /usr/include/sqlite3.h ] || fail "sqlite3.h is missing: run ffi/tests/c/setup.sh (or apt-get install libsqlite3-dev)"
need cargo "Rust (rustup)"

# shellcheck source=../../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
step "cargo build -p pfhir-ffi -p pfhir-cli"
build_native
LIBDIR="$CARGO_TARGET_DIR/debug"
PFHIR_BIN="$LIBDIR/pfhir"
for f in "$LIBDIR/libpfhir.so" "$LIBDIR/libpfhir.a" "$PFHIR_BIN"; do
  [ -f "$f" ] || fail "$f was not built"
done
link_soname "$LIBDIR" || fail "libpfhir.so has no SONAME"

OUT="$CARGO_TARGET_DIR/ffi-c-tests"
rm -rf "$OUT"
mkdir -p "$OUT"
PASSED=0
FAILED=0
record() { # NAME STATUS
  if [ "$2" -eq 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "FAILED: $1" >&2; fi
}

step "every function of pfhir.h is exported"
# Declarations: the name before '(' on the lines that declare functions.
grep -E '^[a-z].*[ *]pfhir_[a-z0-9_]+\(' include/pfhir.h | grep -oE 'pfhir_[a-z0-9_]+\(' |
  tr -d '(' | sort -u >"$OUT/declared.txt"
nm -D --defined-only "$LIBDIR/libpfhir.so" | awk '$2 == "T" && $3 ~ /^pfhir_/ {print $3}' |
  sort -u >"$OUT/exported.txt"
status=0
if ! diff -u "$OUT/declared.txt" "$OUT/exported.txt"; then
  echo "the header's functions differ from the library's exports (- header, + library)" >&2
  status=1
fi
# That a C test calls each of them is `cargo xtask check`'s job (one rule for the C tests and
# every binding).
echo "$(wc -l <"$OUT/declared.txt") functions declared and exported"
record coverage $status

step "the static library's only global symbols are pfhir.h's functions (private_static_lib)"
# cargo's libpfhir.a leaves every bundled symbol global (SQLite's sqlite3_* among them): the
# static tests below link the private copy, as scripts/install-c installs it.
private_static_lib "$LIBDIR/libpfhir.a" "$OUT/libpfhir.a"
static_globals "$OUT/libpfhir.a" >"$OUT/static-exported.txt"
status=0
if ! diff -u "$OUT/declared.txt" "$OUT/static-exported.txt"; then
  echo "libpfhir.a's global symbols differ from the header's functions (- header, + library)" >&2
  status=1
fi
if ! static_globals "$LIBDIR/libpfhir.a" | grep -q '^sqlite3_open_v2$'; then
  echo "cargo's libpfhir.a no longer carries a global sqlite3_open_v2: is this step still needed?" >&2
fi
record static-exports $status

step "header tests (pfhir.h twice; C11 and C++17, -pedantic; version)"
CARGO_VERSION="$(awk '/^\[workspace.package\]/{s=1; next} /^\[/{s=0} s && $1 == "version" {gsub(/"/, "", $3); print $3}' Cargo.toml)"
[ -n "$CARGO_VERSION" ] || fail "no [workspace.package] version in Cargo.toml"
STRICT=(-Wall -Wextra -Werror -pedantic -I"$ROOT/include")
gcc -std=c11 "${STRICT[@]}" "$HERE/test_header.c" -L"$LIBDIR" -lpfhir -Wl,-rpath,"$LIBDIR" \
  -o "$OUT/test_header_c"
g++ -std=c++17 "${STRICT[@]}" -x c++ "$HERE/test_header.c" -x none -L"$LIBDIR" -lpfhir \
  -Wl,-rpath,"$LIBDIR" -o "$OUT/test_header_cpp"
set +e
"$OUT/test_header_c" "$CARGO_VERSION"; record test_header_c $?
"$OUT/test_header_cpp" "$CARGO_VERSION"; record test_header_cpp $?
set -e

CFLAGS=(-std=c11 -Wall -Wextra -Werror -g -I"$ROOT/include" -I"$HERE")
# The system libraries the static library needs (`cargo rustc -p pfhir-ffi --crate-type
# staticlib -- --print native-static-libs`; scripts/install-c puts the same in pfhir.pc).
read -r -a STATIC_LIBS <<<"$STATIC_LIBS"  # scripts/lib.sh
build() { # NAME MODE(asan|valgrind)
  local name="$1" mode="$2" extra=()
  local host_libs=()
  case "$name" in test_fixtures | test_hl7) extra=("$HERE/mini_json.c") ;; esac
  # test_outbox is a host with its own SQLite: it links the system's beside libpfhir.
  case "$name" in test_outbox) host_libs=(-lsqlite3) ;; esac
  if [ "$mode" = asan ]; then
    gcc "${CFLAGS[@]}" -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
      -fno-omit-frame-pointer "$HERE/$name.c" "$HERE/test_util.c" "${extra[@]}" \
      -L"$LIBDIR" -lpfhir -Wl,-rpath,"$LIBDIR" "${host_libs[@]}" -lpthread -o "$OUT/$name-asan"
  else
    gcc "${CFLAGS[@]}" -O0 "$HERE/$name.c" "$HERE/test_util.c" "${extra[@]}" \
      "$OUT/libpfhir.a" "${host_libs[@]}" "${STATIC_LIBS[@]}" -o "$OUT/$name-valgrind"
  fi
}
args_of() {
  case "$1" in
    test_api) echo "$ROOT" ;;
    test_fixtures) echo "$ROOT/tests/fixtures/validation" ;;
    test_hl7) echo "$ROOT/tests/fixtures/hl7v2" ;;
    test_client | test_identity | test_outbox) echo "$PFHIR_BIN" ;;
  esac
}
TESTS=(test_api test_fixtures test_hl7 test_client test_identity test_outbox)

step "AddressSanitizer + UndefinedBehaviorSanitizer (libpfhir.so)"
for t in "${TESTS[@]}"; do build "$t" asan; done
for t in "${TESTS[@]}"; do
  set +e
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$OUT/$t-asan" "$(args_of "$t")"
  record "$t (sanitizers)" $?
  set -e
done

step "valgrind memcheck (libpfhir.a, no sanitizers)"
for t in "${TESTS[@]}"; do build "$t" valgrind; done
for t in "${TESTS[@]}"; do
  set +e
  valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --error-exitcode=1 \
    --suppressions="$HERE/valgrind.supp" "$OUT/$t-valgrind" "$(args_of "$t")"
  record "$t (valgrind)" $?
  set -e
done

step "bench.c builds -O2 and runs one pass (numbers: ffi/tests/c/bench.sh)"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I"$ROOT/include" "$HERE/bench.c" -L"$LIBDIR" -lpfhir \
  -Wl,-rpath,"$LIBDIR" -o "$OUT/bench"
set +e
"$OUT/bench" "$ROOT" 0; record bench $?
# A name runs that benchmark alone (wasm/bench/vs-native); an unknown one is an error.
only=$("$OUT/bench" "$ROOT" 0 partner_bundle/validate_partner | grep -c '^[a-z_]*/')
[ "$only" = 1 ]; record bench-one-benchmark $?
"$OUT/bench" "$ROOT" 0 no/such_benchmark >/dev/null 2>&1
[ $? -eq 2 ]; record bench-unknown-name $?
set -e

echo
echo "ffi/tests/c: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
