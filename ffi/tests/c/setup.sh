#!/usr/bin/env bash
# Installs, idempotently, what the C tests (ffi/tests/c/run.sh), the C++ binding tests
# (bindings/cpp/test.sh) and the C examples (examples/c/test.sh) need: a C/C++ compiler,
# binutils, CMake, pkg-config, valgrind, GoogleTest, curl (the tests push sandbox faults
# with it) and the system SQLite's headers (test_outbox is a host that links its own
# SQLite). Anything already installed is skipped.
set -euo pipefail

# shellcheck source=../../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../scripts/lib.sh"
PACKAGES=(gcc g++ make binutils cmake pkg-config valgrind libgtest-dev curl libsqlite3-dev)
apt_ensure "${PACKAGES[@]}"
echo "ok: ${PACKAGES[*]}"
