# The Python wheels of scripts/dist.d/wheels.sh (sourced by scripts/test-dist: check, ok, bad,
# $WORK, host_pfhir, start_sandbox):
#   - all three: the WHEEL tag equals the file name's, the file list is exactly the package's
#     sources + its library + the dist-info, RECORD's hashes and sizes hold, the library is
#     stripped and built for the tag's architecture (objdump -f and file);
#     `auditwheel show` finds each Linux wheel consistent with its own manylinux tag;
#   - the x86_64 wheel: `pip install --no-index` into a fresh venv, then, from a folder
#     outside the source tree with no PFHIR_* or LD_LIBRARY_PATH variable: the library loaded
#     from inside the installed package, its version, good-bundle.json valid, 065 invalid
#     (PFHIR-V0304), a patient created and updated against the x86_64 tarball's own
#     `pfhir sandbox` over mutual TLS, and the README's quickstart (extracted from
#     bindings/python/README.md) run the same way;
#   - the x86_64 wheel again: bindings/python/tests/test_hl7.py (the HL7 v2 corpus) run by
#     pytest (from PyPI) against it (wheel_test_hl7);
#   - `pip install ./bindings/python` (a copy; build isolation fetches setuptools from PyPI)
#     gives the pure-Python package, which loads the tarball's library through PFHIR_LIBRARY.
# Not tested here (packaging/README.python.md says so): the win_amd64 and aarch64 wheels on
# real hosts (no Windows or arm64 Python runs here).

# wheel_check_contents WHEEL TAG ARCH NATIVE_NAME: tag, files, RECORD, stripping, architecture.
wheel_check_contents() {
  local whl="$1" tag="$2" arch="$3" native="$4" w="$WORK/wheels/contents-$3" name out
  name="$(basename "$whl")"
  rm -rf "$w"
  mkdir -p "$w"
  if out="$(python3 - "$whl" "$tag" "$native" "$ROOT/bindings/python/pfhir" "$VERSION" <<'PY' 2>&1
import base64, hashlib, sys, zipfile
from pathlib import Path
whl, tag, native, src, version = sys.argv[1:]
info = f"pfhir-{version}.dist-info"
z = zipfile.ZipFile(whl)
names = z.namelist()
want = sorted(f"pfhir/{p.name}" for p in Path(src).iterdir() if p.suffix == ".py" or p.name == "py.typed")
want += [f"pfhir/{native}"] + [f"{info}/{n}" for n in (
    "licenses/LICENSE", "licenses/LICENSE-MIT", "licenses/LICENSE-APACHE", "METADATA", "WHEEL", "RECORD")]
errors = []
if sorted(names) != sorted(want):
    errors.append(f"files: extra {sorted(set(names) - set(want))}, missing {sorted(set(want) - set(names))}")
wheel = z.read(f"{info}/WHEEL").decode()
if f"Tag: py3-none-{tag}\n" not in wheel or wheel.count("Tag:") != 1 or "Root-Is-Purelib: false" not in wheel:
    errors.append(f"WHEEL does not say the one tag py3-none-{tag}: {wheel!r}")
meta = z.read(f"{info}/METADATA").decode()
if f"\nVersion: {version}\n" not in meta or "\nName: pfhir\n" not in meta:
    errors.append("METADATA lacks Name: pfhir / Version")
for line in z.read(f"{info}/RECORD").decode().splitlines():
    path, digest, size = line.rsplit(",", 2)
    if path == f"{info}/RECORD":
        continue
    data = z.read(path)
    d = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    if d != digest or int(size) != len(data):
        errors.append(f"RECORD does not match {path}")
if len(z.read(f"{info}/RECORD").decode().splitlines()) != len(names):
    errors.append("RECORD does not list every file")
if errors:
    sys.exit("\n".join(errors))
PY
  )"; then
    ok "$name: tag py3-none-$tag, the $(unzip -Z1 "$whl" | wc -l) files expected, RECORD holds"
  else
    bad "$name contents: $out"
  fi
  unzip -q -o "$whl" "pfhir/$native" -d "$w"
  local lib="$w/pfhir/$native" fmt objdump file_says
  case "$arch" in
    x86_64) objdump=objdump fmt=elf64-x86-64 file_says='ELF 64-bit LSB shared object, x86-64' ;;
    aarch64) objdump=aarch64-linux-gnu-objdump fmt=elf64-littleaarch64 file_says='ELF 64-bit LSB shared object, ARM aarch64' ;;
    win_amd64) objdump=x86_64-w64-mingw32-objdump fmt=pei-x86-64 file_says='PE32\+ executable \(DLL\).*x86-64' ;;
  esac
  if output_has "file format $fmt" "$objdump" -f "$lib" && output_has "$file_says" file -b "$lib"; then
    ok "$name: pfhir/$native is $fmt ($(file -b "$lib" | cut -d, -f1-2))"
  else
    bad "$name: pfhir/$native is not $fmt: $(file -b "$lib")"
  fi
  if output_has '\.debug_(info|line|str|abbrev)' "$objdump" -h "$lib" ||
    { [ "$arch" != win_amd64 ] && output_has ' \.symtab ' readelf -S -W "$lib"; }; then
    bad "$name: pfhir/$native is not stripped"
  else
    ok "$name: pfhir/$native is stripped ($(stat -c %s "$lib") bytes)"
  fi
  if [ "$arch" != win_amd64 ]; then
    local aw="$HOME/.cache/pfhir/wheel-tools/bin/auditwheel" shown
    if [ ! -x "$aw" ]; then
      bad "$aw is missing: scripts/dist wheels makes it"
    elif shown="$("$aw" show "$whl" 2>&1)" &&
      grep -q "platform tag: \"$tag\"" <<<"$(tr '\n' ' ' <<<"$shown" | tr -s ' ')"; then
      ok "auditwheel show: $name is consistent with $tag"
    else
      bad "auditwheel show $name: $shown"
    fi
  fi
}

