#!/usr/bin/env bash
# Installs, idempotently, what the .NET binding's tests need: Mono's C# compiler (mcs) and
# runtime with the class libraries they use (mscorlib, System, System.Core), and curl (the
# tests reach the sandbox's /_sandbox/ endpoints with it over mutual TLS). Packages already
# installed are skipped; sudo is used only when not root.
set -euo pipefail

PACKAGES=(mono-mcs mono-runtime libmono-corlib4.5-cil libmono-system4.0-cil libmono-system-core4.0-cil curl)
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
apt_ensure "${PACKAGES[@]}"
for tool in mcs mono curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is still missing after the install" >&2; exit 1; }
done
echo "ok: $(mcs --version), $(mono --version | head -n 1)"
