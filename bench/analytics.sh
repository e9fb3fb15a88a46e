#!/usr/bin/env bash
# Analytics benchmark: a scratch bloop whose database holds ~1,000,000 events over 10,000 issues and
# 30 days of hourly counts (written by gen_analytics.py, as the writer would have), with analytics on
# (the shipped config). Measures the first load of DuckDB's copy, idle RSS, cold and cached latency of
# every analytics endpoint idle and while ingest runs at about 2,000 events/s, the refresh's duration
# meanwhile, and the RSS peak. Run by hand; needs wrk (apt-get install wrk) and python3.
#
#   bench/analytics.sh                 # EVENTS=1000000 ISSUES=10000 DAYS=30 REQUESTS=200
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS=${EVENTS:-1000000}
ISSUES=${ISSUES:-10000}
DAYS=${DAYS:-30}
REQUESTS=${REQUESTS:-200}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-abench.XXXXXX)"
echo "# scratch: $work"
export BLOOP__DATABASE__PATH="$work/bench.db" BLOOP__AUTH__HMAC_SECRET="$SECRET"
"$root/bin/bloop" migrate "$root/config.yml" >/dev/null 2>&1
python3 "$root/bench/gen_analytics.py" "$work/bench.db" "$EVENTS" "$ISSUES" "$DAYS"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 4000 "$work/batch.txt" 10000
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes errors:read 2>/dev/null)

rss() { awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status; }
# The same server and database with analytics off, for comparison.
BLOOP__ANALYTICS__ENABLED=false start_bloop
sleep 20
echo "idle_rss_mb_analytics_off=$(rss)"
kill -TERM $pid; wait $pid 2>/dev/null || true

t0=$(date +%s%N)
start_bloop
echo "startup_to_health_ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/v1/analytics/environments")" = 200 ]; do sleep 0.2; done
echo "startup_to_first_analytics_answer_ms=$(( ($(date +%s%N) - t0) / 1000000 ))"
grep -h "Analytics:" "$work/server.log" | sed 's/^/# /'
sleep 20
echo "idle_rss_mb=$(rss) (analytics loaded, no traffic)"

peak=0
( while kill -0 $pid 2>/dev/null; do awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status; sleep 0.5; done ) >"$work/rss.log" 2>/dev/null &
sampler=$!

python3 "$root/bench/analytics_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$REQUESTS" idle

# Background ingest: 2 connections, each pacing 48 ms between batches of 50 -> about 2,000 events/s.
metrics() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | python3 -c 'import json,sys; t=json.load(sys.stdin)["timers"]["analytics.refresh"]; print("refreshes=%d refresh_p50_ms=%.0f refresh_p99_ms=%.0f refresh_max_ms=%.0f" % (t["count"], t["p50"], t["p99"], t["max"]))'; }
echo "before_ingest $(metrics)"
before=$(committed); tb=$(date +%s%N)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c2 -d900s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >"$work/background.wrk" 2>&1 &
bg=$!
sleep 65   # two refreshes with new events in them
python3 "$root/bench/analytics_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$REQUESTS" ingest
after=$(committed); ta=$(date +%s%N)
echo "under_ingest $(metrics)"
kill $bg 2>/dev/null || true; wait $bg 2>/dev/null || true
grep BENCH "$work/background.wrk" | sed 's/^/background_ingest /' || true
echo "background_ingest_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($ta-$tb)/1e9)}")"
kill $sampler 2>/dev/null || true
echo "rss_peak_mb=$(sort -n "$work/rss.log" | tail -1) rss_now_mb=$(rss) db_mb=$(du -m "$work/bench.db" | cut -f1)"
