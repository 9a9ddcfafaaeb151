#!/usr/bin/env bash
# Instructions per request, counted by callgrind: repeatable where requests/s are not (the
# count does not depend on what else the machine is doing). Runs `eddy serve` under
# `valgrind --tool=callgrind` with instrumentation off, preloads the tables, switches
# instrumentation on for a wrk run of one operation (1 thread, 4 connections), and prints the
# server's instructions divided by the requests served, then the top functions.
#
#   bench/http/instructions.sh [--eddy PATH] [--seconds N] OP     # OP: put | get | update | query
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EDDY_SRC="$HERE/../../build/eddy"
SECS=10
while [[ $# -gt 1 ]]; do
  case "$1" in
    --eddy) EDDY_SRC=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    *) echo "instructions.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
OP=${1:?usage: instructions.sh [--eddy PATH] [--seconds N] put|get|update|query}
command -v valgrind >/dev/null && command -v callgrind_control >/dev/null || {
  echo "instructions.sh: needs valgrind" >&2; exit 1; }

TMP=$(mktemp -d)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
cp "$EDDY_SRC" "$TMP/eddy"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$TMP/callgrind.out" \
  "$TMP/eddy" serve --listen 127.0.0.1:0 --data-dir "$TMP/data" --no-stack --threads 1 \
  >"$TMP/server.log" 2>&1 &
PID=$!
URL=""
for _ in $(seq 300); do
  URL=$(grep -o 'http://[0-9.:]*' "$TMP/server.log" || true)
  [[ -n "$URL" ]] && break
  sleep 0.1
done
[[ -n "$URL" ]] || { echo "instructions.sh: eddy did not start" >&2; cat "$TMP/server.log" >&2; exit 1; }
python3 "$HERE/preload.py" "$URL" --items 2000 --partitions 20 --per-partition 20 >/dev/null
callgrind_control -i on "$PID" >/dev/null 2>&1
requests=$(wrk -t1 -c4 -d"${SECS}s" -s "$HERE/$OP.lua" "$URL" | sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p')
callgrind_control -i off "$PID" >/dev/null 2>&1
callgrind_control -d "$PID" >/dev/null 2>&1
dump=$(ls -S "$TMP"/callgrind.out* | head -1)
total=$(callgrind_annotate "$dump" 2>/dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d ,)
echo "$OP: $requests requests, $total instructions in the server, $((total / requests)) per request"
callgrind_annotate "$dump" 2>/dev/null | sed -n '/file:function/,+15p' | cut -c1-150
