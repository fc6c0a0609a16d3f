-- wrk script: the same non-streamed chat completion every time, and at the end the latency
-- distribution as "PCT <percentile> <microseconds>" lines (for the CDF plot) plus the count of
-- non-200 responses as "NON200 <n>" (wrk's own count mixes in 3xx).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}'

non200 = 0  -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)  -- runs in the main state, once per thread
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  io.write(string.format("NON200 %d\n", bad))
  local points = {1, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99}
  for _, p in ipairs(points) do
    io.write(string.format("PCT %g %d\n", p, latency:percentile(p)))
  end
end
