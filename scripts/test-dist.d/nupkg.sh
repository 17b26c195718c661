# Sourced by scripts/test-dist: test_nupkg, the test of dist/Pfhir.VERSION.nupkg.
#
#   the package's entries (exactly: nuspec, OPC parts, lib/netstandard2.0/, the three natives,
#   README, licenses); the nuspec's id and version, the XML parts well-formed and every part's
#   extension given a content type; each native of its machine type, stripped, and byte-equal
#   to the library of its C package.
#   Unzipped into a fresh folder outside the source tree and laid out the way a .NET host
#   resolves the package (program + Pfhir.dll and Pfhir.dll.config from lib/netstandard2.0 +
#   the runtimes/ folder), run with `env -i` (no PFHIR_*, LD_LIBRARY_PATH or MONO_PATH):
#   the README quickstart of bindings/dotnet/README.md (extracted below its marker) compiled
#   with mcs against the package's Pfhir.dll and run against the x86_64 C package's own
#   `pfhir sandbox` over mTLS; NupkgCheck (bindings/dotnet/tests/dist) validates the good and
#   bad fixtures and creates + updates + reads patients, sync and async, Pfhir.dll references
#   only mscorlib/System/System.Core 4.0.0.0 and carries the release version, and the library it
#   mapped is the package's runtimes/linux-x64/native/libpfhir.so. The same program with the
#   library next to Pfhir.dll and no Pfhir.dll.config (the flattened layout) maps that one;
#   with neither, DllNotFoundException (nothing else on the machine is found instead).
#   Packing without a native fails: scripts/dist nupkg run from a copy of the scripts whose
#   staging lacks the Windows DLL exits non-zero naming runtimes/win-x64/native/pfhir.dll and
#   writes no package.
# Needs: Mono (mcs, mono), unzip, python3, mingw-w64's objdump (scripts/setup).

test_nupkg() {
  local nupkg="$DIST/Pfhir.$VERSION.nupkg" w="$WORK/nupkg" e f
  [ -f "$nupkg" ] || { bad "$nupkg is missing (scripts/dist nupkg)"; return; }
  command -v mcs >/dev/null && command -v mono >/dev/null || { bad "mcs and mono are needed (bindings/dotnet/setup.sh)"; return; }
  host_pfhir
  mkdir -p "$w/entries"
  e="$w/entries"

  step "nupkg: entries, nuspec, OPC parts, natives"
  unzip -q "$nupkg" -d "$e"
  local expected got
  expected="$(printf '%s\n' '[Content_Types].xml' LICENSE LICENSE-APACHE LICENSE-MIT Pfhir.nuspec README.md \
    _rels/.rels lib/netstandard2.0/Pfhir.dll lib/netstandard2.0/Pfhir.dll.config lib/netstandard2.0/Pfhir.xml \
    runtimes/linux-arm64/native/libpfhir.so runtimes/linux-x64/native/libpfhir.so runtimes/win-x64/native/pfhir.dll |
    LC_ALL=C sort)"
  got="$(unzip -Z1 "$nupkg" | LC_ALL=C sort)"
  if [ "$got" = "$expected" ]; then
    ok "entries: the nuspec, OPC parts, lib/netstandard2.0/ (dll, xml, config), three natives, README, licenses"
  else
    bad "entries differ from the expected ones:"; diff <(printf '%s\n' "$expected") <(printf '%s\n' "$got") >&2 || true
  fi
  if python3 - "$e" "$VERSION" <<'PY'
import os, sys, xml.etree.ElementTree as ET
root, version = sys.argv[1], sys.argv[2]
ns = {"n": "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd"}
meta = ET.parse(os.path.join(root, "Pfhir.nuspec")).getroot().find("n:metadata", ns)
assert meta.findtext("n:id", namespaces=ns) == "Pfhir", "nuspec id"
assert meta.findtext("n:version", namespaces=ns) == version, "nuspec version"
assert meta.findtext("n:readme", namespaces=ns) == "README.md", "nuspec readme"
assert meta.find("n:license", ns).get("type") == "expression", "license expression"
groups = meta.find("n:dependencies", ns).findall("n:group", ns)
assert [g.get("targetFramework") for g in groups] == [".NETStandard2.0"], "dependency group"
rels = ET.parse(os.path.join(root, "_rels", ".rels")).getroot()
assert any(r.get("Target") == "/Pfhir.nuspec" for r in rels), ".rels names the nuspec"
types = ET.parse(os.path.join(root, "[Content_Types].xml")).getroot()
tag = "{http://schemas.openxmlformats.org/package/2006/content-types}"
defaults = {d.get("Extension") for d in types.iter(tag + "Default")}
overrides = {o.get("PartName") for o in types.iter(tag + "Override")}
for d, _, files in os.walk(root):
    for f in files:
        part = "/" + os.path.relpath(os.path.join(d, f), root)
        ext = f.rsplit(".", 1)[1] if "." in f else None
        assert ext in defaults or part in overrides, "no content type for " + part
