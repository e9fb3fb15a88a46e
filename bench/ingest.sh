#!/usr/bin/env bash
# Ingest benchmark: starts bloop on a scratch database (127.0.0.1 only, -Xmx256m), then loads it with
# wrk using pre-signed requests and prints: start-up time, idle RSS, single-event events/s and
# p50/p99, batch (50) events/s sustained, events/s committed by the writer, queue depth over time,
# and RSS under load. Run by hand; needs wrk (apt-get install wrk) and python3.
#
#   bench/ingest.sh                      # defaults below
#   SINGLE_SECS=30 BATCH_SECS=60 CONNS=32 bench/ingest.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SINGLE_SECS=${SINGLE_SECS:-30}
BATCH_SECS=${BATCH_SECS:-60}
CONNS=${CONNS:-32}
PORT=${PORT:-5392}
ADMIN_PORT=${ADMIN_PORT:-5393}
SECRET="bench-secret-0123456789abcdef"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d /tmp/bloop-bench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" single 20000 "$work/single.txt"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 2000 "$work/batch.txt"

# Build first so that start-up time measures start-up, not compilation.
"$root/bin/bloop" --version >/dev/null 2>&1 || true
start_ns=$(date +%s%N)
BLOOP__SERVER__HOST=127.0.0.1 BLOOP__SERVER__PORT=$PORT BLOOP__SERVER__ADMIN_PORT=$ADMIN_PORT \
BLOOP__DATABASE__PATH="$work/bench.db" BLOOP__AUTH__HMAC_SECRET="$SECRET" \
  "$root/bin/bloop" server "$root/config.yml" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
  kill -0 $pid 2>/dev/null || { echo "server died:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.05
done
java_pid=$pid # bin/bloop execs java
echo "startup_s=$(awk "BEGIN{print ($(date +%s%N)-$start_ns)/1e9}")"
sleep 2
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$java_pid/status; }
committed() { curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | awk '/^pipeline_events_committed_total/{print int($2)}'; }
echo "idle_rss_mb=$(rss)"

sample() { # prints "t queue_depth rss_mb committed" every second while the load runs
  local t=0
  while sleep 1; do
    t=$((t+1))
    printf 'sample t=%ds queue_depth=%s rss_mb=%s committed=%s\n' $t \
      "$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/')" "$(rss)" "$(committed)"
  done
}

run() { # name secs path requests-file events-per-request
  local name=$1 secs=$2 path=$3 file=$4 per=$5
  local before; before=$(committed)
  sample >"$work/$name.samples" & local sampler=$!
  local t0; t0=$(date +%s%N)
  BLOOP_REQUESTS="$file" wrk -t1 -c"$CONNS" -d"${secs}s" --latency -s "$root/bench/signed.lua" \
    "http://127.0.0.1:$PORT$path" >"$work/$name.wrk" 2>&1
  # Let the writer catch up, then count what it committed during the run.
  until [ "$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/')" = 0 ]; do sleep 0.2; done
  local t1; t1=$(date +%s%N)
  kill $sampler 2>/dev/null || true
  local line; line=$(grep '^BENCH ' "$work/$name.wrk")
  local reqs non2xx rps; reqs=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
  rps=$(sed -E 's/.* rps=([0-9]+).*/\1/' <<<"$line")
  local after; after=$(committed)
  echo "== $name: $line"
  echo "$name accepted_events_per_s=$(( (reqs - non2xx) * per / secs )) rejected_429_or_other=$non2xx"
  echo "$name committed_events=$((after - before)) committed_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($t1-$t0)/1e9)}") (incl. catch-up)"
  echo "$name max_queue_depth=$(awk -F'queue_depth=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END{print m+0}' "$work/$name.samples")" \
       "max_rss_mb=$(awk -F'rss_mb=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END{print m+0}' "$work/$name.samples")"
  echo "$name queue depth over time: $(awk -F'queue_depth=' '{split($2,a," "); printf "%s ", a[1]}' "$work/$name.samples")"
}

# Warm the JIT so the measured runs see compiled code, as a long-running server does.
BLOOP_REQUESTS="$work/single.txt" wrk -t1 -c8 -d10s -s "$root/bench/signed.lua" "http://127.0.0.1:$PORT/v1/ingest" >/dev/null 2>&1
until [ "$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/')" = 0 ]; do sleep 0.2; done

run single "$SINGLE_SECS" /v1/ingest "$work/single.txt" 1
run batch "$BATCH_SECS" /v1/ingest/batch "$work/batch.txt" 50
sleep 3
echo "after_load_rss_mb=$(rss)"
echo "db_size_mb=$(du -m "$work/bench.db" | cut -f1) raw_events=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from raw_events').fetchone()[0])" "$work/bench.db")"
