#!/usr/bin/env bash
# Overload from a cold start (the bad day: a deploy went wrong and a freshly restarted bloop is flooded).
# For each scenario: a NEW server on a new database (bin/bloop's flags, 127.0.0.1 only) is hit at once
# by wrk for COLD_SECS, then, warmed up, by a moderate load (1 thread, 16 connections) for WARM_SECS.
# Printed per scenario: committed events/s during the cold overload and during the warm run (the
# writer's counter, sampled at the start and end of each run), their ratio, 429s and 5xx, wrk's p99
# over all answers, and the server's own p99 for requests answered 200 (ingest.accepted.latency).
# Run by hand; needs wrk and python3. The load generator runs beside the server on the same box.
#
#   bench/overload.sh                         # every scenario below
#   SCENARIOS="simple:1000:64:1" bench/overload.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COLD_SECS=${COLD_SECS:-15}
WARM_SECS=${WARM_SECS:-15}
PORT=${PORT:-5394}
ADMIN_PORT=${ADMIN_PORT:-5395}
SECRET="bench-secret-0123456789abcdef"
# kind:distinct_issues:connections:wrk_threads
SCENARIOS=${SCENARIOS:-"simple:1000:64:1 simple:1000:256:1 simple:10000:64:1 simple:1000:64:2 simple-batch:1000:64:1 simple-batch:10000:64:1"}
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-overload.XXXXXX)"
echo "# scratch: $work"
"$root/bin/bloop" --version >/dev/null 2>&1 || true

latency_p99() { # server-side p99 (ms) of requests answered 200
  curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" \
    | awk '/^ingest_accepted_latency\{quantile="0.99"/{printf "%.1f", $2*1000}'
}

wrk_run() { # threads conns secs path file -> prints "committed_per_s s429 s5xx wrk_p99"
  local threads=$1 conns=$2 secs=$3 path=$4 file=$5
  local before t0 after t1
  before=$(committed); t0=$(date +%s%N)
  BLOOP_REQUESTS="$file" wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$root/bench/signed.lua" \
    "http://127.0.0.1:$PORT$path" >"$work/last.wrk" 2>&1
  after=$(committed); t1=$(date +%s%N)
  local status; status=$(grep '^BENCH_STATUS' "$work/last.wrk")
  local p99; p99=$(sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$(grep '^BENCH ' "$work/last.wrk")")
  echo "$(awk "BEGIN{printf \"%d\", ($after-$before)/(($t1-$t0)/1e9)}") $(sed -E 's/.*s429=([0-9]+).*/\1/' <<<"$status") $(sed -E 's/.*s5xx=([0-9]+).*/\1/' <<<"$status") $p99"
}

for scenario in $SCENARIOS; do
  IFS=: read -r kind issues conns threads <<<"$scenario"
  path=/v1/ingest; per=1
  if [[ $kind == *batch ]]; then path=/v1/ingest/batch; per=50; fi
  reqfile="$work/$kind-$issues.txt"
  [ -f "$reqfile" ] || python3 "$root/bench/gen_requests.py" "$SECRET" "$kind" $((per == 1 ? 40000 : 2000)) "$reqfile" "$issues"
  rm -f "$work"/bench.db*
  start_ns=$(date +%s%N)
  start_bloop
  startup_s=$(awk "BEGIN{printf \"%.1f\", ($(date +%s%N)-$start_ns)/1e9}")
  read -r cold_cps cold_429 cold_5xx cold_p99 <<<"$(wrk_run "$threads" "$conns" "$COLD_SECS" "$path" "$reqfile")"
  cold_srv_p99=$(latency_p99)
  drained
  read -r warm_cps warm_429 warm_5xx warm_p99 <<<"$(wrk_run 1 16 "$WARM_SECS" "$path" "$reqfile")"
  drained
  java_pid=$pid # bin/bloop execs java
  rss=$(awk '/VmRSS/{print int($2/1024)}' /proc/$java_pid/status)
  groups=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from error_groups').fetchone()[0])" "$work/bench.db")
  echo "scenario=$kind issues=$issues conns=$conns wrk_threads=$threads startup_s=$startup_s groups=$groups rss_mb=$rss"
  echo "  cold: committed_events_per_s=$cold_cps 429s=$cold_429 5xx=$cold_5xx wrk_p99_ms=$cold_p99 server_p99_accepted_ms=$cold_srv_p99"
  echo "  warm: committed_events_per_s=$warm_cps 429s=$warm_429 5xx=$warm_5xx wrk_p99_ms=$warm_p99"
  echo "  cold/warm=$(awk "BEGIN{printf \"%.2f\", $cold_cps/($warm_cps>0?$warm_cps:1)}")"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
done