PY
  then
    ok "nuspec (id Pfhir, version $VERSION, readme, license expression, .NETStandard2.0 group), .rels, content types"
  else
    bad "nuspec / OPC parts"
  fi
  local n="$e/runtimes"
  check_native_copy "$n/linux-x64/native/libpfhir.so" x86_64-linux-gnu runtimes/linux-x64/native/libpfhir.so
  check_native_copy "$n/linux-arm64/native/libpfhir.so" aarch64-linux-gnu runtimes/linux-arm64/native/libpfhir.so
  check_native_copy "$n/win-x64/native/pfhir.dll" x86_64-windows runtimes/win-x64/native/pfhir.dll \
    "not run: no .NET on Windows here"
  if cmp -s "$e/lib/netstandard2.0/Pfhir.dll.config" "$ROOT/bindings/dotnet/src/Pfhir.dll.config" &&
    grep -q 'target="runtimes/linux-x64/native/libpfhir.so"' "$e/lib/netstandard2.0/Pfhir.dll.config"; then
    ok "lib/netstandard2.0/Pfhir.dll.config maps pfhir to runtimes/RID/native/"
  else
    bad "lib/netstandard2.0/Pfhir.dll.config is not bindings/dotnet/src/Pfhir.dll.config"
  fi

  step "nupkg: a Mono program laid out as a .NET host resolves the package (env -i)"
  local app="$w/app" home="$w/home"
  mkdir -p "$app" "$home"
  cp "$e/lib/netstandard2.0/Pfhir.dll" "$e/lib/netstandard2.0/Pfhir.dll.config" "$e/lib/netstandard2.0/Pfhir.xml" "$app/"
  cp -R "$e/runtimes" "$app/"
  # Only what a user's shell has: no PFHIR_*, LD_LIBRARY_PATH, MONO_PATH.
  local clean=(env -i "PATH=/usr/local/bin:/usr/bin:/bin" "HOME=$home" "LANG=C.UTF-8")
  local log
  if "$ROOT/bindings/dotnet/readme-blocks.sh" quickstart "$ROOT/bindings/dotnet/README.md" >"$app/Quickstart.cs" 2>"$w/extract.log" &&
    grep -q 'static int Main' "$app/Quickstart.cs"; then
    ok "the quickstart extracted from bindings/dotnet/README.md ($(wc -l <"$app/Quickstart.cs") lines)"
  else
    bad "no quickstart in bindings/dotnet/README.md: $(cat "$w/extract.log")"
  fi
  install -m 0644 "$ROOT/bindings/dotnet/tests/dist/NupkgCheck.cs" "$app/"
  if log="$(cd "$app" && "${clean[@]}" mcs -langversion:7 -warn:4 -warnaserror+ -r:Pfhir.dll -out:Quickstart.exe Quickstart.cs 2>&1 &&
    "${clean[@]}" mcs -langversion:7 -warn:4 -warnaserror+ -r:Pfhir.dll -r:System.Core.dll -out:NupkgCheck.exe NupkgCheck.cs 2>&1)"; then
    ok "mcs Quickstart.cs and NupkgCheck.cs against the package's Pfhir.dll"
  else
    bad "mcs of the quickstart / NupkgCheck"; printf '%s\n' "$log" | tail -n 30 >&2
  fi

  start_sandbox "$w/sandbox"
  printf 'sandbox-secret\n' >"$SB_DIR/client-secret"
  printf '%s\n' '{"authority":"cip","patientId":"NUPKGQS1","familyName":"NupkgQuickstart","gender":"female","birthDate":"1980-01-02","diabetes":"type1","organizationOid":"2.16.724.4.2"}' >"$w/input.json"
  local out
  if out="$(cd "$app" && "${clean[@]}" timeout 120 mono Quickstart.exe "$SB_URL" 2.16.724.4.2 1234567890 "$SB_DIR" "$w/input.json" 2>&1)" &&
    grep -q '^created ' <<<"$out" && grep -q '^updated: HTTP 200' <<<"$out" &&
    grep -q '"resourceType":"Patient"' <<<"$out" && grep -q 'NupkgQuickstart' <<<"$out"; then
    ok "the README quickstart against the sandbox: $(grep '^created ' <<<"$out")"
  else
    bad "the README quickstart: $out"
  fi
  if out="$(cd "$app" && "${clean[@]}" timeout 120 mono NupkgCheck.exe "$VERSION" "$GOOD" "$BAD" "$SB_URL" "$SB_DIR" 2>&1)" &&
    grep -qx "native: $app/runtimes/linux-x64/native/libpfhir.so" <<<"$out"; then
    ok "NupkgCheck: $(grep -c '^ok: ' <<<"$out") checks (validate, create + update + read sync and async); libpfhir from runtimes/linux-x64/native/"
  else
    bad "NupkgCheck in the package layout: $out"
  fi

  step "nupkg: the flattened layout (libpfhir.so next to Pfhir.dll, no Pfhir.dll.config)"
  local flat="$w/flat"
  mkdir -p "$flat"
  cp "$app/Pfhir.dll" "$app/NupkgCheck.exe" "$flat/"
  if out="$(cd "$flat" && "${clean[@]}" timeout 120 mono NupkgCheck.exe "$VERSION" "$GOOD" "$BAD" 2>&1)" ||
    ! grep -q 'DllNotFoundException' <<<"$out"; then
    bad "without Pfhir.dll.config and libpfhir.so, something else was found: $out"
  else
    ok "without Pfhir.dll.config and without libpfhir.so next to it: DllNotFoundException (no other libpfhir is found)"
  fi
  cp "$e/runtimes/linux-x64/native/libpfhir.so" "$flat/"
  if out="$(cd "$flat" && "${clean[@]}" timeout 120 mono NupkgCheck.exe "$VERSION" "$GOOD" "$BAD" "$SB_URL" "$SB_DIR" 2>&1)" &&
    grep -qx "native: $flat/libpfhir.so" <<<"$out"; then
    ok "NupkgCheck with libpfhir.so next to Pfhir.dll: $(grep -c '^ok: ' <<<"$out") checks; libpfhir from the assembly's folder"
  else
    bad "NupkgCheck in the flattened layout: $out"
  fi

  step "nupkg: packing without a native fails"
  # scripts/dist nupkg from a copy of what it reads, with a staging folder that has the Linux
  # libraries but not the Windows DLL; dist/ of the copy, not the real one.
  local fake="$w/fake-root" ftarget="$w/fake-target" t
  mkdir -p "$fake/bindings" "$fake/packaging"
  cp -R "$ROOT/scripts" "$fake/"
  cp -R "$ROOT/bindings/dotnet" "$fake/bindings/"
  cp "$ROOT/Cargo.toml" "$ROOT/LICENSE" "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$fake/"
  cp "$ROOT/packaging/README.dotnet.md" "$fake/packaging/"
  for t in x86_64-linux-gnu aarch64-linux-gnu; do
    mkdir -p "$ftarget/dist-staging/pfhir-$VERSION-$t/pfhir-$VERSION-$t/lib"
    cp "$e/runtimes/linux-x64/native/libpfhir.so" "$ftarget/dist-staging/pfhir-$VERSION-$t/pfhir-$VERSION-$t/lib/libpfhir.so.$VERSION"
  done
  local rc
  set +e
  out="$(CARGO_TARGET_DIR="$ftarget" "$fake/scripts/dist" nupkg 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ] && grep -q 'runtimes/win-x64/native/pfhir.dll' <<<"$out" &&
    ! grep -q 'runtimes/linux-x64' <<<"$out" && [ ! -e "$fake/dist/Pfhir.$VERSION.nupkg" ]; then
    ok "scripts/dist nupkg without pfhir.dll: exit $rc, no package: $(grep -m1 -A1 '^error:' <<<"$out" | tr '\n' ' ')"
  else
    bad "scripts/dist nupkg without pfhir.dll (exit $rc): $out"
  fi
}
