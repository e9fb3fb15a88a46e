# Shared by the bench scripts (source it): a scratch bloop on loopback and a few probes.
# The caller sets root, PORT, ADMIN_PORT, SECRET and work, and may export more BLOOP__ variables first.

require_wrk() {
  command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 1; }
}

# Starts bloop from bin/bloop on $work/bench.db, stops it when the script exits; sets $pid.
start_bloop() {
  export BLOOP__SERVER__HOST=127.0.0.1 BLOOP__SERVER__PORT=$PORT BLOOP__SERVER__ADMIN_PORT=$ADMIN_PORT \
    BLOOP__DATABASE__PATH="$work/bench.db" BLOOP__AUTH__HMAC_SECRET="$SECRET"
  ${BLOOP_CPUS:+taskset -c "$BLOOP_CPUS"} "$root/bin/bloop" server "$root/config.yml" >"$work/server.log" 2>&1 &
  pid=$!
  trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
    kill -0 $pid 2>/dev/null || { tail -20 "$work/server.log"; exit 1; }
    sleep 0.1
  done
}

# Events the writer has committed so far.
committed() {
  curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | awk '/^pipeline_events_committed_total/{print int($2)}'
}

# Waits until the ingest queue is empty.
drained() {
  until [ "$(curl -s "http://127.0.0.1:$PORT/health" | sed -E 's/.*"queue_depth":([0-9]+).*/\1/')" = 0 ]; do sleep 0.2; done
}
