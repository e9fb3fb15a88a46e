#!/usr/bin/env bash
# LLM tracing benchmark: starts bloop (the shipped config, -Xmx256m, LLM tracing on) on a scratch
# database, then
#   1. trace ingest: pre-signed batches of 50 traces of 5 spans, as fast as wrk can send them, for
#      TRACE_SECS, while error ingest runs beside it at about 2,000 events/s; prints spans accepted
#      and committed per second, 429s, the LLM queue's depth and RSS over time;
#   2. seeds the database up to SEED_SPANS spans (each request sent once);
#   3. query latency at that size (p50/p99 of overview, latency, usage, models, traces, sessions)
#      while both ingests keep running (errors ~2,000 events/s, traces ~2,000 spans/s), then the
#      server's CPU time per query of each endpoint with nothing else running.
# Besides wall-clock rates it prints the server's own CPU time (utime + stime of the java process)
# per span: on a shared, loaded machine the wall clock measures the other tenants as much as bloop.
# Run by hand; needs wrk (apt-get install wrk) and python3.
#
#   bench/llm.sh                  # TRACE_SECS=30 CONNS=8 WARM_SECS=20 SEED_SPANS=1000000 REQUESTS=200
#   QUERIES=0 bench/llm.sh        # the ingest run only
#   BLOOP__ANALYTICS__ENABLED=false bench/llm.sh   # LLM tracing without the analytics module (whose
#                                 # DuckDB refreshes add tens of MB of RSS under ingest; it has its own bench)
#   QUERIES=0 CONNS=4 TRACE_DELAY_MS=90 bench/llm.sh   # traces offered at a steady ~10,000 spans/s
#                                 # (each connection waits TRACE_DELAY_MS between batches) instead of
#                                 # as fast as wrk can, so the run measures a sustained rate, not refusals
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRACE_SECS=${TRACE_SECS:-30}
CONNS=${CONNS:-8}
SEED_SPANS=${SEED_SPANS:-1000000}
REQUESTS=${REQUESTS:-200}
WARM_SECS=${WARM_SECS:-20}
QUERIES=${QUERIES:-1}
TRACE_DELAY_MS=${TRACE_DELAY_MS:-}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="bench-secret-0123456789abcdef"
SPANS_PER_REQUEST=250
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-llmbench.XXXXXX)"
echo "# scratch: $work"
# Enough distinct traces that the timed run never sends one twice (25k spans/s for TRACE_SECS + margin).
run_requests=$(( (25000 * TRACE_SECS) / SPANS_PER_REQUEST + 200 ))
python3 "$root/bench/gen_traces.py" "$SECRET" 200 "$work/warm.txt" 50 1
python3 "$root/bench/gen_traces.py" "$SECRET" "$run_requests" "$work/run.txt" 50 2
python3 "$root/bench/gen_traces.py" "$SECRET" 1200 "$work/background.txt" 50 3
python3 "$root/bench/gen_requests.py" "$SECRET" batch 4000 "$work/events.txt"
echo "# request files: $(du -sh "$work" | cut -f1)"

export BLOOP__LLM_TRACING__ENABLED=true
start_bloop
# Also stop the background loads if the script ends early.
trap 'kill $(jobs -p) 2>/dev/null || true; kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
java_pid=$pid # bin/bloop execs java
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$java_pid/status; }
metric() { curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | awk -v m="$1" '$1 == m {print int($2)}'; }
traces_committed() { metric llm_pipeline_traces_committed_total; }
llm_queue() { metric llm_pipeline_queue_depth; }
llm_drained() { until [ "$(llm_queue)" = 0 ]; do sleep 0.2; done; }
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' /proc/$java_pid/stat; }
# CPU seconds of the server between two cpu_ticks readings.
cpu_s() { awk "BEGIN{printf \"%.1f\", ($2 - $1) / $hz}"; }
echo "idle_rss_mb=$(rss)"

# Warm the JIT on both paths (RSS sampled meanwhile: a flood is the bad day).
( while sleep 1; do rss; done ) >"$work/warm.rss" &
warm_sampler=$!
BLOOP_REQUESTS="$work/warm.txt" wrk -t1 -c4 -d${WARM_SECS}s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/traces/batch" >/dev/null 2>&1
BLOOP_REQUESTS="$work/events.txt" wrk -t1 -c2 -d5s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1
drained; llm_drained
kill $warm_sampler 2>/dev/null || true
echo "rss_max_during_warmup_flood_mb=$(sort -n "$work/warm.rss" | tail -1)"
# The warm-up is a flood (as fast as wrk can): the heap it grew is handed back once the queues have
# stayed drained for 2 s (HeapReturn). Shown apart, so that the run below measures sustained load.
echo "rss_after_warmup_flood_mb=$(rss)"
sleep 3
echo "rss_3s_later_mb=$(rss)"

