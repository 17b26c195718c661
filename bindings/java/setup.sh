#!/usr/bin/env bash
# Installs what the Java binding's tests need, from Debian's packages (Maven Central is not
# used): JNA (libjna-java: /usr/share/java/jna.jar) and JUnit 5 (junit5: the console launcher
# /usr/share/java/junit-platform-console-standalone.jar). Idempotent. A JDK 17+ must be there.
set -euo pipefail

fail() { echo "bindings/java/setup.sh: $*" >&2; exit 1; }

missing=()
for pkg in libjna-java junit5; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
if ! command -v javac >/dev/null; then
    missing+=("default-jdk-headless")
fi

if [ "${#missing[@]}" -gt 0 ]; then
    echo "bindings/java/setup.sh: installing ${missing[*]}"
    SUDO=()
    if [ "$(id -u)" != "0" ]; then
        command -v sudo >/dev/null || fail "not root and no sudo: install ${missing[*]} by hand"
        SUDO=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -f /usr/share/java/jna.jar ] || fail "/usr/share/java/jna.jar is missing after installing libjna-java"
[ -f /usr/share/java/junit-platform-console-standalone.jar ] \
    || fail "/usr/share/java/junit-platform-console-standalone.jar is missing after installing junit5"
javac -version >/dev/null 2>&1 || fail "javac does not run"
echo "bindings/java/setup.sh: Java binding prerequisites present"
