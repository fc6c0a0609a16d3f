-- wrk script that checks every response, so a run that measured errors cannot pass for a result.
-- Configured from the environment (wrk passes no arguments to `response`):
--   WRK_METHOD        GET or POST (default POST)
--   WRK_BODY          the request body (default: the benchmarks' chat completion, not streamed)
--   WRK_HEADERS       extra request headers, "Name: value" lines separated by '|'
--   WRK_EXPECT_CACHE  the X-Cache value every response must carry (HIT, BYPASS...; empty: no check)
--   WRK_EXPECT_BODY   a text every response body must contain (e.g. the answer's content as it
--                     appears in the JSON, or "[DONE]" for a stream; empty: no check)
--   WRK_UNIQUE        1: a question never asked before in every request (a real cache miss each
--                     time); the body is then a generated chat completion, WRK_STREAM=1 streamed
-- At the end it prints
--   CHECKS responses=N bad_status=N bad_cache=N bad_body=N first=<first failure>
--   PCT <percentile> <microseconds>     (the latency distribution, for plots)
-- and the caller (bench/gateway/wrk_checked.sh) fails the run unless every bad_* is 0.
local body = os.getenv("WRK_BODY")
if body == nil or body == "" then
  body = '{"model":"mock-gpt","messages":[{"role":"user","content":"What is the capital of France?"}]}'
end
wrk.method = os.getenv("WRK_METHOD") or "POST"
if wrk.method == "" then wrk.method = "POST" end
if wrk.method ~= "GET" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end
for line in string.gmatch(os.getenv("WRK_HEADERS") or "", "[^|]+") do
  local name, value = string.match(line, "^%s*([^:]+):%s*(.-)%s*$")
  if name then wrk.headers[name] = value end
end

if os.getenv("WRK_UNIQUE") == "1" then
  -- The run's random prefix keeps a second run from hitting the first one's answers.
  math.randomseed(os.time() + os.clock() * 1e6)
  local run = tostring(math.random(1, 1e9))
  local stream = os.getenv("WRK_STREAM") == "1" and ',"stream":true' or ""
  local n = 0
  request = function()
    n = n + 1
    local question = '{"model":"mock-gpt","messages":[{"role":"user","content":"Question ' .. run .. '-' .. n ..
                     ': what is the capital of France?"}]' .. stream .. '}'
    return wrk.format("POST", nil, wrk.headers, question)
  end
end

local expect_cache = os.getenv("WRK_EXPECT_CACHE") or ""
local expect_body = os.getenv("WRK_EXPECT_BODY") or ""

-- Globals: done() reads them from each thread with thread:get.
responses, bad_status, bad_cache, bad_body, first = 0, 0, 0, 0, ""
local threads = {}

function setup(thread)  -- runs in the main state, once per thread
  table.insert(threads, thread)
end

local function x_cache(headers)
  for k, v in pairs(headers) do
    if string.lower(k) == "x-cache" then return v end
  end
  return "(absent)"
end

function response(status, headers, text)
  responses = responses + 1
  if status < 200 or status > 299 then
    bad_status = bad_status + 1
    if first == "" then first = "HTTP " .. status .. ": " .. string.sub(text or "", 1, 200) end
    return
  end
  if expect_cache ~= "" then
    local got = x_cache(headers)
    if got ~= expect_cache then
      bad_cache = bad_cache + 1
      if first == "" then first = "X-Cache: " .. got .. ", expected " .. expect_cache end
      return
    end
  end
  if expect_body ~= "" and not string.find(text or "", expect_body, 1, true) then
    bad_body = bad_body + 1
    if first == "" then first = "body without '" .. string.sub(expect_body, 1, 80) .. "': " .. string.sub(text or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local n, s, c, b, f = 0, 0, 0, 0, ""
  for _, t in ipairs(threads) do
    n = n + (t:get("responses") or 0)
    s = s + (t:get("bad_status") or 0)
    c = c + (t:get("bad_cache") or 0)
    b = b + (t:get("bad_body") or 0)
    if f == "" then f = t:get("first") or "" end
  end
  io.write(string.format("CHECKS responses=%d bad_status=%d bad_cache=%d bad_body=%d first=%s\n",
                         n, s, c, b, (string.gsub(f, "\n", " "))))
  local points = {1, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99}
  for _, p in ipairs(points) do
    io.write(string.format("PCT %g %d\n", p, latency:percentile(p)))
  end
end
