#!/usr/bin/env bash
# HTTP load test of eddy against two baselines measured in the same run, with the same load
# generator (wrk) and the same requests:
#   - nginx answering every request with a fixed `200 {}`: the HTTP floor, a practical ceiling
#     for any HTTP server on this machine;
#   - dynalite on disk (npm `dynalite`, LevelDB), the Node DynamoDB implementation people use for
#     local development.
#
#   bench/http/run.sh [--seconds N] [--eddy PATH] [--ops "put get update query"]
#                     [--conns "1 16 64"] [--servers "nginx dynalite eddy"]
#                     [--floor-ops "get"] [--warmup N] [--out FILE]
#
# Prints a markdown table and writes it to bench/http/results-<date>.md (or --out FILE).
# Exits non-zero if any request of any measured run failed (status >= 400, socket error or
# timeout). See bench/http/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECS=10
EDDY_SRC="$HERE/../../build/eddy"
OPS="put get update query"
CONNS="1 16 64"
SERVERS="nginx dynalite eddy"
FLOOR_OPS="get"
WARMUP=2
OUT=""
ITEMS=10000
PARTITIONS=100
PER_PARTITION=20
COMMAND="bench/http/run.sh $*"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECS=$2; shift 2 ;;
    --eddy) EDDY_SRC=$2; shift 2 ;;
    --ops) OPS=$2; shift 2 ;;
    --conns) CONNS=$2; shift 2 ;;
    --servers) SERVERS=$2; shift 2 ;;
    --floor-ops) FLOOR_OPS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage 2 >&2 ;;
  esac
done
[[ -n "$OUT" ]] || OUT="$HERE/results-$(date +%F).md"

die() { echo "run.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

# --- tools -------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing ${missing[*]} (apt-get)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
    || die "could not install ${missing[*]}"
fi
command -v node >/dev/null || die "node is needed for dynalite (apt-get install nodejs npm)"
command -v python3 >/dev/null || die "python3 is needed for the preload"
if [[ " $SERVERS " == *" dynalite "* && ! -x "$HERE/node_modules/.bin/dynalite" ]]; then
  log "installing dynalite (npm ci --prefix bench/http)"
  npm ci --prefix "$HERE" --no-audit --no-fund >&2 || die "npm ci failed"
fi
if [[ " $SERVERS " == *" eddy "* ]]; then
  [[ -x "$EDDY_SRC" ]] || die "no eddy binary at $EDDY_SRC (build it, or pass --eddy PATH)"
fi

# --- temp dir, process bookkeeping, cleanup ------------------------------------------------------
TMP=$(mktemp -d /tmp/eddy-bench-http.XXXXXX)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop() {  # stop one server we started, and forget it
  local pid=$1 keep=() p
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ "$p" == "$pid" ]] || keep+=("$p"); done
  PIDS=("${keep[@]+"${keep[@]}"}")
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rss_kb() {  # VmRSS of a process and its children (nginx: master + workers), in kB
  local total=0 p kb
  for p in "$1" $(pgrep -P "$1" || true); do
    kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

wait_http() {  # wait_http URL PID NAME LOG: wait until URL answers anything over HTTP
  local url=$1 pid=$2 what=$3 log=$4
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "$what exited during startup"; }
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    [[ "$code" != "000" ]] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  die "$what did not answer at $url within 30 s"
}

# --- servers -----------------------------------------------------------------------------------
start_nginx() {
  local dir=$TMP/nginx port
  port=$(free_port)
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<EOF
# The HTTP floor: every request gets a fixed 200 {} (the request body is read and discarded).
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  keepalive_timeout 300s;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/x-amz-json-1.0;
      return 200 '{}';
    }
  }
}
EOF
  nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_URL=http://127.0.0.1:$port/
  wait_http "$SERVER_URL" "$SERVER_PID" nginx "$dir/logs/error.log"
}

start_dynalite() {
  local port
  port=$(free_port)
  mkdir -p "$TMP/dynalite"
  node "$HERE/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$port" \
    --path "$TMP/dynalite" --createTableMs 50 >"$TMP/dynalite.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_URL=http://127.0.0.1:$port/
  wait_http "$SERVER_URL" "$SERVER_PID" dynalite "$TMP/dynalite.log"
}

start_eddy() {
  local url=""
  # A copy, so that a rebuild during the run cannot change the binary under us.
  cp "$EDDY_SRC" "$TMP/eddy"
  mkdir -p "$TMP/eddy-data"
  "$TMP/eddy" serve --listen 127.0.0.1:0 --data-dir "$TMP/eddy-data" --durability sync \
    --no-stack >"$TMP/eddy.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 300); do
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/eddy.log" >&2; die "eddy exited during startup"; }
    url=$(grep -o 'endpoint: http://127\.0\.0\.1:[0-9]*' "$TMP/eddy.log" | head -1 | cut -d' ' -f2 || true)
    [[ -n "$url" ]] && break
    sleep 0.1
  done
  [[ -n "$url" ]] || { cat "$TMP/eddy.log" >&2; die "eddy printed no endpoint within 30 s"; }
  SERVER_URL=$url/
  for _ in $(seq 300); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "${url}/health" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  die "eddy's GET /health did not answer 200 within 30 s"
}

