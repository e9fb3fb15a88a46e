#!/usr/bin/env bash
# Sentry envelope ingest benchmark: starts bloop on a scratch database (127.0.0.1 only, the shipped
# config, -Xmx256m), then drives POST /api/<id>/envelope/ with wrk using small gzip envelopes (one
# error event each, as @sentry/node sends them, from bench/gen_envelopes.py) and prints: events/s
# accepted and committed, p50/p99, 429s, queue depth and RSS over the run. Run by hand; needs wrk and
# python3. The figures are in docs/performance.md.
#
#   bench/sentry.sh                      # SECS=30 CONNS=32 WARM_SECS=30 WARM_CONNS=8 by default
#   JFR=/tmp/s.jfr bench/sentry.sh       # also records a CPU profile of the measured run (bench/jfr_top.py reads it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS=${SECS:-30}
CONNS=${CONNS:-32}
PORT=${PORT:-5742}
ADMIN_PORT=${ADMIN_PORT:-5743}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-bench-sentry.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_envelopes.py" 20000 "$work/envelopes.bin"
"$root/bin/bloop" --version >/dev/null 2>&1 || true
export BLOOP__SENTRY__ENABLED=true
# The generated envelopes repeat during a run; with event-id dedupe on, a repeat would skip grouping and
# the writer. Off here, so that every request takes the whole path a new event takes.
export BLOOP__SENTRY__DEDUPE_EVENT_IDS=${DEDUPE_EVENT_IDS:-0}
start_bloop
java_pid=$(pgrep -f "bloop-service.jar server" | while read -r p; do
  if tr '\0' '\n' </proc/$p/environ 2>/dev/null | grep -qx "BLOOP__SERVER__PORT=$PORT"; then echo "$p"; fi; done | head -1)
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$java_pid/status; }
cpu_ticks() { awk '{print $14+$15}' /proc/$java_pid/stat; }
read -r key number < <(python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1]).execute(\"select sentry_key, numeric_id from projects where id='default'\").fetchone(); print(r[0], r[1])" "$work/bench.db")
export BLOOP_REQUESTS="$work/envelopes.bin" BLOOP_SENTRY_AUTH="Sentry sentry_version=7, sentry_client=bench/1.0, sentry_key=$key"
url="http://127.0.0.1:$PORT/api/$number/envelope/"
echo "idle_rss_mb=$(rss)"

# Warm the JIT, as a long-running server is: with 10 s the compiler threads still took a tenth of the
# server's CPU during the measured run.
wrk -t1 -c"${WARM_CONNS:-8}" -d"${WARM_SECS:-30}s" -s "$root/bench/envelope.lua" "$url" >/dev/null 2>&1
drained

before=$(committed)
( t=0; while sleep 1; do t=$((t+1)); printf 'sample t=%ds queue_depth=%s rss_mb=%s\n' $t \
    "$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/')" "$(rss)"; done ) >"$work/samples" &
sampler=$!
[ -n "${JFR:-}" ] && jcmd "$java_pid" JFR.start name=bench settings=profile filename="$JFR" >/dev/null
t0=$(date +%s%N)
c0=$(cpu_ticks)
python3 "$root/bench/thread_cpu.py" snap "$java_pid" >"$work/threads.before"
wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$root/bench/envelope.lua" "$url" >"$work/wrk.out" 2>&1
drained
t1=$(date +%s%N)
python3 "$root/bench/thread_cpu.py" snap "$java_pid" >"$work/threads.after"
[ -n "${JFR:-}" ] && jcmd "$java_pid" JFR.stop name=bench >/dev/null
c1=$(cpu_ticks)
kill $sampler 2>/dev/null || true
after=$(committed)
line=$(grep '^BENCH ' "$work/wrk.out")
reqs=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line"); non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$line")
echo "== envelopes: $line"
echo "accepted_events_per_s=$(( (reqs - non2xx) / SECS )) rejected=$non2xx"
echo "committed_events=$((after - before)) committed_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($t1-$t0)/1e9)}") (incl. catch-up)"
# On a shared machine the wall-clock rate depends on what else runs; CPU time per event does less.
echo "server_cpu_s=$(( (c1 - c0) / $(getconf CLK_TCK) )) events_per_server_cpu_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($c1-$c0)/$(getconf CLK_TCK))}")"
# Where it went: request threads (dw), ingest workers, the writer, GC (VM_Thread), the JIT.
python3 "$root/bench/thread_cpu.py" diff "$work/threads.before" "$work/threads.after" "$((after - before))"
echo "max_queue_depth=$(awk -F'queue_depth=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END{print m+0}' "$work/samples")" \
     "max_rss_mb=$(awk -F'rss_mb=' '{split($2,a," "); if (a[1]+0>m) m=a[1]+0} END{print m+0}' "$work/samples")"
echo "groups=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from error_groups').fetchone()[0])" "$work/bench.db")"
