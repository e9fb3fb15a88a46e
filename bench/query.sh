#!/usr/bin/env bash
# Query benchmark: seeds a scratch bloop with ~1,000,000 events over 10,000 groups and 20 releases
# (through real signed ingest), then measures p50/p99 of the query API while ingest keeps running at
# about 2,000 events/s. Run by hand; needs wrk (apt-get install wrk) and python3.
#
#   bench/query.sh                     # SEED_EVENTS=1000000 REQUESTS=300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEED_EVENTS=${SEED_EVENTS:-1000000}
REQUESTS=${REQUESTS:-300}
PORT=${PORT:-5394}
ADMIN_PORT=${ADMIN_PORT:-5395}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-qbench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 4000 "$work/batch.txt" 10000

start_bloop
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes errors:read 2>/dev/null)

t0=$(date +%s)
while [ "$(committed)" -lt "$SEED_EVENTS" ]; do
  BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c4 -d10s -s "$root/bench/signed.lua" \
    "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1
done
drained
seeded=$(committed)
echo "seeded_events=$seeded in $(( $(date +%s) - t0 ))s; groups=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('select count(*) from error_groups').fetchone()[0], 'releases=', c.execute('select count(distinct release) from group_counts').fetchone()[0])" "$work/bench.db")"

# Background ingest: 2 connections, each pacing 50 ms between batches of 50 -> about 2,000 events/s.
before=$(committed); tb=$(date +%s%N)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c2 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >"$work/background.wrk" 2>&1 &
bg=$!
sleep 3
python3 "$root/bench/query_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$REQUESTS"
after=$(committed); ta=$(date +%s%N)
kill $bg 2>/dev/null || true
echo "background_ingest_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($ta-$tb)/1e9)}")"
echo "rss_mb=$(awk '/VmRSS/{print int($2/1024)}' /proc/$(pgrep -f "bloop-service.jar server" | head -1)/status) db_mb=$(du -m "$work/bench.db" | cut -f1)"
