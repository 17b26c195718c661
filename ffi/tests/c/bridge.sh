#!/usr/bin/env bash
# The Linux side of the Windows C tests (scripts/test-dist): a test program built with mingw
# and run under Wine cannot fork the Linux `pfhir sandbox` nor curl, so test_util.c asks this
# script through files in FOLDER (see the _WIN32 part of test_util.c for the protocol):
#
#   ffi/tests/c/bridge.sh FOLDER PFHIR_BIN &     # serves until FOLDER/quit exists or killed
#
# `start` runs `PFHIR_BIN sandbox --certs NEWDIR --port 0` and answers once it printed its
# URL; `stop` ends that sandbox and removes NEWDIR; `curl` sends a request with the
# sandbox's client certificate (fault rules). Paths are answered as Wine sees them (Z:/...).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 FOLDER PFHIR_BIN" >&2; exit 2; }
DIR="$1"
PFHIR_BIN="$2"
declare -A PIDS=()

stop_all() {
  local d
  for d in "${!PIDS[@]}"; do
    kill "${PIDS[$d]}" 2>/dev/null || true
    wait "${PIDS[$d]}" 2>/dev/null || true
    rm -rf "$d"
  done
}
trap stop_all EXIT
trap 'exit 0' TERM INT

answer() { # REQ TEXT
  printf '%s\n' "$2" >"$1.out.tmp"
  mv "$1.out.tmp" "$1.out"
}

serve() { # REQ (without .cmd)
  local req="$1" line verb d url i method target
  read -r line <"$req.cmd" || true
  rm -f "$req.cmd"
  verb="${line%% *}"
  case "$verb" in
    start)
      d="$(mktemp -d "${TMPDIR:-/tmp}/pfhir-wine-sandbox-XXXXXX")"
      "$PFHIR_BIN" sandbox --certs "$d" --port 0 >"$d/sandbox.log" 2>&1 &
      PIDS[$d]=$!
      url=""
      for i in $(seq 1 200); do
        url="$(grep -o 'https://[^ ]*' "$d/sandbox.log" | head -n 1 || true)"
        [ -n "$url" ] && break
        kill -0 "${PIDS[$d]}" 2>/dev/null || break
        sleep 0.05
      done
      if [ -n "$url" ]; then answer "$req" "0 Z:$d"; else cat "$d/sandbox.log" >&2; answer "$req" "1"; fi
      ;;
    stop)
      d="${line#stop Z:}"
      if [ -n "${PIDS[$d]:-}" ]; then
        kill "${PIDS[$d]}" 2>/dev/null || true
        wait "${PIDS[$d]}" 2>/dev/null || true
        unset "PIDS[$d]"
        rm -rf "$d"
        answer "$req" "0"
      else
        answer "$req" "1"
      fi
      ;;
    curl)
      read -r _ d method target <<<"$line"
      d="${d#Z:}"
      set +e
      curl -sS --fail --max-time 10 --cacert "$d/ca.pem" --cert "$d/client.pem" \
        --key "$d/client-key.pem" -X "$method" -H 'Content-Type: application/json' \
        --data-binary @"$req.body" "$target" >/dev/null
      i=$?
      set -e
      answer "$req" "$i"
      ;;
    *)
      echo "bridge: unknown request '$line'" >&2
      answer "$req" "2"
      ;;
  esac
}

while [ ! -e "$DIR/quit" ]; do
  for f in "$DIR"/*.cmd; do
    [ -e "$f" ] || continue
    serve "${f%.cmd}"
  done
  sleep 0.02
done
