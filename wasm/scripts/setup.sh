#!/usr/bin/env bash
# Installs, idempotently, what building and testing pfhir-wasm needs (scripts/build-wasm,
# wasm/scripts/test.sh): the wasm32 Rust target, wasm-bindgen-cli at exactly the version of
# the wasm-bindgen crate, the npm dev dependencies of wasm/ (binaryen's wasm-opt, typescript,
# playwright-core) from package-lock.json, and Debian's Chromium for the browser test.
# Whatever is already there is skipped, so a second run costs seconds.
set -euo pipefail
WASM_DIR="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../../scripts/lib.sh
source "$WASM_DIR/../scripts/lib.sh"

step "Rust target wasm32-unknown-unknown"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
echo "ok: wasm32-unknown-unknown"

step "wasm-bindgen-cli (the version of the wasm-bindgen crate in Cargo.lock)"
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
[ -n "$want" ] || { echo "error: wasm-bindgen is not in $ROOT/Cargo.lock" >&2; exit 1; }
if have wasm-bindgen && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$want" ]; then
  echo "ok: wasm-bindgen $want"
else
  echo "installing wasm-bindgen-cli $want (several minutes on 2 cores)"
  # --locked reproduces the CLI's own lock file; a registry mirror may lack one of its exact
  # versions, so fall back to resolving compatible ones.
  cargo install wasm-bindgen-cli --version "$want" --locked \
    || cargo install wasm-bindgen-cli --version "$want"
  [ "$(wasm-bindgen --version | awk '{print $2}')" = "$want" ] \
    || { echo "error: wasm-bindgen --version is not $want after the install" >&2; exit 1; }
fi

step "npm dev dependencies of wasm/ (binaryen, typescript, playwright-core)"
have node || { echo "error: Node.js 20 or later is required" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "error: Node.js 20 or later is required, found $(node --version)" >&2; exit 1; }
cd "$WASM_DIR"
if [ -x node_modules/.bin/wasm-opt ] && [ -x node_modules/.bin/tsc ] && [ -d node_modules/playwright-core ] \
   && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "ok: node_modules is up to date"
else
  npm ci --no-audit --no-fund
fi

step "Chromium (Debian) for the browser test"
if [ -x /usr/bin/chromium ]; then
  echo "ok: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
else
  apt_ensure chromium
  [ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is still missing" >&2; exit 1; }
fi