# The program run with the installed wheel: version, validation, create and update.
WHEEL_USE_PY='
import os, sys, uuid
from pathlib import Path
import pfhir
from pfhir import _ffi
version, good, bad, url, certs = sys.argv[1:]
assert not [k for k in os.environ if k.startswith("PFHIR_") or k == "LD_LIBRARY_PATH"], "a variable is set"
lib = _ffi.library_path()
assert lib.parent == Path(pfhir.__file__).parent and Path(sys.prefix) in lib.parents, lib
assert pfhir.library_version() == version, pfhir.library_version()
print("version", pfhir.library_version(), "from", lib)
with pfhir.Validator() as v:
    o = v.validate(Path(good).read_bytes())
    assert o.is_valid, [i.message_id for i in o.issues]
    o = v.validate(Path(bad).read_bytes())
    assert o.has_errors and "PFHIR-V0304" in [i.message_id for i in o.issues], [i.message_id for i in o.issues]
print("validate: good valid, 065 invalid (PFHIR-V0304)")
patient = {"authority": "cip", "patientId": "WHL" + uuid.uuid4().hex[:12], "familyName": "Wheel",
           "gender": "female", "birthDate": "1980-01-02", "diabetes": "type1",
           "organizationOid": "2.16.724.4.2"}
config = pfhir.ClientConfig.from_files(base_url=url, org_id="2.16.724.4.2", client_id="1234567890",
    client_secret="sandbox-secret", cert_file=certs + "/client.pem",
    key_file=certs + "/client-key.pem", ca_file=certs + "/ca.pem")
with pfhir.Client(config) as c:
    created = c.create(pfhir.build_bundle(patient))
    patient["ids"] = {"patient": created.patient_id}
    patient["familyName"] = "Wheeled"
    updated = c.update(created.patient_id, pfhir.build_bundle(patient))
    assert updated.status in (200, 201), updated.status
    name = c.read(created.patient_id).patient["name"]
    assert name[0]["family"] == "Wheeled", name
