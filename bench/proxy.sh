#!/usr/bin/env bash
# LLM proxy overhead: a stand-in provider (the tests' StandInProvider, run as a single-file Java program
# on loopback) answers OpenAI Chat calls; the same load goes straight to it and through bloop's proxy
# (the shipped config, -Xmx256m, LLM tracing on, a scratch database), and the script prints time to the
# first body byte and to the last byte, p50/p99, for both, and what bloop adds:
#   0. a warm-up long enough for the JIT to settle (WARM calls, 20,000: with fewer, compiler threads
#      still took half the server's CPU in the first measured phase);
#   then each load shape below is run both ways unmeasured first (LEAD, 50 % of its calls: see compare());
#   1. one call at a time: non-streaming, and streams of CHUNKS (500) SSE chunks;
#   2. CONC (50) at a time, paced like real models: non-streaming answers after THINK_MS (200 ms),
#      streams of CHUNKS chunks EVERY_MS (5 ms) apart; the added time is what bloop costs a caller;
#   3. CONC at a time with a provider that answers at once, back to back: the most calls/s the box
#      takes (the generator, the stand-in and bloop share its cores), with the server's CPU per call;
#   4. 200 streams open at once (each 200 chunks 50 ms apart, 10 s): bloop's RSS and threads at the peak.
# Run by hand; needs python3 and a JDK (java).
#
#   bench/proxy.sh                          # CONC=50 REQUESTS=5000 STREAMS=1000 CHUNKS=500 OPEN=200
#   BLOOP_CPUS=1 LOAD_CPUS=0 bench/proxy.sh # bloop on one core of its own, the generator and stand-in on the other
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONC=${CONC:-50}
REQUESTS=${REQUESTS:-5000}
STREAMS=${STREAMS:-1000}
CHUNKS=${CHUNKS:-500}
OPEN=${OPEN:-200}
WARM=${WARM:-20000}
LEAD=${LEAD:-50}
THINK_MS=${THINK_MS:-200}
EVERY_MS=${EVERY_MS:-5}
PACED_CALLS=${PACED_CALLS:-2500}
PACED_STREAMS=${PACED_STREAMS:-500}
PORT=${PORT:-5396}
ADMIN_PORT=${ADMIN_PORT:-5397}
PROVIDER_PORT=${PROVIDER_PORT:-5398}
SECRET="bench-secret-0123456789abcdef"
source "$root/bench/lib.sh"

work="$(mktemp -d /tmp/bloop-proxybench.XXXXXX)"
echo "# scratch: $work"
pin_load=${LOAD_CPUS:+taskset -c $LOAD_CPUS}
$pin_load java -Dsun.net.httpserver.nodelay=true "$root/bloop-service/src/test/java/dev/bloop/service/llm/proxy/StandInProvider.java" "$PROVIDER_PORT" \
  "$root/bloop-service/src/test/resources/llm-proxy" >"$work/provider.log" 2>&1 &
provider=$!
until grep -q "stand-in provider on" "$work/provider.log" 2>/dev/null; do
  kill -0 $provider 2>/dev/null || { cat "$work/provider.log"; exit 1; }
  sleep 0.2
