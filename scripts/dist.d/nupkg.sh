# Sourced by scripts/dist: the .NET binding as a NuGet package with the natives inside.
#
#   dist/Pfhir.VERSION.nupkg   lib/netstandard2.0/Pfhir.dll (bindings/dotnet/src, compiled by
#                              Mono's mcs: C# 7, optimized, warnings as errors; it references
#                              mscorlib 4.0.0.0, see bindings/dotnet/README.md),
#                              Pfhir.xml (its doc comments) and Pfhir.dll.config (Mono's map to
#                              runtimes/); runtimes/linux-x64/native/libpfhir.so,
#                              runtimes/linux-arm64/native/libpfhir.so and
#                              runtimes/win-x64/native/pfhir.dll (the stripped libraries of the
#                              C packages, staged_native); Pfhir.nuspec, [Content_Types].xml,
#                              _rels/.rels; README.md (packaging/README.dotnet.md) and the
#                              licenses.
#
# Debian's nuget (2.8.7) predates .NET Standard, and no .NET SDK runs here: the package (an
# OPC zip) is assembled by hand, its entries in a fixed order with the last commit's time.
# Packing fails (non-zero, a message naming the file) when any native library is missing.

# The native library of each runtime of the package: RID, platform of staged_native, file
# name, and the artifact of scripts/dist that builds it.
NUPKG_NATIVES=(
  "linux-x64 x86_64-linux-gnu libpfhir.so c-x86_64-linux-gnu"
  "linux-arm64 aarch64-linux-gnu libpfhir.so c-aarch64-linux-gnu"
  "win-x64 x86_64-windows pfhir.dll windows-x86_64"
)

dist_nupkg() {
  local dotnet="$ROOT/bindings/dotnet" name="Pfhir.$VERSION" st pkg
  command -v mcs >/dev/null || { echo "error: mcs (Mono's C# compiler) is needed: bindings/dotnet/setup.sh" >&2; return 1; }
  command -v zip >/dev/null || { echo "error: zip is needed: scripts/setup" >&2; return 1; }
  # Pfhir.csproj (for users of the .NET SDK) must describe the same version.
  local csproj_version
  csproj_version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$dotnet/Pfhir.csproj")"
  [ "$csproj_version" = "$VERSION" ] ||
    { echo "error: bindings/dotnet/Pfhir.csproj says version '$csproj_version', Cargo.toml $VERSION" >&2; return 1; }

  # A failed pack leaves no package of an earlier run behind.
  rm -f "$DIST/$name.nupkg"
  st="$(stage_dir nupkg)"
  pkg="$st/pkg"

  step "the natives of $name.nupkg (runtimes/RID/native/)"
  local entry rid platform file artifact src missing=()
  for entry in "${NUPKG_NATIVES[@]}"; do
    read -r rid platform file artifact <<<"$entry"
    if src="$(staged_native "$platform" 2>/dev/null)"; then
      mkdir -p "$pkg/runtimes/$rid/native"
      install -m 0644 "$src" "$pkg/runtimes/$rid/native/$file"
    else
      missing+=("runtimes/$rid/native/$file: build the C package first (scripts/dist $artifact)")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'error: %s.nupkg not packed: its native library is missing:\n' "$name" >&2
    printf '  %s\n' "${missing[@]}" >&2
    return 1
  fi

  step "mcs: lib/netstandard2.0/Pfhir.dll"
  local lib="$pkg/lib/netstandard2.0"
  mkdir -p "$lib"
  # The release's version in the assembly (AssemblyVersion MAJOR.MINOR.0.0: patch releases
  # stay binding-compatible), and source paths in the output relative to the repository.
  cat >"$st/AssemblyInfo.cs" <<CS
using System.Reflection;
[assembly: AssemblyTitle("Pfhir")]
[assembly: AssemblyDescription("Build, validate and submit FHIR STU3 patient messages (binding of libpfhir)")]
[assembly: AssemblyVersion("${VERSION%.*}.0.0")]
[assembly: AssemblyFileVersion("$VERSION.0")]
[assembly: AssemblyInformationalVersion("$VERSION")]
CS
  mcs -langversion:7 -target:library -optimize+ -warn:4 -warnaserror+ -nologo \
    -pathmap:"$ROOT"=pfhir -out:"$lib/Pfhir.dll" -doc:"$lib/Pfhir.xml" \
    "$st/AssemblyInfo.cs" "$dotnet"/src/*.cs
  install -m 0644 "$dotnet/src/Pfhir.dll.config" "$lib/Pfhir.dll.config"

  step "Pfhir.nuspec, the OPC parts, README and licenses"
  local repo
  repo="$(sed -n 's/^repository *= *"\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
  cat >"$pkg/Pfhir.nuspec" <<XML
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Pfhir</id>
    <version>$VERSION</version>
    <title>pfhir</title>
    <authors>The pfhir developers</authors>
    <license type="expression">MIT OR Apache-2.0</license>
    <readme>README.md</readme>
    <projectUrl>$repo</projectUrl>
    <repository type="git" url="$repo" />
    <description>Build, validate and submit FHIR STU3 patient messages (MessageHeader + Patient + Condition) to the Partners FHIR API over mutual TLS: the .NET binding of libpfhir, with its native library for linux-x64, linux-arm64 and win-x64.</description>
    <tags>fhir stu3 hl7 healthcare mtls</tags>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
XML
  docs_into "$pkg" dotnet netstandard2.0
  mkdir -p "$pkg/_rels"
  cat >"$pkg/_rels/.rels" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/Pfhir.nuspec" Id="R0" />
</Relationships>
XML
  # [Content_Types].xml: a Default for each file extension, an Override for each part
  # without one (the licenses).
  {
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    echo '  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
    (cd "$pkg" && find . -type f -printf '%f\n') | sed -n 's/^[^.].*\.\([A-Za-z0-9]*\)$/\1/p' |
      LC_ALL=C sort -u | grep -vx rels |
      while read -r ext; do echo "  <Default Extension=\"$ext\" ContentType=\"application/octet\" />"; done
    (cd "$pkg" && find . -type f -printf '%P\n') | grep -v '\.' | LC_ALL=C sort |
      while read -r part; do echo "  <Override PartName=\"/$part\" ContentType=\"application/octet\" />"; done
    echo '</Types>'
  } >"$pkg/[Content_Types].xml"

  step "packing $name.nupkg"
  find "$pkg" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  # Entries at the root of the zip, files only (no folder entries), in a fixed order.
  (cd "$pkg" && find . -type f -printf '%P\n' | LC_ALL=C sort | zip -q -X -D -9 -@ "$DIST/$name.nupkg")
  echo "built dist/$name.nupkg"
}
