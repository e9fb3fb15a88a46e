#!/usr/bin/env bash
# Where the CPU of an ingested event goes, in CPU-microseconds per committed event, by thread group of
# the server (Jetty request threads, ingest workers, the writer, GC, JIT, the rest; user and kernel
# time), and what the load generator beside it costs per request. CPU time, unlike wall-clock
# throughput, is barely distorted by other work on the box, so this explains a throughput ceiling:
#   ceiling events/s = cores × 1e6 / (server µs per event + wrk µs per request / events per request)
# A fresh server per scenario, warmed up first (WARM_SECS), then measured over MEASURE_SECS at a load
# it keeps up with (1 wrk thread, a few connections, paced where needed), so that no request is
# refused (the 429s are printed: they must be 0, or the cost of refusals is spread over the committed
# events). Run by hand; needs wrk and python3.
#
#   bench/cpu_budget.sh                          # simple events at 1,000 and 10,000 issues, and batches
#   SCENARIOS="simple:10000:16:2" bench/cpu_budget.sh   # kind:distinct_issues:connections:pace_ms
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WARM_SECS=${WARM_SECS:-30}
MEASURE_SECS=${MEASURE_SECS:-20}
PORT=${PORT:-5398}
ADMIN_PORT=${ADMIN_PORT:-5399}
SECRET="bench-secret-0123456789abcdef"
SCENARIOS=${SCENARIOS:-"simple:1000:16:2 simple:10000:16:2 simple-batch:10000:2:20"}
CORES=$(nproc)
source "$root/bench/lib.sh"
require_wrk

work="$(mktemp -d /tmp/bloop-cpu.XXXXXX)"
echo "# scratch: $work  cores: $CORES"
"$root/bin/bloop" --version >/dev/null 2>&1 || true

# Per thread group of a process: "group user_ticks sys_ticks" lines, from /proc/PID/task/*/stat.
threads_cpu() {
  python3 - "$1" <<'PY'
import os, re, sys
pid = sys.argv[1]
groups = {}
def group(name):
    if name == "bloop-writer": return "writer"
    if name.startswith("bloop-ingest"): return "ingest_workers"
    if name.startswith(("dw-", "qtp")): return "jetty"
    # The shipped flags use the serial collector, which collects in the VM thread.
    if "GC" in name or name.startswith("G1") or name == "VM Thread": return "gc"
    if "Compiler" in name or name.startswith(("C1 ", "C2 ")): return "jit"
    return "other"
for tid in os.listdir("/proc/%s/task" % pid):
    try:
        raw = open("/proc/%s/task/%s/stat" % (pid, tid)).read()
    except OSError:
        continue
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    u, s = int(fields[11]), int(fields[12])
    g = groups.setdefault(group(name), [0, 0])
    g[0] += u; g[1] += s
# Threads that ended since the last look still count in the process total.
raw = open("/proc/%s/stat" % pid).read()
fields = raw[raw.rindex(")") + 2:].split()
groups["process"] = [int(fields[11]), int(fields[12])]
for k, (u, s) in sorted(groups.items()):
    print(k, u, s)
PY
}

report() { # before after events requests wrk_user_s wrk_sys_s
  python3 - "$1" "$2" "$3" "$4" "$5" "$6" "$CORES" <<'PY'
import os, sys
tick = 1e6 / os.sysconf("SC_CLK_TCK")
def load(path):
    return {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in open(path)}
before, after = load(sys.argv[1]), load(sys.argv[2])
events, requests = int(sys.argv[3]), int(sys.argv[4])
wrk_us = (float(sys.argv[5]) + float(sys.argv[6])) * 1e6
cores = int(sys.argv[7])
parts = []
for k in sorted(after):
    if k == "process":
        continue
    u = (after[k][0] - before.get(k, (0, 0))[0]) * tick / events
    s = (after[k][1] - before.get(k, (0, 0))[1]) * tick / events
    parts.append("%s=%.1f+%.1f" % (k, u, s))
pu = (after["process"][0] - before["process"][0]) * tick / events
ps = (after["process"][1] - before["process"][1]) * tick / events
per_event_wrk = wrk_us / events
print("  server_us_per_event=%.1f (user %.1f, kernel %.1f)  by thread group (user+kernel): %s"
      % (pu + ps, pu, ps, " ".join(parts)))
print("  wrk_us_per_event=%.1f (%.1f per request)" % (per_event_wrk, wrk_us / max(requests, 1)))
print("  ceiling_events_per_s_on_%d_cores: server alone %.0f, server + wrk beside it %.0f"
      % (cores, cores * 1e6 / (pu + ps), cores * 1e6 / (pu + ps + per_event_wrk)))
PY
}

for scenario in $SCENARIOS; do
  IFS=: read -r kind issues conns pace <<<"$scenario"
  path=/v1/ingest; per=1
  if [[ $kind == *batch ]]; then path=/v1/ingest/batch; per=50; fi
  reqfile="$work/$kind-$issues.txt"
  python3 "$root/bench/gen_requests.py" "$SECRET" "$kind" $((per == 1 ? 40000 : 2000)) "$reqfile" "$issues"
  rm -f "$work"/bench.db*
  start_bloop
  BLOOP_REQUESTS="$reqfile" wrk -t1 -c16 -d"${WARM_SECS}s" -s "$root/bench/signed.lua" \
    "http://127.0.0.1:$PORT$path" >/dev/null 2>&1
  drained
  threads_cpu "$pid" >"$work/before"
  c0=$(committed); t0=$(date +%s%N)
  TIMEFORMAT="%U %S"
  { time BLOOP_DELAY_MS="$pace" BLOOP_REQUESTS="$reqfile" wrk -t1 -c"$conns" -d"${MEASURE_SECS}s" -s "$root/bench/signed.lua" \
      "http://127.0.0.1:$PORT$path" >"$work/wrk.out" 2>&1 ; } 2>"$work/wrk.time"
  drained
  c1=$(committed); t1=$(date +%s%N)
  threads_cpu "$pid" >"$work/after"
  requests=$(awk '/requests in/{print $1}' "$work/wrk.out")
  read -r wu ws <"$work/wrk.time"
  events=$((c1 - c0))
  echo "scenario=$kind issues=$issues conns=$conns pace_ms=$pace $(grep '^BENCH_STATUS' "$work/wrk.out" | cut -d' ' -f2-) events=$events events_per_s=$(awk "BEGIN{printf \"%d\", $events/(($t1-$t0)/1e9)}") requests=$requests"
  report "$work/before" "$work/after" "$events" "$requests" "$wu" "$ws"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  trap - EXIT
done
