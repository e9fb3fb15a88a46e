#!/usr/bin/env bash
# Event-to-alert latency per rule type: bloop on a scratch database with the shipped config
# (flush_interval 1s), background ingest at about 2,000 events/s (wrk, paced), one rule per type
# (new_issue, threshold, spike) with a webhook to a local receiver, and COUNT crossings of each, sent
# one at a time. Prints p50/p99/max of (notification received - crossing event acknowledged) per
# type. Run by hand; needs wrk (apt-get install wrk) and python3. TYPES=threshold,spike to choose.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT=${COUNT:-100}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-abench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 2000 "$work/batch.txt"
# The receiver listens on loopback, which alerting refuses by default.
export BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS=true
start_bloop
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes alerts:read,alerts:write 2>/dev/null)

before=$(committed); tb=$(date +%s%N)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c2 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1 &
bg=$!
sleep 3
python3 "$root/bench/alert_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$SECRET" "$COUNT" "${TYPES:-new_issue,threshold,spike}"
after=$(committed); ta=$(date +%s%N)
kill $bg 2>/dev/null || true
echo "background_ingest_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($ta-$tb)/1e9)}")"