# --- one measurement ---------------------------------------------------------------------------
RESULTS=$TMP/results.tsv
FAILED=0
TAG=0

run_wrk() {  # run_wrk OP CONNS SECONDS: prints wrk's output
  # Callers bump TAG first (not here: this often runs in a subshell), so that every run's
  # PutItem ids are new.
  local op=$1 c=$2 secs=$3 threads=2
  [[ "$c" -lt 2 ]] && threads=1
  wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 30s -s "$HERE/$op.lua" "$SERVER_URL" \
    -- "$$x$TAG" "$ITEMS" "$PARTITIONS"
}

measure() {  # measure SERVER OP CONNS
  local server=$1 op=$2 c=$3 out line rss errs
  TAG=$((TAG + 1))
  out=$(run_wrk "$op" "$c" "$SECS") || die "wrk failed: $out"
  line=$(grep '^BENCH ' <<<"$out") || die "wrk printed no BENCH line: $out"
  rss=$(rss_kb "$SERVER_PID")
  # shellcheck disable=SC2046
  local $(sed 's/^BENCH //' <<<"$line")
  errs=$((status_errors + connect_errors + read_errors + write_errors + timeouts))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$op" "$c" "$rps" "$p50_us" \
    "$p99_us" "$rss" "$errs" "$requests" >>"$RESULTS"
  printf '%-9s %-7s c=%-3s %9s req/s  p50 %6s us  p99 %7s us  RSS %7s kB  errors %s\n' \
    "$server" "$op" "$c" "$rps" "$p50_us" "$p99_us" "$rss" "$errs" >&2
  if [[ "$errs" -ne 0 ]]; then
    FAILED=1
    echo "!! $server $op c=$c: $errs failed requests ($line)" >&2
    echo "!! replaying 1 s with BENCH_DEBUG=1 to show the answers:" >&2
    TAG=$((TAG + 1))
    BENCH_DEBUG=1 run_wrk "$op" "$c" 1 2>&1 | grep -E 'non-200|BENCH' | head -8 >&2 || true
  fi
}

run_server() {  # run_server NAME: start it, preload, measure every cell, stop it
  local server=$1 ops=$OPS op c
  log "$server"
  "start_$server"
  if [[ "$server" == nginx ]]; then
    ops=$FLOOR_OPS
  else
    python3 "$HERE/preload.py" "$SERVER_URL" --items "$ITEMS" --partitions "$PARTITIONS" \
      --per-partition "$PER_PARTITION" || die "preload of $server failed"
  fi
  for op in $ops; do
    # Unrecorded warm-up (JITs, caches, connection setup) before each operation.
    TAG=$((TAG + 1))
    if [[ "$WARMUP" -gt 0 ]]; then run_wrk "$op" 16 "$WARMUP" >/dev/null; fi
    for c in $CONNS; do
      measure "$server" "$op" "$c"
    done
  done
  stop "$SERVER_PID"
}

: >"$RESULTS"
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
log "temp dir $TMP; $SECS s per cell; ops: $OPS; connections: $CONNS; load average $LOADAVG"
if awk -v l="${LOADAVG%% *}" 'BEGIN { exit !(l > 0.5) }'; then
  echo "run.sh: warning: the machine is busy (load average $LOADAVG): figures will be noisy" >&2
fi
for server in $SERVERS; do
  run_server "$server"
done

# --- report ------------------------------------------------------------------------------------
eddy_version=""
[[ " $SERVERS " == *" eddy "* ]] && eddy_version=$("$TMP/eddy" --version 2>&1 | head -1 || true)
python3 "$HERE/report.py" "$RESULTS" \
  --command "$COMMAND" --seconds "$SECS" --eddy-version "$eddy_version" --loadavg "$LOADAVG" \
  --dynalite-version "$(node -p "require('$HERE/node_modules/dynalite/package.json').version" 2>/dev/null || true)" \
  --items "$ITEMS" --partitions "$PARTITIONS" --per-partition "$PER_PARTITION" >"$TMP/report.md"
cat "$TMP/report.md"
cp "$TMP/report.md" "$OUT"
log "written to $OUT"
if [[ "$FAILED" -ne 0 ]]; then
  echo "run.sh: FAILED: some requests were not answered 200 (see the !! lines above)" >&2
  exit 1
fi