print("created", created.patient_id, "updated", updated.status, "read back", name[0]["family"])
'

# wheel_test_hl7 VENV RUN ENV...: bindings/python/tests/test_hl7.py (the HL7 v2 corpus byte
# for byte, misuse, options reuse, a Bundle created on the sandbox) with pytest from PyPI,
# against the wheel installed in VENV. The test and its conftest are copied into a tree
# without the pfhir sources (so `import pfhir` is the installed one, its own library: no
# PFHIR_LIBRARY, no CARGO_TARGET_DIR); the corpus is linked in. PFHIR_BIN is the tarball's
# CLI, for the sandbox only. ENV... is the `env -u ...` prefix of test_wheels.
wheel_test_hl7() {
  local venv="$1" run="$2" out imported tree="$2/hl7-tree"
  shift 2
  step "wheels: bindings/python/tests/test_hl7.py against the installed x86_64 wheel"
  if ! out="$("$venv/bin/pip" install --disable-pip-version-check --quiet 'pytest>=7' 2>&1)"; then
    bad "pip install pytest into the wheel's venv (needs PyPI): $(tail -n 5 <<<"$out")"
    return 0
  fi
  rm -rf "$tree"
  mkdir -p "$tree/bindings/python/tests" "$tree/tests/fixtures"
  cp "$ROOT/bindings/python/tests/conftest.py" "$ROOT/bindings/python/tests/test_hl7.py" "$tree/bindings/python/tests/"
  ln -s "$ROOT/tests/fixtures/hl7v2" "$tree/tests/fixtures/hl7v2"
  if ! imported="$(cd "$tree/bindings/python" && "$@" -u CARGO_TARGET_DIR "$venv/bin/python" -c 'import pfhir, sys
from pathlib import Path
assert Path(sys.prefix) in Path(pfhir.__file__).parents, pfhir.__file__
print(pfhir.__file__)' 2>&1)"; then
    bad "test_hl7.py would not import the installed wheel: $imported"
    return 0
  fi
  if out="$(cd "$tree/bindings/python" && "$@" -u CARGO_TARGET_DIR PFHIR_BIN="$HOST_PFHIR" \
    "$venv/bin/python" -m pytest -q -p no:cacheprovider tests/test_hl7.py 2>&1)"; then
    ok "test_hl7.py with the installed wheel (pfhir from $imported): $(tail -n 1 <<<"$out")"
  else
    bad "test_hl7.py with the installed wheel: $(tail -n 30 <<<"$out")"
  fi
}

