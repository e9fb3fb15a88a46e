#!/usr/bin/env bash
# Chaos on one box (127.0.0.1 only, the shipped config through bin/bloop): slow-body and slow-header
# floods, SIGKILL under load in both ack modes, a full disk, a read-only start. Prints figures; run by
# hand, as root for the disk tests (they mount a small tmpfs). Needs python3; each part can be run
# alone: bench/chaos.sh slow-body|slow-header|sigkill|disk-full|read-only
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
SECRET="chaos-secret-0123456789abcdef"
source "$root/bench/lib.sh"
work="$(mktemp -d /tmp/bloop-chaos.XXXXXX)"
echo "# scratch: $work"
"$root/bin/bloop" --version >/dev/null 2>&1 || true

rss_watch() { # samples the server's RSS (MB) and threads into $work/rss until the server exits
  local jp=$pid # bin/bloop execs java: the launcher's pid is the JVM's
  while kill -0 "$jp" 2>/dev/null; do
    awk '/VmRSS/{printf "%d ", $2/1024}' /proc/"$jp"/status 2>/dev/null || true
    ls /proc/"$jp"/task 2>/dev/null | wc -l
    sleep 1
  done >"$work/rss"
}

stored_ids() { # request ids in the database
  python3 - "$1" <<'PY'
import sqlite3, sys
for (rid,) in sqlite3.connect(sys.argv[1]).execute("select request_id from raw_events where request_id is not null"):
    print(rid)
PY
}

lost() { # acked-file db -> number of acknowledged ids missing from the database
  comm -23 <(sort -u "$1") <(stored_ids "$2" | sort -u) | wc -l
}

flood_pattern() { # name: slow-body | slow-header
  local mode=$1 n=$2
  rm -f "$work"/bench.db*
  start_bloop
  rss_watch & local watcher=$!
  python3 "$root/bench/chaos.py" "$mode" "$PORT" "$SECRET" "$n" 30
  echo "$mode max_rss_mb,threads: $(sort -n "$work/rss" | tail -1)"
  curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | grep -E '^http_connections' || true
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT
  wait $watcher 2>/dev/null || true
}

sigkill() { # mode: queued | committed
  local mode=$1
  rm -f "$work"/bench.db*
  export BLOOP__INGEST__ACK=$mode
  start_bloop
  python3 "$root/bench/chaos.py" flood "$PORT" "$SECRET" 12 32 "$work/acked-$mode" &
  local flooder=$!
  sleep 8
  kill -KILL "$pid"
  wait $flooder || true
  wait "$pid" 2>/dev/null || true; trap - EXIT
  echo "sigkill ack=$mode acknowledged=$(wc -l <"$work/acked-$mode") lost_after_kill=$(lost "$work/acked-$mode" "$work/bench.db")"
  unset BLOOP__INGEST__ACK
}

disk_full() {
  local mnt="$work/small"
  mkdir -p "$mnt"
  mount -t tmpfs -o size=48m tmpfs "$mnt"
  local saved_work=$work
  export BLOOP__PIPELINE__SPILL_RESERVE=8MiB
  work=$mnt
  start_bloop
  # Fill the disk beside the database (its spill reserve is already taken) up to the last 2 MB.
  local avail; avail=$(df --output=avail -k "$mnt" | tail -1)
  dd if=/dev/zero of="$mnt/filler" bs=1K count=$((avail - 2048)) status=none || true
  python3 "$root/bench/chaos.py" flood "$PORT" "$SECRET" 20 16 "$saved_work/acked-full" &
  local flooder=$!
  local seen503=0
  for _ in $(seq 1 40); do
    h=$(curl -s "http://127.0.0.1:$PORT/health")
    if grep -q '"writes_ok":false' <<<"$h"; then seen503=1; echo "health while full: $h"; break; fi
    sleep 1
  done
  sleep 3
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT
  wait $flooder || true
  echo "disk-full degraded_seen=$seen503 acknowledged=$(wc -l <"$saved_work/acked-full")"
  grep -E "spill|LOST|Writes to the database" "$mnt/server.log" | sed 's/^/  log: /' | head -5 || true
  mount -o remount,size=256m "$mnt"
  start_bloop
  sleep 3
  drained
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT
  echo "disk-full after restart with space: lost=$(lost "$saved_work/acked-full" "$mnt/bench.db")"
  grep -E "spill journal" "$mnt/server.log" | sed 's/^/  log: /' | head -3 || true
  work=$saved_work
  unset BLOOP__PIPELINE__SPILL_RESERVE
  umount "$mnt"
}

read_only() {
  local mnt="$work/ro"
  mkdir -p "$mnt"
  mount -t tmpfs -o size=32m tmpfs "$mnt"
  local saved_work=$work
  work=$mnt
  start_bloop
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; trap - EXIT
  mount -o remount,ro "$mnt"
  BLOOP__SERVER__HOST=127.0.0.1 BLOOP__SERVER__PORT=$PORT BLOOP__SERVER__ADMIN_PORT=$ADMIN_PORT \
    BLOOP__DATABASE__PATH="$mnt/bench.db" BLOOP__AUTH__HMAC_SECRET="$SECRET" \
    "$root/bin/bloop" server "$root/config.yml" >"$saved_work/ro.log" 2>&1 && echo "read-only: started?!" || \
    echo "read-only start refused: $(grep -m1 -o 'Cannot write the database.*' "$saved_work/ro.log" | cut -c1-240)"
  work=$saved_work
  umount "$mnt"
}

parts=${1:-"slow-body slow-header sigkill disk-full read-only"}
for part in $parts; do
  case $part in
    slow-body) flood_pattern slow-body 1500 ;;
    slow-header) flood_pattern slow-header 20000 ;;
    sigkill) sigkill queued; sigkill committed ;;
    disk-full) disk_full ;;
    read-only) read_only ;;
  esac
done
