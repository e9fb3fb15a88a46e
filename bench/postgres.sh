#!/usr/bin/env bash
# PostgreSQL benchmark (issue 31): events/s committed by one bloop node on SQLite, one node on
# PostgreSQL and two nodes on one PostgreSQL, all on this box, under the same batch load (wrk,
# pre-signed batches of 50); then the query API's p50/p99 on PostgreSQL once it holds SEED_EVENTS
# events (with ingest running beside it, as bench/query.sh does on SQLite). Run by hand; needs wrk,
# python3, psql and a PostgreSQL the script may create a database on:
#
#   PG_HOST=127.0.0.1 PG_PORT=5432 PG_USER=bloop PG_PASSWORD=pw bench/postgres.sh
#   SECS=30 CONNS=4 SEED_EVENTS=1000000 REQUESTS=200 bench/postgres.sh
#   PHASES="postgres1 postgres2" bench/postgres.sh      # some of: sqlite postgres1 postgres2 query
#
# The user needs CREATEDB (the script drops and creates the database bloop_bench). Everything runs on
# one machine: PostgreSQL, the nodes and wrk share its cores, so "two nodes" here shows what the
# database lets two writers do, not what two machines would.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS=${SECS:-30}
CONNS=${CONNS:-4}
SEED_EVENTS=${SEED_EVENTS:-1000000}
REQUESTS=${REQUESTS:-200}
PHASES=" ${PHASES:-sqlite postgres1 postgres2 query} "
PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-bloop}
PG_PASSWORD=${PG_PASSWORD:-pw}
PG_DB=bloop_bench
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"
require_wrk
command -v psql >/dev/null || { echo "needs psql (apt-get install -y postgresql-client)" >&2; exit 1; }

work="$(mktemp -d /tmp/bloop-pgbench.XXXXXX)"
echo "# scratch: $work"
python3 "$root/bench/gen_requests.py" "$SECRET" batch 4000 "$work/batch.txt" 10000
"$root/bin/bloop" --version >/dev/null 2>&1 || true # build once, before anything is timed

psql_on() { PGPASSWORD=$PG_PASSWORD psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -qtAc "$2"; }
psql_admin() { psql_on postgres "$1"; }
fresh_database() {
  psql_admin "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
  psql_admin "CREATE DATABASE $PG_DB" >/dev/null
}

