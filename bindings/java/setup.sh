#!/usr/bin/env bash
# Installs what the Java binding's tests need, from Debian's packages (Maven Central is not
# used): JNA (libjna-java: /usr/share/java/jna.jar) and JUnit 5 (junit5: the console launcher
# /usr/share/java/junit-platform-console-standalone.jar). Idempotent. A JDK 17+ must be there.
set -euo pipefail

fail() { echo "bindings/java/setup.sh: $*" >&2; exit 1; }

# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
packages=(libjna-java junit5)
have javac || packages+=(default-jdk-headless)
apt_ensure "${packages[@]}"

[ -f /usr/share/java/jna.jar ] || fail "/usr/share/java/jna.jar is missing after installing libjna-java"
[ -f /usr/share/java/junit-platform-console-standalone.jar ] \
    || fail "/usr/share/java/junit-platform-console-standalone.jar is missing after installing junit5"
javac -version >/dev/null 2>&1 || fail "javac does not run"
echo "bindings/java/setup.sh: Java binding prerequisites present"
