#!/usr/bin/env bash
# Installs, idempotently, what the C tests (ffi/tests/c/run.sh), the C++ binding tests
# (bindings/cpp/test.sh) and the C examples (examples/c/test.sh) need: a C/C++ compiler,
# binutils, CMake, pkg-config, valgrind, GoogleTest and curl (the tests push sandbox faults
# with it). Anything already installed is skipped.
set -euo pipefail

PACKAGES=(gcc g++ make binutils cmake pkg-config valgrind libgtest-dev curl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ok: ${PACKAGES[*]}"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "error: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "installing: ${missing[*]}"
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
echo "ok: ${PACKAGES[*]}"
