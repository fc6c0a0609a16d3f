-- wrk script for the soak: a mixed gateway workload, decided per request.
--   55% exact hits       one of 50 questions asked over and over
--   15% misses           a question never asked before (one upstream call, stored)
--   15% streams          stream=true, hot or new question
--   15% session turns    X-Session-Id from 200 sessions; the window slides past 20 messages
-- Every non-2xx answer is counted by wrk ("Non-2xx or 3xx responses"), which run.sh reports.
local thread_id = 0
local n = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  math.randomseed(os.time() * 100 + thread_id)
end

local function body(question, stream)
  local s = '{"model":"mock-gpt","messages":[{"role":"user","content":"' .. question .. '"}]'
  if stream then s = s .. ',"stream":true' end
  return s .. '}'
end

function request()
  n = n + 1
  local headers = { ["Content-Type"] = "application/json" }
  local r = math.random(100)
  local unique = "soak " .. os.time() .. "-" .. thread_id .. "-" .. n .. "-" .. math.random(1000000)
  if r <= 55 then
    return wrk.format("POST", "/v1/chat/completions", headers, body("hot question " .. math.random(50), false))
  elseif r <= 70 then
    return wrk.format("POST", "/v1/chat/completions", headers, body(unique, false))
  elseif r <= 85 then
    local q = (math.random(2) == 1) and ("hot question " .. math.random(50)) or unique
    return wrk.format("POST", "/v1/chat/completions", headers, body(q, true))
  else
    headers["X-Session-Id"] = "soak-" .. math.random(200)
    return wrk.format("POST", "/v1/chat/completions", headers, body("turn " .. n .. " " .. unique, false))
  end
end
