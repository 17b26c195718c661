# Sourced by scripts/test-dist: test_jar, the test of dist/pfhir-VERSION.jar.
#
#   the jar's entries: the classes (Java 17 bytecode), the three natives at JNA's resource
#   paths, each of its machine type, stripped, and byte-equal to the library of its C package;
#   the manifest (Automatic-Module-Name, Implementation-Version), the POM, README, licenses;
#   the sources jar.
#   From a fresh folder outside the source tree, with only the jar and Debian's jna.jar on the
#   class path, no PFHIR_*/LD_LIBRARY_PATH variable and no jna.library.path: the quickstart of
#   bindings/java/README.md (extracted from it) compiled and run against the x86_64 C package's
#   own `pfhir sandbox` over mTLS (its settings, and only those, as its PFHIR_* variables), and
#   run again without PFHIR_CLIENT_SECRET (exit 2, the variable named); JarCheck
#   (bindings/java/src/test/dist) on the class path and on the module path: good and bad
#   fixtures validated, create + update + read over mTLS, the library mapped in the process is
#   the one JNA unpacked from the jar.
# JNA unpacks into $XDG_CACHE_HOME/JNA/temp: the test points XDG_CACHE_HOME at a fresh folder
# so that nothing of an earlier run (or of ~/.cache) is used.
# Needs: a JDK 17+, Debian's libjna-java, mingw-w64's objdump (scripts/setup).

