#!/usr/bin/env bash
# Installs, idempotently, what the .NET binding's tests need: Mono's C# compiler (mcs) and
# runtime with the class libraries they use (mscorlib, System, System.Core), and curl (the
# tests reach the sandbox's /_sandbox/ endpoints with it over mutual TLS). Packages already
# installed are skipped; sudo is used only when not root.
set -euo pipefail

PACKAGES=(mono-mcs mono-runtime libmono-corlib4.5-cil libmono-system4.0-cil libmono-system-core4.0-cil curl)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
for tool in mcs mono curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is still missing after the install" >&2; exit 1; }
done
echo "ok: $(mcs --version), $(mono --version | head -n 1)"
