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

# Profile-guided optimization (scripts/pgo writes the profile; scripts/dist builds with it):
# the profile, and the target folder of the builds that use it (their flags differ from every
# other build's, so they keep a folder of their own instead of rebuilding the main one).
PGO_DIR="$CARGO_TARGET_DIR/pgo"
PGO_PROFILE="$PGO_DIR/pfhir.profdata"
PGO_TARGET_DIR="$PGO_DIR/use"

# The llvm-profdata of rustup's llvm-tools for this rustc (its LLVM reads rustc's profiles).
llvm_profdata() {
    local sysroot host
    sysroot="$(rustc --print sysroot)"
    host="$(rustc -vV | sed -n 's/^host: //p')"
    printf '%s\n' "$sysroot/lib/rustlib/$host/bin/llvm-profdata"
}

# pgo_build CARGO_ARGS...: `cargo build --release --locked CARGO_ARGS` with the profile of
# scripts/pgo, into PGO_TARGET_DIR (outputs in $PGO_TARGET_DIR/release).
pgo_build() {
    [ -f "$PGO_PROFILE" ] || { echo "error: no PGO profile at $PGO_PROFILE (run scripts/pgo)" >&2; return 1; }
    (cd "$ROOT" && CARGO_TARGET_DIR="$PGO_TARGET_DIR" RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$PGO_PROFILE" \
        cargo build --release --locked "$@")
}

# shipped_build [--quiet]: the pfhir CLI and libpfhir as scripts/dist ships them for x86_64
# Linux, in $PGO_TARGET_DIR/release: scripts/pgo trains an instrumented build on the
# repository's partner data, then both packages are built with its profile, in one build (the
# profile names pfhir-core's functions as that build compiles them). A second call costs
# seconds. --quiet keeps scripts/pgo's and cargo's progress out of the output (errors stay).
shipped_build() {
    if [ "${1:-}" = --quiet ]; then
        "$ROOT/scripts/pgo" >/dev/null
    else
        "$ROOT/scripts/pgo"
    fi
    step "pfhir and libpfhir: release build with the PGO profile, as shipped ($PGO_TARGET_DIR)"
    pgo_build "$@" -p pfhir-ffi -p pfhir-cli
}

# build_native: the debug libpfhir (pfhir-ffi) and the pfhir CLI (the sandbox) that every
# binding's tests load; cargo makes it a no-op when nothing changed.
build_native() {
    (cd "$ROOT" && cargo build --locked -p pfhir-ffi -p pfhir-cli)
}

# The functions include/pfhir.h declares, one per line, sorted: what libpfhir exports.
header_functions() {
    grep -E '^[a-z].*[ *]pfhir_[a-z0-9_]+\(' "$ROOT/include/pfhir.h" | grep -oE 'pfhir_[a-z0-9_]+\(' |
        tr -d '(' | sort -u
}

# private_static_lib IN OUT: a copy of the static library IN (cargo's libpfhir.a) whose only
# global symbols are the functions of pfhir.h. A Rust staticlib leaves every symbol of what it
# bundles global, SQLite's sqlite3_* among them: a program linking libpfhir.a and its own
# SQLite would get pfhir's copy (or a duplicate symbol). The archive is linked into one
# relocatable object (ld -r), every other symbol made local (objcopy --keep-global-symbols),
# and the embedded LLVM bitcode dropped (the members' sections, concatenated, are no longer a
# valid module, and the LTO plugin of binutils would choke on them). The binutils of IN's
# machine are used (aarch64-linux-gnu-* for arm64). Idempotent: OUT may be IN's output.
private_static_lib() {
    local in="$1" out="$2" tools="" machine tmp
    machine="$(readelf -h "$in" | awk -F: '/Machine:/ && m == "" {gsub(/^ +/, "", $2); m = $2} END {print m}')"
    case "$machine" in
        *X86-64*) [ "$(uname -m)" = x86_64 ] || tools=x86_64-linux-gnu- ;;
        *AArch64*) [ "$(uname -m)" = aarch64 ] || tools=aarch64-linux-gnu- ;;
        *) echo "error: $in: no binutils known for machine '$machine'" >&2; return 1 ;;
    esac
    tmp="$(mktemp -d)"
    header_functions >"$tmp/keep.txt"
    "${tools}ld" -r --whole-archive "$in" -o "$tmp/libpfhir.o" &&
        "${tools}objcopy" --keep-global-symbols="$tmp/keep.txt" --remove-section=.llvmbc \
            --remove-section=.llvmcmd "$tmp/libpfhir.o" &&
        rm -f "$tmp/libpfhir.a" && "${tools}ar" rcs "$tmp/libpfhir.a" "$tmp/libpfhir.o" &&
        mv -f "$tmp/libpfhir.a" "$out"
    local status=$?
    rm -rf "$tmp"
    return $status
}

# The global symbols a static library defines, one per line, sorted (readelf: nm would load
# binutils' LTO plugin, which fails on some Rust members).
static_globals() {
    readelf -s -W "$1" | awk '($5 == "GLOBAL" || $5 == "WEAK") && $7 != "UND" && $8 != "" {print $8}' |
        sort -u
}

# What a program linking the static libpfhir.a needs besides it on Linux (glibc): pkg-config's
# Libs.private, the CMake package and the C tests all use this one list.
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
