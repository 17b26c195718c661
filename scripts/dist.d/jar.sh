# Sourced by scripts/dist: the Java binding as one jar with the natives inside.
#
#   dist/pfhir-VERSION.jar          dev/pfhir/** (javac --release 17 against Debian's JNA),
#                                   linux-x86-64/libpfhir.so, linux-aarch64/libpfhir.so and
#                                   win32-x86-64/pfhir.dll (JNA's resource paths: Native.load
#                                   finds them on the class path), META-INF/MANIFEST.MF
#                                   (Automatic-Module-Name dev.pfhir, Implementation-Version),
#                                   META-INF/maven/dev.pfhir/pfhir/pom.xml + pom.properties
#                                   (so `mvn install:install-file -Dfile=...` knows the
#                                   coordinates), META-INF/README.md and the licenses
#   dist/pfhir-VERSION-sources.jar  the sources of the same classes
#
# Built with javac and jar only (no Maven). The natives are the stripped libraries of the C
# packages (staged_native), so those are built first. The jar's entries carry the time of the
# last commit (jar --date), so the same commit gives the same jar.

# The JNA jar the binding is compiled against (Debian's libjna-java; the pom names the same
# version for Maven users).
JAR_JNA="${JNA_JAR:-/usr/share/java/jna.jar}"

dist_jar() {
  local java_dir="$ROOT/bindings/java" name="pfhir-$VERSION" st classes src f
  command -v javac >/dev/null && command -v jar >/dev/null ||
    { echo "error: javac and jar (a JDK 17+) are needed: scripts/setup" >&2; return 1; }
  [ -f "$JAR_JNA" ] || { echo "error: no JNA jar at $JAR_JNA: bindings/java/setup.sh" >&2; return 1; }
  # The pom is the Maven users' description of this jar: its version must be the release's.
  local pom_version
  pom_version="$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$java_dir/pom.xml")"
  [ "$pom_version" = "$VERSION" ] ||
    { echo "error: bindings/java/pom.xml says version '$pom_version', Cargo.toml $VERSION" >&2; return 1; }

  # No jar of an earlier run survives a failed build.
  rm -f "$DIST/$name.jar" "$DIST/$name-sources.jar"
  step "javac --release 17 (bindings/java/src/main) for $name.jar"
  st="$(stage_dir "jar")"
  classes="$st/classes"
  mkdir -p "$classes"
  find "$java_dir/src/main/java" -name '*.java' | LC_ALL=C sort >"$st/sources.txt"
  javac -encoding UTF-8 --release 17 -Xlint:all -Werror -cp "$JAR_JNA" -d "$classes" @"$st/sources.txt"

  step "the natives at JNA's resource paths"
  mkdir -p "$classes/linux-x86-64" "$classes/linux-aarch64" "$classes/win32-x86-64"
  f="$(staged_native x86_64-linux-gnu)" && install -m 0644 "$f" "$classes/linux-x86-64/libpfhir.so"
  f="$(staged_native aarch64-linux-gnu)" && install -m 0644 "$f" "$classes/linux-aarch64/libpfhir.so"
  f="$(staged_native x86_64-windows)" && install -m 0644 "$f" "$classes/win32-x86-64/pfhir.dll"

  # META-INF: the README of the jar, the licenses, the Maven description.
  mkdir -p "$classes/META-INF/maven/dev.pfhir/pfhir"
  docs_into "$classes/META-INF" java java \
    "GLIBC=$(glibc_needed "$classes/linux-x86-64/libpfhir.so" "$classes/linux-aarch64/libpfhir.so")"
  install -m 0644 "$java_dir/pom.xml" "$classes/META-INF/maven/dev.pfhir/pfhir/pom.xml"
  printf 'groupId=dev.pfhir\nartifactId=pfhir\nversion=%s\n' "$VERSION" \
    >"$classes/META-INF/maven/dev.pfhir/pfhir/pom.properties"
  cat >"$st/manifest.txt" <<MF
Automatic-Module-Name: dev.pfhir
Implementation-Title: pfhir
Implementation-Version: $VERSION
Implementation-Vendor: pfhir
Build-Jdk-Spec: 17
MF

  step "packing $name.jar and $name-sources.jar"
  local date
  date="$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)"
  jar --create --file "$DIST/$name.jar" --manifest "$st/manifest.txt" --date "$date" -C "$classes" .
  src="$st/sources"
  mkdir -p "$src/META-INF"
  cp -R "$java_dir/src/main/java/." "$src/"
  install -m 0644 "$ROOT/LICENSE" "$ROOT/LICENSE-MIT" "$ROOT/LICENSE-APACHE" "$src/META-INF/"
  printf 'Implementation-Title: pfhir (sources)\nImplementation-Version: %s\n' "$VERSION" >"$st/manifest-src.txt"
  jar --create --file "$DIST/$name-sources.jar" --manifest "$st/manifest-src.txt" --date "$date" -C "$src" .
  echo "built dist/$name.jar, dist/$name-sources.jar"
}
