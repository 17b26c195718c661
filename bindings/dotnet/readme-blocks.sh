#!/usr/bin/env bash
# Prints C# code blocks of a README (used by test.sh and scripts/test-dist.d/nupkg.sh):
#   readme-blocks.sh quickstart README.md   the ```csharp block right after the line
#                                           <!-- quickstart --> (exactly one such marker)
#   readme-blocks.sh others README.md       every other ```csharp block, one after the other
# Fails (exit 1, a message on stderr) when the marker or its block is missing.
set -euo pipefail
mode="$1" readme="$2"
case "$mode" in quickstart | others) ;; *) echo "usage: $0 quickstart|others README.md" >&2; exit 2 ;; esac
awk -v mode="$mode" '
  /^<!-- quickstart -->$/ { markers++; marked = 1; next }
  /^```csharp$/ { inblock = 1; quick = marked; if (quick) found++; marked = 0; next }
  inblock && /^```$/ { inblock = 0; next }
  inblock { if ((mode == "quickstart") == quick) print; next }
  /[^[:space:]]/ { marked = 0 }
  END {
    if (markers != 1) { print "error: " FILENAME ": " markers + 0 " <!-- quickstart --> markers, not 1" > "/dev/stderr"; exit 1 }
    if (found != 1) { print "error: " FILENAME ": no ```csharp block right after <!-- quickstart -->" > "/dev/stderr"; exit 1 }
  }' "$readme"
