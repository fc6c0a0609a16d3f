-- wrk script: a new question every request (never cached before), so every request is a real
-- miss: single-flight leader, upstream call, fenced store. The run's random prefix keeps a
-- second run from hitting the first one's answers.
math.randomseed(os.time() + os.clock() * 1e6)
local run = tostring(math.random(1, 1e9))
local n = 0
request = function()
  n = n + 1
  local body = '{"model":"mock-gpt","messages":[{"role":"user","content":"Question ' .. run .. '-' .. n .. ': what is the capital of France?"}]}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