test_wheels() {
  local w="$WORK/wheels" spec tag arch native whl x86=""
  mkdir -p "$w"
  for spec in manylinux_*_x86_64:x86_64:libpfhir.so manylinux_*_aarch64:aarch64:libpfhir.so win_amd64:win_amd64:pfhir.dll; do
    IFS=: read -r tag arch native <<<"$spec"
    # shellcheck disable=SC2206
    local found=("$DIST"/pfhir-"$VERSION"-py3-none-$tag.whl)
    if [ ${#found[@]} -ne 1 ] || [ ! -f "${found[0]}" ]; then
      bad "no single pfhir-$VERSION-py3-none-$tag.whl in dist/ (scripts/dist wheels): ${found[*]}"
      continue
    fi
    whl="${found[0]}"
    tag="$(basename "$whl" .whl)"
    tag="${tag#pfhir-"$VERSION"-py3-none-}"
    step "wheels: $(basename "$whl")"
    wheel_check_contents "$whl" "$tag" "$arch" "$native"
    [ "$arch" = x86_64 ] && x86="$whl"
  done
  [ -n "$x86" ] || return 0

  step "wheels: the x86_64 wheel in a fresh venv, used from outside the source tree"
  host_pfhir
  local venv="$w/venv" run="$w/run" out
  mkdir -p "$run"
  python3 -m venv "$venv"
  if out="$("$venv/bin/pip" install --disable-pip-version-check --no-index "$x86" 2>&1)"; then
    ok "pip install --no-index $(basename "$x86")"
  else
    bad "pip install $(basename "$x86"): $out"
    return 0
  fi
  # No PFHIR_*, LD_LIBRARY_PATH or PYTHONPATH; the working folder is outside the source tree.
  local clean=(env -u LD_LIBRARY_PATH -u PYTHONPATH)
  local v
  for v in $(compgen -e | grep '^PFHIR_' || true); do clean+=(-u "$v"); done
  start_sandbox "$w/sandbox"
  if out="$(cd "$run" && "${clean[@]}" "$venv/bin/python" -c "$WHEEL_USE_PY" "$VERSION" "$GOOD" "$BAD" "$SB_URL" "$SB_DIR" 2>&1)"; then
    ok "the installed wheel: $(tr '\n' ';' <<<"$out" | sed 's/;$//; s/;/; /g')"
  else
    bad "the installed wheel: $out"
  fi
  # The README's quickstart (the ```python block after <!-- quickstart -->) with the wheel.
  awk '/^<!-- quickstart -->$/ { mark = 1; next }
       mark && /^```python$/ { inblock = 1; mark = 0; next }
       inblock && /^```$/ { inblock = 0; next }
       inblock { print }
       mark && NF { mark = 0 }' "$ROOT/bindings/python/README.md" >"$run/quickstart.py"
  if [ ! -s "$run/quickstart.py" ]; then
    bad "bindings/python/README.md has no quickstart block"
  elif out="$(cd "$run" && "${clean[@]}" PFHIR_BASE_URL="$SB_URL" PFHIR_CLIENT_SECRET=sandbox-secret \
    PFHIR_CERT="$SB_DIR/client.pem" PFHIR_KEY="$SB_DIR/client-key.pem" PFHIR_CA="$SB_DIR/ca.pem" \
    "$venv/bin/python" quickstart.py 2>&1)" && grep -q '^created ' <<<"$out" && grep -q '^updated 20[01]$' <<<"$out"; then
    ok "the README's quickstart with the installed wheel: $(grep '^created ' <<<"$out")"
  else
    bad "the README's quickstart with the installed wheel: $out"
  fi

  wheel_test_hl7 "$venv" "$run" "${clean[@]}"

  step "wheels: pip install ./bindings/python (the pure-Python package, PFHIR_LIBRARY)"
  local src="$w/src" venv2="$w/venv-src"
  mkdir -p "$src"
  cp -r "$ROOT/bindings/python/pfhir" "$ROOT/bindings/python/pyproject.toml" "$ROOT/bindings/python/README.md" "$src/"
  rm -rf "$src/pfhir/__pycache__"
  python3 -m venv "$venv2"
  if ! out="$("$venv2/bin/pip" install --disable-pip-version-check "$src" 2>&1)"; then
    bad "pip install ./bindings/python (needs PyPI for setuptools): $(tail -n 5 <<<"$out")"
  elif out="$(cd "$run" && "${clean[@]}" PFHIR_LIBRARY="$(dirname "$HOST_PFHIR")/../lib/libpfhir.so" \
    "$venv2/bin/python" -c 'import pfhir, sys; from pfhir import _ffi; from pathlib import Path
assert not any(Path(pfhir.__file__).parent.glob("*pfhir*.so")), "a library in the pure package"
print(pfhir.library_version())' 2>&1)" && [ "$out" = "$VERSION" ]; then
    ok "pip install ./bindings/python: no library inside, loads the tarball's through PFHIR_LIBRARY ($out)"
  else
    bad "pip install ./bindings/python, then import: $out"
  fi
}