test_jar() {
  local jarfile="$DIST/pfhir-$VERSION.jar" srcjar="$DIST/pfhir-$VERSION-sources.jar"
  local jna="${JNA_JAR:-/usr/share/java/jna.jar}" w="$WORK/jar" e f missing=""
  [ -f "$jarfile" ] || { bad "$jarfile is missing (scripts/dist jar)"; return; }
  [ -f "$jna" ] || { bad "no JNA jar at $jna (bindings/java/setup.sh)"; return; }
  host_pfhir
  mkdir -p "$w/entries"

  step "jar: entries, natives, manifest"
  (cd "$w/entries" && jar xf "$jarfile")
  e="$w/entries"
  for f in META-INF/MANIFEST.MF dev/pfhir/Pfhir.class dev/pfhir/Client.class \
    dev/pfhir/internal/PfhirLibrary.class linux-x86-64/libpfhir.so linux-aarch64/libpfhir.so \
    win32-x86-64/pfhir.dll META-INF/maven/dev.pfhir/pfhir/pom.xml \
    META-INF/maven/dev.pfhir/pfhir/pom.properties META-INF/README.md META-INF/LICENSE \
    META-INF/LICENSE-MIT META-INF/LICENSE-APACHE; do
    [ -f "$e/$f" ] || missing="$missing $f"
  done
  if [ -z "$missing" ]; then ok "entries (classes, natives, manifest, POM, README, licenses)"; else bad "missing in the jar:$missing"; fi
  local mf
  mf="$(tr -d '\r' <"$e/META-INF/MANIFEST.MF")"
  if grep -qx 'Automatic-Module-Name: dev.pfhir' <<<"$mf" && grep -qx "Implementation-Version: $VERSION" <<<"$mf"; then
    ok "manifest: Automatic-Module-Name dev.pfhir, Implementation-Version $VERSION"
  else
    bad "manifest: $(tr '\n' ' ' <<<"$mf")"
  fi
  if grep -q "<version>$VERSION</version>" "$e/META-INF/maven/dev.pfhir/pfhir/pom.xml" &&
    grep -qx "version=$VERSION" "$e/META-INF/maven/dev.pfhir/pfhir/pom.properties"; then
    ok "POM: dev.pfhir:pfhir:$VERSION"
  else
    bad "POM coordinates are not dev.pfhir:pfhir:$VERSION"
  fi
  # Class file major version 61 = Java 17.
  local major
  major="$(od -An -tu1 -j6 -N2 "$e/dev/pfhir/Pfhir.class" | awk '{print $1 * 256 + $2}')"
  if [ "$major" = 61 ]; then ok "class files are Java 17 (major version 61)"; else bad "class file major version $major, not 61"; fi
  local others
  others="$(cd "$e" && find . -type f ! -path './dev/pfhir/*' ! -path './META-INF/*' | LC_ALL=C sort | tr '\n' ' ')"
  if [ "$others" = "./linux-aarch64/libpfhir.so ./linux-x86-64/libpfhir.so ./win32-x86-64/pfhir.dll " ]; then
    ok "no other files beside the classes, the three natives and META-INF"
  else
    bad "unexpected entries: $others"
  fi

  # Each native: its machine, stripped, the same bytes as its C package's.
  check_native_copy "$e/linux-x86-64/libpfhir.so" x86_64-linux-gnu linux-x86-64/libpfhir.so
  check_native_copy "$e/linux-aarch64/libpfhir.so" aarch64-linux-gnu linux-aarch64/libpfhir.so
  check_native_copy "$e/win32-x86-64/pfhir.dll" x86_64-windows win32-x86-64/pfhir.dll \
    "not run: no Windows JVM here"
  if [ -f "$srcjar" ] && output_has ' dev/pfhir/Client\.java$' unzip -l "$srcjar" &&
    output_has ' dev/pfhir/internal/PfhirLibrary\.java$' unzip -l "$srcjar"; then
    ok "pfhir-$VERSION-sources.jar holds the sources"
  else
    bad "pfhir-$VERSION-sources.jar is missing or lacks the sources"
  fi

  step "jar: the README quickstart and JarCheck, from a fresh folder with only the jar and jna.jar"
  local app="$w/app" cache="$w/xdg-cache"
  mkdir -p "$app" "$cache"
  install -m 0644 "$jarfile" "$app/"
  local cp="$app/pfhir-$VERSION.jar:$jna"
  awk '/<!-- quickstart/ {m = 1; next} m == 1 && /^```java$/ {m = 2; next} m == 2 && /^```$/ {exit} m == 2 {print}' \
    "$ROOT/bindings/java/README.md" >"$app/Quickstart.java"
  if grep -q '^public class Quickstart' "$app/Quickstart.java"; then
    ok "the quickstart extracted from bindings/java/README.md ($(wc -l <"$app/Quickstart.java") lines)"
  else
    bad "no quickstart (a \`\`\`java block after <!-- quickstart -->) in bindings/java/README.md"
  fi
  install -m 0644 "$ROOT/bindings/java/src/test/dist/JarCheck.java" "$app/"
  local log
  if log="$(cd "$app" && javac -encoding UTF-8 -Xlint:all -Werror -cp "$cp" -d "$app/classes" Quickstart.java JarCheck.java 2>&1)"; then
    ok "javac Quickstart.java JarCheck.java against the jar and jna.jar"
  else
    bad "javac of the quickstart / JarCheck"; printf '%s\n' "$log" | tail -n 30 >&2
  fi

  start_sandbox "$w/sandbox"
  # Only what a user's shell has, plus the quickstart's own settings.
  local clean=(env -i PATH=/usr/bin:/bin HOME="$w/home" XDG_CACHE_HOME="$cache" LANG=C.UTF-8)
  local settings=(PFHIR_BASE_URL="$SB_URL" PFHIR_ORG_ID=2.16.724.4.2 PFHIR_CLIENT_ID=1234567890
    PFHIR_CLIENT_SECRET=sandbox-secret PFHIR_CERT="$SB_DIR/client.pem" PFHIR_KEY="$SB_DIR/client-key.pem"
    PFHIR_CA="$SB_DIR/ca.pem")
  mkdir -p "$w/home"
  local out rc
  set +e
  out="$(cd "$app" && timeout 120 "${clean[@]}" "${settings[@]}" java -cp "$cp:$app/classes" Quickstart 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 0 ] && grep -q '^valid: true$' <<<"$out" && grep -q '^created Patient/' <<<"$out" &&
    grep -q '^updated: HTTP 200$' <<<"$out" && grep -q '^read: HTTP 200, ' <<<"$out"; then
    ok "quickstart against the sandbox (mTLS): $(grep '^created' <<<"$out" | cut -d' ' -f1-2)"
  else
    bad "quickstart (exit $rc): $out"
  fi
  set +e
  out="$(cd "$app" && timeout 60 "${clean[@]}" "${settings[@]/#PFHIR_CLIENT_SECRET=*/PFHIR_UNSET=1}" \
    java -cp "$cp:$app/classes" Quickstart 2>&1)"
  rc=$?
  set -e
  if [ "$rc" -eq 2 ] && grep -q '^set PFHIR_CLIENT_SECRET ' <<<"$out"; then
    ok "quickstart without PFHIR_CLIENT_SECRET: exit 2, 'set PFHIR_CLIENT_SECRET'"
  else
    bad "quickstart without PFHIR_CLIENT_SECRET (exit $rc): $out"
  fi

  local args=("$VERSION" "$GOOD" "$BAD" "$SB_URL" "$SB_DIR" "$cache/JNA/temp")
  check "JarCheck on the class path (validate, create, update, read; the jar's library)" \
    bash -c 'cd "$1" && shift && "$@"' _ "$app" timeout 120 "${clean[@]}" \
    java -cp "$cp:$app/classes" JarCheck "${args[@]}" CLASSPATH
  check "JarCheck on the module path (dev.pfhir and com.sun.jna as automatic modules)" \
    bash -c 'cd "$1" && shift && "$@"' _ "$app" timeout 120 "${clean[@]}" \
    java --module-path "$cp" --add-modules dev.pfhir -cp "$app/classes" JarCheck "${args[@]}" MODULE
}