done
export BLOOP__LLM_TRACING__ENABLED=true
export BLOOP__LLM_TRACING__PROXY__OPENAI_BASE_URL="http://127.0.0.1:$PROVIDER_PORT/v1"
start_bloop
trap 'kill -TERM $pid $provider 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
TOKEN=$("$root/bin/bloop" create-token "$root/config.yml" --name bench --scopes llm:write 2>/dev/null)
load() { $pin_load python3 "$root/bench/proxy_load.py" 127.0.0.1 "$@"; }
rss() { awk '/VmRSS/{printf "%d", $2/1024}' "/proc/$pid/status"; }
# The server's CPU time (utime + stime) in clock ticks: on a shared box this, not the wall clock, is bloop's cost.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
tick_ms=$(( 1000 / $(getconf CLK_TCK) ))
# Runs one load through bloop and prints the server's CPU milliseconds per call beside it.
through_bloop() {
  local calls=$3 c0; c0=$(cpu_ticks)
  echo -n "bloop:  "; load "$PORT" $proxy_path "$TOKEN" "$@"
  echo "server_cpu_ms_per_call=$(awk "BEGIN{printf \"%.3f\", ($(cpu_ticks)-$c0)*$tick_ms/$calls}")"
}
# One load shape, straight to the stand-in and through bloop. A lead-in of LEAD percent of its calls goes
# both ways first, unmeasured: when the shape of the traffic changes (one call at a time after 50, paced
# after back to back), the JIT recompiles for a few seconds what the previous shape's profile had made
# specific (80 compilations and 60 deoptimizations in a 4 s phase of single calls, half the server's CPU),
# which is the phase change, not what a call costs in steady traffic. LEAD=0 measures it as it comes.
compare() {
  local lead=$(( $3 * LEAD / 100 ))
  if [ "$lead" -gt 0 ]; then
    load "$PORT" $proxy_path "$TOKEN" "$1" "$2" "$lead" ${4:-} >/dev/null
    load "$PROVIDER_PORT" $direct_path - "$1" "$2" "$lead" ${4:-} >/dev/null
  fi
  echo -n "direct: "; load "$PROVIDER_PORT" $direct_path - "$@"
  through_bloop "$@"
}
direct_path=/v1/chat/completions
proxy_path=/v1/proxy/openai/chat/completions

echo "# warm-up"
load "$PORT" $proxy_path "$TOKEN" json 4 "$WARM" >/dev/null
load "$PORT" $proxy_path "$TOKEN" stream 4 $((WARM / 20)) "$CHUNKS" >/dev/null
load "$PROVIDER_PORT" $direct_path - json 4 "$WARM" >/dev/null
echo "rss_after_warmup_mb=$(rss)"

echo "## non-streaming, one at a time, 1000 calls (what bloop adds to a call when the box is not saturated)"
compare json 1 1000
echo "## streams of $CHUNKS chunks, one at a time, 200 streams"
compare stream 1 200 "$CHUNKS"
echo "## non-streaming, $CONC concurrent, the provider answering after $THINK_MS ms, $PACED_CALLS calls"
STAND_IN=think-${THINK_MS}ms compare json "$CONC" "$PACED_CALLS"
echo "## streams of $CHUNKS chunks $EVERY_MS ms apart, $CONC concurrent, $PACED_STREAMS streams"
STAND_IN=chunks-$CHUNKS-every-${EVERY_MS}ms compare stream "$CONC" "$PACED_STREAMS"
echo "## capacity: non-streaming, $CONC concurrent, answered at once, $REQUESTS calls"
compare json "$CONC" "$REQUESTS"
echo "## capacity: streams of $CHUNKS chunks sent at once, $CONC concurrent, $STREAMS streams"
compare stream "$CONC" "$STREAMS" "$CHUNKS"
echo "rss_after_streams_mb=$(rss)"

echo "## $OPEN streams open at once (10 s each)"
peak=0
python3 - "$PORT" "$TOKEN" "$OPEN" <<'PY' &
import http.client, sys, threading
port, token, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
body = b'{"model":"gpt-4o","user":"bench","stream":true,"messages":[{"role":"user","content":"hi"}]}'
def one():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("POST", "/v1/proxy/openai/chat/completions", body=body, headers={"X-Bloop-Token": token,
              "Authorization": "Bearer sk-bench", "X-Stand-In": "slow", "Content-Type": "application/json"})
    r = c.getresponse(); r.read()
ts = [threading.Thread(target=one) for _ in range(n)]
[t.start() for t in ts]; [t.join() for t in ts]
PY
open_streams=$!
while kill -0 $open_streams 2>/dev/null; do
  now=$(rss); [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.5
done
echo "rss_peak_with_${OPEN}_open_streams_mb=$peak"
threads=$(ls "/proc/$pid/task" | wc -l)
echo "server_threads_after=$threads"
sleep 3
echo "traces_committed=$(curl -s "http://127.0.0.1:$ADMIN_PORT/prometheus" | awk '/^llm_pipeline_traces_committed_total/{print int($2)}')"
