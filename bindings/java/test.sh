#!/usr/bin/env bash
# Builds libpfhir and the pfhir CLI, compiles the Java binding and its tests with javac, and
# runs them with the JUnit 5 console launcher, then compiles the quickstart of README.md (taken
# from it) and runs it against `pfhir sandbox`. Exits non-zero on any failure; never skips.
# Needs: a JDK (17+), cargo, and the packages of setup.sh (libjna-java, junit5).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
LIBDIR="$TARGET/debug"
BUILD="$HERE/build"

JNA_JAR="${JNA_JAR:-/usr/share/java/jna.jar}"
JUNIT_JAR="${JUNIT_JAR:-/usr/share/java/junit-platform-console-standalone.jar}"

fail() { echo "bindings/java/test.sh: $*" >&2; exit 1; }

command -v javac >/dev/null || fail "javac not found (install a JDK 17+)"
command -v java >/dev/null || fail "java not found (install a JDK 17+)"
command -v cargo >/dev/null || fail "cargo not found"
[ -f "$JNA_JAR" ] || fail "JNA not found at $JNA_JAR (run bindings/java/setup.sh)"
[ -f "$JUNIT_JAR" ] || fail "the JUnit 5 console launcher is not at $JUNIT_JAR (run bindings/java/setup.sh)"

echo "== cargo build -p pfhir-ffi -p pfhir-cli"
# shellcheck source=../../scripts/lib.sh
source "$ROOT/scripts/lib.sh"
build_native
[ -f "$LIBDIR/libpfhir.so" ] || fail "no $LIBDIR/libpfhir.so after cargo build"
[ -x "$LIBDIR/pfhir" ] || fail "no $LIBDIR/pfhir after cargo build"

echo "== javac (binding and tests) into bindings/java/build"
rm -rf "$BUILD/classes" "$BUILD/test-classes"
mkdir -p "$BUILD/classes" "$BUILD/test-classes"
find "$HERE/src/main/java" -name '*.java' | sort > "$BUILD/main-sources.txt"
find "$HERE/src/test/java" -name '*.java' | sort > "$BUILD/test-sources.txt"
javac -encoding UTF-8 --release 17 -Xlint:all -Werror -d "$BUILD/classes" -cp "$JNA_JAR" @"$BUILD/main-sources.txt"
javac -encoding UTF-8 --release 17 -Xlint:all,-serial -d "$BUILD/test-classes" \
    -cp "$BUILD/classes:$JNA_JAR:$JUNIT_JAR" @"$BUILD/test-sources.txt"

echo "== javadoc (public API of dev.pfhir; warnings are errors)"
rm -rf "$BUILD/javadoc"
javadoc -quiet -encoding UTF-8 -Xdoclint:all,-missing -Xdoclint/package:dev.pfhir -Werror \
    -d "$BUILD/javadoc" -cp "$JNA_JAR" -sourcepath "$HERE/src/main/java" -subpackages dev.pfhir

echo "== JUnit 5 (dev.pfhir)"
set +e
PFHIR_BIN="$LIBDIR/pfhir" java \
    -Djna.library.path="$LIBDIR" \
    -Dpfhir.root="$ROOT" \
    -jar "$JUNIT_JAR" \
    --class-path "$BUILD/classes:$BUILD/test-classes:$JNA_JAR" \
    --select-package dev.pfhir \
    --fail-if-no-tests \
    --disable-banner \
    --details=summary \
    --details-theme=ascii \
    --reports-dir="$BUILD/test-reports" 2>&1 | tee "$BUILD/junit.log"
rc=${PIPESTATUS[0]}
set -e

# One plain closing line for CI logs: "N passed, N failed".
passed=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\].*/\1/p' "$BUILD/junit.log" | tail -1)
failed=$(sed -n 's/^\[ *\([0-9]*\) tests failed *\].*/\1/p' "$BUILD/junit.log" | tail -1)
skipped=$(sed -n 's/^\[ *\([0-9]*\) tests skipped *\].*/\1/p' "$BUILD/junit.log" | tail -1)
[ -n "$passed" ] || fail "could not read the JUnit summary (exit code $rc)"

