#!/usr/bin/env bash
# Event-to-alert latency: bloop on a scratch database with the shipped config (flush_interval 1s),
# background ingest at about 2,000 events/s (wrk, paced), a new_issue rule with a webhook to a local
# receiver, and 100 new groups sent one at a time. Prints p50/p99 of (notification received - event
# acknowledged). Run by hand; needs wrk (apt-get install wrk) and python3.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT=${COUNT:-100}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="bench-secret-0123456789abcdef"
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d /tmp/bloop-abench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 2000 "$work/batch.txt"
# The receiver listens on loopback, which alerting refuses by default.
export BLOOP__SERVER__HOST=127.0.0.1 BLOOP__SERVER__PORT=$PORT BLOOP__SERVER__ADMIN_PORT=$ADMIN_PORT \
  BLOOP__DATABASE__PATH="$work/bench.db" BLOOP__AUTH__HMAC_SECRET="$SECRET" BLOOP__ALERTING__ALLOW_PRIVATE_TARGETS=true
"$root/bin/bloop" server "$root/config.yml" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
  kill -0 $pid 2>/dev/null || { tail -20 "$work/server.log"; exit 1; }
  sleep 0.1
done
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes alerts:read,alerts:write 2>/dev/null)
committed() { curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | awk '/^pipeline_events_committed_total/{print int($2)}'; }

before=$(committed); tb=$(date +%s%N)
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c2 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:$PORT/v1/ingest/batch" >/dev/null 2>&1 &
bg=$!
sleep 3
python3 "$root/bench/alert_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$SECRET" "$COUNT"
after=$(committed); ta=$(date +%s%N)
kill $bg 2>/dev/null || true
echo "background_ingest_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($ta-$tb)/1e9)}")"