declare -A node_pid=()
cleanup() { for p in "${node_pid[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# start_node N DB-TYPE: a node on ports 54N0/54N1 with its own files under $work/nodeN.
start_node() {
  local n=$1 type=$2 port=$((5400 + 10 * $1)) admin=$((5401 + 10 * $1))
  mkdir -p "$work/node$n"
  local -a env=(BLOOP__SERVER__HOST=127.0.0.1 BLOOP__SERVER__PORT=$port BLOOP__SERVER__ADMIN_PORT=$admin
    BLOOP__DATABASE__PATH="$work/node$n/bloop.db" BLOOP__AUTH__HMAC_SECRET="$SECRET")
  if [ "$type" = postgres ]; then
    env+=(BLOOP__DATABASE__TYPE=postgres BLOOP__DATABASE__URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB"
      BLOOP__DATABASE__USER="$PG_USER" BLOOP__DATABASE__PASSWORD="$PG_PASSWORD")
  fi
  env "${env[@]}" "$root/bin/bloop" server "$root/config.yml" >"$work/node$n/server.log" 2>&1 &
  node_pid[$n]=$! # bin/bloop execs java: this is the JVM
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    kill -0 "${node_pid[$n]}" 2>/dev/null || { tail -20 "$work/node$n/server.log"; exit 1; }
    sleep 0.1
  done
}
stop_nodes() { cleanup; node_pid=(); }
committed_on() { curl -s "http://127.0.0.1:$((5401 + 10 * $1))/prometheus" | awk '/^pipeline_events_committed_total/{print int($2)}'; }
depth_on() { curl -s "http://127.0.0.1:$((5400 + 10 * $1))/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/'; }
load() { # load SECS CONNS NODE...: wrk on each node at once; waits until every node's queue is empty
  local secs=$1 conns=$2; shift 2
  local -a loaders=()
  for n in "$@"; do
    BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c"$conns" -d"${secs}s" -s "$root/bench/signed.lua" \
      "http://127.0.0.1:$((5400 + 10 * n))/v1/ingest/batch" >"$work/wrk-$n.txt" 2>&1 &
    loaders+=($!)
  done
  wait "${loaders[@]}"
  for n in "$@"; do until [ "$(depth_on "$n")" = 0 ]; do sleep 0.2; done; done
}
# measure LABEL NODE...: warms up, then loads every node for SECS and prints committed events/s.
measure() {
  local label=$1; shift
  local per=$((CONNS / $#)); [ "$per" -ge 1 ] || per=1
  load 10 "$per" "$@" # JIT warm-up
  local before=0 after=0
  for n in "$@"; do before=$((before + $(committed_on "$n"))); done
  local t0; t0=$(date +%s%N)
  load "$SECS" "$per" "$@"
  local t1; t1=$(date +%s%N)
  for n in "$@"; do after=$((after + $(committed_on "$n"))); done
  local non2xx=0
  for n in "$@"; do non2xx=$((non2xx + $(sed -nE 's/^BENCH .*non2xx=([0-9]+).*/\1/p' "$work/wrk-$n.txt"))); done
  echo "$label: committed_events_per_s=$(awk "BEGIN{printf \"%d\", ($after-$before)/(($t1-$t0)/1e9)}") over ${SECS}s" \
       "(incl. catch-up; $per connections per node; non-2xx $non2xx)"
}

if [[ $PHASES == *" sqlite "* ]]; then
  echo "== SQLite, one node"
  start_node 1 sqlite
  measure "sqlite 1 node" 1
  stop_nodes
fi

if [[ $PHASES == *" postgres1 "* ]]; then
  echo "== PostgreSQL, one node"
  fresh_database
  start_node 1 postgres
  measure "postgres 1 node" 1
  stop_nodes
fi

if [[ $PHASES == *" postgres2 "* || $PHASES == *" query "* ]]; then
  fresh_database
  start_node 1 postgres
  start_node 2 postgres
fi
if [[ $PHASES == *" postgres2 "* ]]; then
  echo "== PostgreSQL, two nodes"
  measure "postgres 2 nodes" 1 2
fi
[[ $PHASES == *" query "* ]] || exit 0

echo "== PostgreSQL, query p50/p99 at $SEED_EVENTS events"
t0=$(date +%s)
while [ $(( $(committed_on 1) + $(committed_on 2) )) -lt "$SEED_EVENTS" ]; do
  load 10 2 1 2
done
echo "seeded_events=$(psql_on $PG_DB "SELECT count(*) FROM raw_events") groups=$(psql_on $PG_DB "SELECT count(*) FROM error_groups") in $(( $(date +%s) - t0 ))s"
TOKEN=$(BLOOP__DATABASE__TYPE=postgres BLOOP__DATABASE__URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$PG_DB" \
  BLOOP__DATABASE__USER="$PG_USER" BLOOP__DATABASE__PASSWORD="$PG_PASSWORD" BLOOP__DATABASE__PATH="$work/cli/bloop.db" \
  "$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes errors:read 2>/dev/null)
psql_on $PG_DB "ANALYZE" >/dev/null 2>&1 # the tables bloop owns; others are skipped
# Background ingest on node 2 (about 2,000 events/s), queries on node 1.
BLOOP_DELAY_MS=48 BLOOP_REQUESTS="$work/batch.txt" wrk -t1 -c2 -d600s -s "$root/bench/signed.lua" \
  "http://127.0.0.1:5420/v1/ingest/batch" >"$work/background.wrk" 2>&1 &
bg=$!
sleep 3
python3 "$root/bench/query_latency.py" "http://127.0.0.1:5410" "$TOKEN" "$REQUESTS"
kill $bg 2>/dev/null || true
echo "database_size_mb=$(psql_on $PG_DB "SELECT pg_database_size('$PG_DB') / 1048576")"
for n in 1 2; do
  echo "node $n rss_mb=$(awk '/VmRSS/{print int($2/1024)}' "/proc/${node_pid[$n]}/status")"
done
