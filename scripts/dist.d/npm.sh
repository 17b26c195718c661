# The npm package: dist/pfhir-wasm-VERSION.tgz (sourced by scripts/dist).
# scripts/build-wasm makes wasm/pkg/ (cargo's build is a no-op and the packaging steps are
# skipped when nothing changed, so after scripts/test's WASM stage this costs seconds), then
# `npm pack` writes the tarball. Its README is packaging/README.npm.md; the package's
# version is the workspace's. scripts/test-dist.d/npm.sh installs and tests it.
dist_npm() {
  local pkg="$ROOT/wasm/pkg" out v
  step "scripts/build-wasm (the npm package in wasm/pkg/)"
  "$ROOT/scripts/build-wasm"
  v="$(node -p 'require(process.argv[1]).version' "$pkg/package.json")"
  [ "$v" = "$VERSION" ] || { echo "error: wasm/pkg is version $v, the workspace $VERSION" >&2; return 1; }
  step "npm pack wasm/pkg -> dist/pfhir-wasm-$VERSION.tgz"
  out="$(stage_dir npm)"
  (cd "$out" && npm pack "$pkg" --pack-destination "$out" --json >"$out/pack.json")
  [ -f "$out/pfhir-wasm-$VERSION.tgz" ] || { echo "error: npm pack wrote no pfhir-wasm-$VERSION.tgz" >&2; return 1; }
  mv "$out/pfhir-wasm-$VERSION.tgz" "$DIST/"
  node -e '
    const [p] = require(process.argv[1]);
    console.log(`built dist/${p.filename}: ${p.size} bytes packed, ${p.unpackedSize} unpacked, ${p.entryCount} files`);
  ' "$out/pack.json"
}
