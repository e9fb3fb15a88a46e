-- wrk script: cycles through gzip Sentry envelopes from the file named by BLOOP_REQUESTS
-- (records "<length>\n<bytes>"), authenticated with X-Sentry-Auth from BLOOP_SENTRY_AUTH.
local bodies, n, i = {}, 0, 0
local auth = os.getenv("BLOOP_SENTRY_AUTH")

init = function(args)
  local f = assert(io.open(os.getenv("BLOOP_REQUESTS"), "rb"))
  local data = f:read("*a")
  f:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    local len = tonumber(data:sub(pos, nl - 1))
    n = n + 1
    bodies[n] = data:sub(nl + 1, nl + len)
    pos = nl + 1 + len
  end
  i = math.random(n)
end

request = function()
  i = i % n + 1
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-sentry-envelope", ["Content-Encoding"] = "gzip",
    ["X-Sentry-Auth"] = auth}, bodies[i])
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_s=%.2f non2xx=%d errors=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
