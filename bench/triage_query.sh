#!/usr/bin/env bash
# Triage query bench: the issue stream with sparklines (24 h / 14 d) and users affected, on a database
# seeded directly (bench/seed_triage.py: 1,000,000 events over 10,000 issues across 14 days, the
# aggregates the writer keeps) so that only the query path is measured. Prints p50/p99 per endpoint
# (bench/query_latency.py, sequential keep-alive requests) and the server's RSS. Run by hand:
#   bench/triage_query.sh              # EVENTS=1000000 ISSUES=10000 REQUESTS=300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EVENTS=${EVENTS:-1000000}
ISSUES=${ISSUES:-10000}
REQUESTS=${REQUESTS:-300}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"

if [ -n "${REUSE:-}" ]; then   # REUSE=<scratch dir of an earlier run>: measure its database again
  work="$REUSE"
else
  work="$(mktemp -d /tmp/bloop-tbench.XXXXXX)"
  BLOOP__DATABASE__PATH="$work/bench.db" "$root/bin/bloop" migrate "$root/config.yml" >/dev/null 2>&1
  t0=$(date +%s)
  python3 "$root/bench/seed_triage.py" "$work/bench.db" "$EVENTS" "$ISSUES"
  echo "seed_s=$(( $(date +%s) - t0 ))"
fi
echo "# scratch: $work"
start_bloop
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes errors:read 2>/dev/null)
BLOOP_ENDPOINTS=triage python3 "$root/bench/query_latency.py" "http://127.0.0.1:$PORT" "$TOKEN" "$REQUESTS"
echo "rss_mb=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status) db_mb=$(du -m "$work/bench.db" | cut -f1)"
echo "load_average=$(cut -d' ' -f1-3 /proc/loadavg)"