# 1. Trace ingest beside error ingest at ~2,000 events/s (2 connections, 48 ms between batches of 50).
ev_before=$(committed); tr_before=$(traces_committed); t0=$(date +%s%N); c0=$(cpu_ticks)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/events.txt" wrk -t1 -c2 -d$((TRACE_SECS + 5))s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >"$work/events.wrk" 2>&1 &
bg=$!
( while sleep 1; do echo "sample llm_queue=$(llm_queue) rss_mb=$(rss) traces_committed=$(traces_committed)"; done ) >"$work/run.samples" &
sampler=$!
BLOOP_DELAY_MS=$TRACE_DELAY_MS BLOOP_REQUESTS="$work/run.txt" wrk -t1 -c"$CONNS" -d"${TRACE_SECS}s" --latency -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/traces/batch" >"$work/traces.wrk" 2>&1
t_load=$(date +%s%N)
tr_at_end=$(traces_committed)
llm_drained
t1=$(date +%s%N); c1=$(cpu_ticks)
kill $sampler 2>/dev/null || true
wait $bg 2>/dev/null || true
ev_after=$(committed); tr_after=$(traces_committed)
line=$(grep '^BENCH ' "$work/traces.wrk")
reqs=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
echo "== traces: $line $(grep '^BENCH_STATUS' "$work/traces.wrk")"
echo "traces accepted_spans_per_s=$(( (reqs - non2xx) * SPANS_PER_REQUEST / TRACE_SECS )) requests_refused=$non2xx"
echo "traces committed_spans_during_load_per_s=$(awk "BEGIN{printf \"%d\", 5*($tr_at_end-$tr_before)/(($t_load-$t0)/1e9)}")" \
     "committed_spans_incl_catch_up_per_s=$(awk "BEGIN{printf \"%d\", 5*($tr_after-$tr_before)/(($t1-$t0)/1e9)}")" \
     "catch_up_s=$(awk "BEGIN{printf \"%.1f\", ($t1-$t_load)/1e9}")"
# The window above starts before wrk has read its request file (hundreds of MB) and sent anything; this
# one is wrk's own sending time plus the catch-up, so it compares with the accepted rate.
wrk_s=$(sed -E 's/.*duration_s=([0-9.]+).*/\1/' <<<"$line")
echo "traces committed_spans_per_s_over_sending_and_catch_up=$(awk "BEGIN{printf \"%d\", 5*($tr_after-$tr_before)/($wrk_s+($t1-$t_load)/1e9)}")"
echo "errors beside it: $(grep '^BENCH ' "$work/events.wrk") committed_events_per_s=$(awk "BEGIN{printf \"%d\", ($ev_after-$ev_before)/(($t1-$t0)/1e9)}")"
echo "llm queue depth over time: $(awk -F'llm_queue=' '{split($2,a," "); printf "%s ", a[1]}' "$work/run.samples")"
echo "rss over time: $(awk -F'rss_mb=' '{split($2,a," "); printf "%s ", a[1]}' "$work/run.samples")"
spans=$(( 5 * (tr_after - tr_before) )); events=$(( ev_after - ev_before )); cpu=$(cpu_s $c0 $c1)
echo "server_cpu_s=$cpu server_cores_used=$(awk "BEGIN{printf \"%.2f\", $cpu/(($t1-$t0)/1e9)}") for $spans spans and $events events:" \
     "spans_per_server_cpu_s=$(awk "BEGIN{printf \"%d\", $spans/$cpu}") (errors beside them included in the CPU)"
echo "max_rss_mb=$(awk -F'rss_mb=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END{print m+0}' "$work/run.samples")"

[ "$QUERIES" = 0 ] && exit 0

# 2. Seed up to SEED_SPANS spans, every request once (trace ingest alone: its CPU per span).
# Counted in the database: the warm-up sends its traces again and again, so commits overcount spans.
have=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from llm_spans').fetchone()[0])" "$work/bench.db")
missing=$(( (SEED_SPANS - have + SPANS_PER_REQUEST - 1) / SPANS_PER_REQUEST ))
if [ "$missing" -gt 0 ]; then
  python3 "$root/bench/gen_traces.py" "$SECRET" "$missing" "$work/seed.txt" 50 4
  s0=$(cpu_ticks); st0=$(traces_committed)
  python3 "$root/bench/llm_seed.py" "http://127.0.0.1:$PORT/v1/traces/batch" "$work/seed.txt" 4
  llm_drained
  s1=$(cpu_ticks); st1=$(traces_committed)
  echo "seed: server_cpu_s=$(cpu_s $s0 $s1) spans_per_server_cpu_s=$(awk "BEGIN{printf \"%d\", 5*($st1-$st0)/(($s1-$s0)/$hz)}") (trace ingest alone)"
fi
echo "spans_stored=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from llm_spans').fetchone()[0], 'traces=', c.execute('select count(*) from llm_traces').fetchone()[0])" "$work/bench.db")"

# 3. Query latency at that size, with both ingests running.
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes llm:read 2>/dev/null)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/events.txt" wrk -t1 -c2 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1 &
bg1=$!
BLOOP_DELAY_MS=120 BLOOP_REQUESTS="$work/background.txt" wrk -t1 -c1 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/traces/batch" >/dev/null 2>&1 &
bg2=$!
sleep 3
ev0=$(committed); tr0=$(traces_committed); q0=$(date +%s%N)
python3 "$root/bench/llm_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$REQUESTS"
ev1=$(committed); tr1=$(traces_committed); q1=$(date +%s%N)
kill $bg1 $bg2 2>/dev/null || true
wait $bg1 $bg2 2>/dev/null || true
echo "during queries: errors_committed_per_s=$(awk "BEGIN{printf \"%d\", ($ev1-$ev0)/(($q1-$q0)/1e9)}")" \
     "spans_committed_per_s=$(awk "BEGIN{printf \"%d\", 5*($tr1-$tr0)/(($q1-$q0)/1e9)}") rss_mb=$(rss)"
llm_drained; drained; sleep 2
echo "# server CPU per query, nothing else running"
python3 "$root/bench/llm_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$(( REQUESTS / 2 ))" "$java_pid"
echo "db_mb=$(du -m "$work/bench.db" | cut -f1)"