# The README's quickstart, as the README has it: extracted (the ```java block after the
# <!-- quickstart --> marker), compiled against the classes, run against `pfhir sandbox` with
# its settings as environment variables; then run without PFHIR_CLIENT_SECRET (exit 2, named).
# (The installed jar runs the same quickstart in scripts/test-dist.d/jar.sh.)
echo "== the README quickstart against pfhir sandbox"
quickstart() {
    local q="$BUILD/quickstart" url="" out qrc
    rm -rf "$q"
    mkdir -p "$q/classes" "$q/certs"
    awk '/<!-- quickstart/ {m = 1; next} m == 1 && /^```java$/ {m = 2; next} m == 2 && /^```$/ {exit} m == 2 {print}' \
        "$HERE/README.md" >"$q/Quickstart.java"
    grep -q '^public class Quickstart' "$q/Quickstart.java" \
        || { echo "no quickstart (\`\`\`java block after <!-- quickstart -->) in README.md" >&2; return 1; }
    javac -encoding UTF-8 -Xlint:all -Werror -cp "$BUILD/classes:$JNA_JAR" -d "$q/classes" "$q/Quickstart.java" || return 1
    "$LIBDIR/pfhir" sandbox --certs "$q/certs" --port 0 >"$q/sandbox.log" 2>&1 &
    local sb=$!
    for _ in $(seq 1 300); do
        url="$(grep -o 'https://[^ ]*' "$q/sandbox.log" | head -n 1 || true)"
        [ -n "$url" ] && break
        sleep 0.1
    done
    if [ -z "$url" ]; then
        kill "$sb" 2>/dev/null || true
        echo "the sandbox printed no URL: $(cat "$q/sandbox.log")" >&2
        return 1
    fi
    local run=(java -Djna.library.path="$LIBDIR" -cp "$q/classes:$BUILD/classes:$JNA_JAR" Quickstart)
    local settings=(PFHIR_BASE_URL="$url" PFHIR_ORG_ID=2.16.724.4.2 PFHIR_CLIENT_ID=1234567890
        PFHIR_CERT="$q/certs/client.pem" PFHIR_KEY="$q/certs/client-key.pem" PFHIR_CA="$q/certs/ca.pem")
    set +e
    out="$(env "${settings[@]}" PFHIR_CLIENT_SECRET=sandbox-secret timeout 120 "${run[@]}" 2>&1)"
    qrc=$?
    local out2 qrc2
    out2="$(env -u PFHIR_CLIENT_SECRET "${settings[@]}" timeout 60 "${run[@]}" 2>&1)"
    qrc2=$?
    set -e
    kill "$sb" 2>/dev/null || true
    wait "$sb" 2>/dev/null || true
    printf '%s\n' "$out"
    if [ "$qrc" -ne 0 ] || ! grep -q '^valid: true$' <<<"$out" || ! grep -q '^created Patient/' <<<"$out" \
        || ! grep -q '^updated: HTTP 200$' <<<"$out" || ! grep -q '^read: HTTP 200, ' <<<"$out"; then
        echo "the quickstart failed (exit $qrc)" >&2
        return 1
    fi
    if [ "$qrc2" -ne 2 ] || ! grep -q '^set PFHIR_CLIENT_SECRET ' <<<"$out2"; then
        echo "the quickstart without PFHIR_CLIENT_SECRET: exit $qrc2, not 2 with 'set PFHIR_CLIENT_SECRET': $out2" >&2
        return 1
    fi
    echo "quickstart: ok (and without PFHIR_CLIENT_SECRET: exit 2, the variable named)"
}
if quickstart; then
    passed=$((passed + 1))
else
    failed=$((${failed:-0} + 1))
    rc=1
fi
if [ "${skipped:-0}" != "0" ]; then
    echo "bindings/java/test.sh: $skipped test(s) skipped: every test must run" >&2
    rc=1
fi
echo "java: ${passed:-0} passed, ${failed:-0} failed"
exit "$rc"
