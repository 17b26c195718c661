#!/usr/bin/env bash
# Builds libpfhir and the pfhir CLI (a no-op when fresh), compiles the .NET binding and its
# tests with Mono's mcs into bindings/dotnet/build, and runs the tests under mono. The tests
# replay tests/fixtures/validation and talk to a `pfhir sandbox` they start and stop.
# build/ is laid out like the NuGet package (Pfhir.dll, Pfhir.dll.config and
# runtimes/RID/native/libpfhir.so, a link to the debug build): no LD_LIBRARY_PATH is set, Mono
# finds the library through Pfhir.dll.config as it does in an installed package.
# The README quickstart (the csharp block below its <!-- quickstart --> marker) is extracted,
# compiled and run by a test; the README's other csharp blocks are compiled too.
# Arguments are passed to the test runner (substrings that select tests).
# Exits non-zero on any failure; never skips.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
BUILD="$HERE/build"

for tool in mcs mono cargo curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool not found (run bindings/dotnet/setup.sh)" >&2; exit 1; }
done

echo "==> cargo build -p pfhir-ffi -p pfhir-cli"
# shellcheck source=../../scripts/lib.sh
export CARGO_TARGET_DIR="$TARGET"
source "$ROOT/scripts/lib.sh"
build_native
LIB_DIR="$TARGET/debug"
for f in "$LIB_DIR/libpfhir.so" "$LIB_DIR/pfhir"; do
  [ -e "$f" ] || { echo "error: $f was not built" >&2; exit 1; }
done

echo "==> mcs: Pfhir.dll and Pfhir.Tests.exe"
mkdir -p "$BUILD"
mcs -langversion:7 -target:library -optimize+ -warn:4 -warnaserror+ \
  -out:"$BUILD/Pfhir.dll" -doc:"$BUILD/Pfhir.xml" "$HERE"/src/*.cs
cp "$HERE/src/Pfhir.dll.config" "$BUILD/Pfhir.dll.config"
case "$(uname -m)" in
  x86_64) RID=linux-x64 ;;
  aarch64) RID=linux-arm64 ;;
  *) echo "error: no runtimes/ folder for $(uname -m) in Pfhir.dll.config" >&2; exit 1 ;;
esac
mkdir -p "$BUILD/runtimes/$RID/native"
ln -sfn "$LIB_DIR/libpfhir.so" "$BUILD/runtimes/$RID/native/libpfhir.so"
mcs -langversion:7 -target:exe -debug -warn:4 -warnaserror+ \
  -r:"$BUILD/Pfhir.dll" -r:System.Core.dll \
  -out:"$BUILD/Pfhir.Tests.exe" "$HERE"/tests/*.cs

echo "==> mcs: the README quickstart, and its other csharp blocks"
"$HERE/readme-blocks.sh" quickstart "$HERE/README.md" > "$BUILD/Quickstart.cs"
mcs -langversion:7 -target:exe -warn:4 -warnaserror+ -r:"$BUILD/Pfhir.dll" \
  -out:"$BUILD/Quickstart.exe" "$BUILD/Quickstart.cs"
"$HERE/readme-blocks.sh" others "$HERE/README.md" > "$BUILD/ReadmeSnippets.cs"
mcs -langversion:7 -target:library -warn:4 -warnaserror+ -r:"$BUILD/Pfhir.dll" \
  -out:"$BUILD/ReadmeSnippets.dll" "$BUILD/ReadmeSnippets.cs"

echo "==> mono Pfhir.Tests.exe"
export PFHIR_ROOT="$ROOT"
export PFHIR_BIN="$LIB_DIR/pfhir"
export PFHIR_QUICKSTART="$BUILD/Quickstart.exe"
export PFHIR_SANDBOX_PIDFILE="$BUILD/sandbox.pid"
rm -f "$PFHIR_SANDBOX_PIDFILE"
cd "$BUILD"
rc=0
mono --debug "$BUILD/Pfhir.Tests.exe" "$@" || rc=$?
# The runner stops its sandbox; if it died first, stop that one process (by its pid) here.
if [ -f "$PFHIR_SANDBOX_PIDFILE" ]; then
  { read -r pid; read -r dir; } < "$PFHIR_SANDBOX_PIDFILE" || true
  if [ -n "${pid:-}" ] && grep -q sandbox "/proc/$pid/cmdline" 2>/dev/null; then
    echo "stopping the sandbox the test runner left running (pid $pid)" >&2
    kill "$pid" 2>/dev/null || true
  fi
  case "${dir:-}" in */pfhir-dotnet-*) rm -rf "$dir" ;; esac
  rm -f "$PFHIR_SANDBOX_PIDFILE"
  [ "$rc" -ne 0 ] || rc=1
fi
if [ "$rc" -ne 0 ]; then echo "error: the .NET tests failed (exit $rc)" >&2; fi
exit "$rc"
