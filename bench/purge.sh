#!/usr/bin/env bash
# Retention benchmark: seeds a scratch bloop with ~1,000,000 events through real signed ingest, prints
# the disk used per million events, then purges them all (bin/bloop purge --older-than-days 0, a second
# process, exactly as an operator runs it) while single-event ingest keeps running, and compares the
# ingest latency during the purge with the latency just before it. Run by hand; needs wrk and python3.
#
#   bench/purge.sh                     # SEED_EVENTS=1000000 RATE_DELAY_MS=4
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SEED_EVENTS=${SEED_EVENTS:-1000000}
RATE_DELAY_MS=${RATE_DELAY_MS:-4}
PORT=${PORT:-5398}
ADMIN_PORT=${ADMIN_PORT:-5399}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-pbench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 4000 "$work/batch.txt" 10000
python3 "$root/bench/gen_requests.py" "$SECRET" single 20000 "$work/single.txt" 10000

export BLOOP__RETENTION__ENABLED=false
start_bloop
db_bytes() { python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('pragma page_count').fetchone()[0]*c.execute('pragma page_size').fetchone()[0])" "$work/bench.db"; }

t0=$(date +%s)
while [ "$(committed)" -lt "$SEED_EVENTS" ]; do
  BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c4 -d10s -s "$root/bench/signed.lua" \
    "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1
done
drained
sleep 2
seeded=$(committed)
bytes=$(db_bytes)
echo "seeded_events=$seeded in $(( $(date +%s) - t0 ))s"
echo "db_bytes=$bytes bytes_per_event=$(( bytes / seeded )) mb_per_million_events=$(awk "BEGIN{printf \"%.0f\", $bytes/$seeded*1e6/1048576}")"

latency() { # $1 = seconds; prints wrk's latency distribution line for p50/p99 and the request rate
  BLOOP_DELAY_MS=$RATE_DELAY_MS BLOOP_REQUESTS="$work/single.txt" wrk -t2 -c4 -d"$1"s --latency \
    -s "$root/bench/signed.lua" "http://127.0.0.1:$PORT/v1/ingest" > "$work/wrk.$2" 2>&1
  awk -v tag="$2" '/^ +50%/{p50=$2} /^ +99%/{p99=$2} /Requests\/sec/{rps=$2} /Non-2xx/{bad=$4}
    END{printf "%s: ingest_p50=%s ingest_p99=%s requests_per_s=%s non_2xx=%s\n", tag, p50, p99, rps, (bad==""?0:bad)}' "$work/wrk.$2"
}

latency 20 baseline
before=$(committed)
latency 600 during_purge &
wrkpid=$!
sleep 2
tp=$(date +%s%N)
"$root/bin/bloop" purge "$root/config.yml" --older-than-days 0 2>/dev/null | tail -3
purge_ms=$(( ($(date +%s%N) - tp) / 1000000 ))
pkill -INT -f "wrk -t2 -c4 -d600s" || true
wait $wrkpid || true
drained
echo "purge_ms=$purge_ms db_bytes_after=$(db_bytes) file_bytes_after=$(stat -c %s "$work/bench.db")"
echo "events_committed_during_run=$(( $(committed) - before )) raw_events_left=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from raw_events').fetchone()[0])" "$work/bench.db")"
echo "rss_mb=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status)"
