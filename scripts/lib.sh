# Shared helpers of the scripts in this folder (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
step() { printf '\n==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# The SONAME of a shared library (libpfhir.so.0.1), read from its dynamic section.
soname_of() { objdump -p "$1" | awk '$1 == "SONAME" { print $2 }'; }

# Programs linked against DIR/libpfhir.so look for its SONAME at run time: make DIR hold a
# link of that name (cargo writes only libpfhir.so).
link_soname() {
    local dir="$1" name
    name="$(soname_of "$dir/libpfhir.so")"
    [ -n "$name" ] || { echo "error: $dir/libpfhir.so has no SONAME" >&2; return 1; }
    ln -sfn libpfhir.so "$dir/$name"
}

# The [workspace.package] version of the root Cargo.toml (0.1.0).
workspace_version() {
    awk '/^\[workspace.package\]/{s=1; next} /^\[/{s=0} s && $1 == "version" {gsub(/"/, "", $3); print $3}' "$ROOT/Cargo.toml"
}

# apt_ensure PACKAGE...: installs, with one apt-get run, the Debian packages that are not
# installed yet (sudo when not root); a no-op when all are there. Fails loudly, naming the
# packages, without apt-get or without the right to install.
apt_ensure() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    have apt-get || { echo "error: apt-get not found; install these packages by hand: ${missing[*]}" >&2; return 1; }
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        have sudo || { echo "error: not root and no sudo; install: ${missing[*]}" >&2; return 1; }
        sudo=(sudo)
    fi
    echo "installing: ${missing[*]}"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}"
}

# build_native: the debug libpfhir (pfhir-ffi) and the pfhir CLI (the sandbox) that every
# binding's tests load; cargo makes it a no-op when nothing changed.
build_native() {
    (cd "$ROOT" && cargo build --locked -p pfhir-ffi -p pfhir-cli)
}

# What a program linking the static libpfhir.a needs besides it on Linux (glibc): pkg-config's
# Libs.private, the CMake package and the C tests all use this one list.
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
