-- wrk script: cycles through pre-signed requests from the file named by the BLOOP_REQUESTS env var.
local sigs, bodies, n, i = {}, {}, 0, 0

init = function(args)
  local path = os.getenv("BLOOP_REQUESTS")
  for line in io.lines(path) do
    local tab = line:find("\t", 1, true)
    n = n + 1
    sigs[n] = line:sub(1, tab - 1)
    bodies[n] = line:sub(tab + 1)
  end
  i = math.random(n)
end

-- BLOOP_DELAY_MS paces each connection (open-loop-ish background load); unset means as fast as possible.
local pace = tonumber(os.getenv("BLOOP_DELAY_MS") or "")
if pace then
  delay = function() return pace end
end

request = function()
  i = i % n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["X-Signature"] = sigs[i]}, bodies[i])
end

-- Counts answers by status (wrk's own summary lumps every non-2xx together); per thread, summed in done.
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
s429, s5xx = 0, 0
response = function(status, headers, body)
  if status == 429 then s429 = s429 + 1 elseif status >= 500 then s5xx = s5xx + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_s=%.2f non2xx=%d errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  local t429, t5xx = 0, 0
  for _, t in ipairs(threads) do
    t429 = t429 + (t:get("s429") or 0)
    t5xx = t5xx + (t:get("s5xx") or 0)
  end
  io.write(string.format("BENCH_STATUS s429=%d s5xx=%d\n", t429, t5xx))
end
