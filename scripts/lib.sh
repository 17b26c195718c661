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
