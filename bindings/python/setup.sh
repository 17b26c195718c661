#!/usr/bin/env bash
# Prepares the Python binding's tests: installs pytest unless it is already importable.
# Idempotent; called from scripts/setup.
set -euo pipefail

PYTHON="${PYTHON:-python3}"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "bindings/python/setup.sh: $PYTHON not found (the Python binding needs Python 3.8+)" >&2
    exit 1
fi
if "$PYTHON" -m pytest --version >/dev/null 2>&1; then
    echo "bindings/python: pytest already installed ($("$PYTHON" -m pytest --version 2>&1 | head -n1))"
else
    echo "bindings/python: installing pytest"
    "$PYTHON" -m pip install --disable-pip-version-check --quiet "pytest>=7"
    "$PYTHON" -m pytest --version
fi
