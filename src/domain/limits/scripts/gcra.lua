-- GCRA request-rate check (see gcra.h for the arithmetic, mirrored here exactly).
-- KEYS[1] = rl:{subject}:req  (String: the subject's theoretical arrival time, microseconds)
-- ARGV[1] = emission interval (us), ARGV[2] = burst, ARGV[3] = cost
-- Returns {allowed 0|1, remaining, retry_after_us, reset_after_us}.
-- The server clock (TIME) is the only clock, so replicas with skewed clocks agree.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tolerance = burst * interval

local stored = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local tat = stored
if tat < now then tat = now end
local new_tat = tat + cost * interval
local allow_at = new_tat - tolerance

if allow_at > now then
  -- Refused: nothing is written, so a refused request costs nothing.
  local remaining = math.floor((tolerance - (tat - now)) / interval)
  if remaining < 0 then remaining = 0 end
  return {0, remaining, allow_at - now, tat - now}
end

local ttl_ms = math.ceil((new_tat - now) / 1000)
if ttl_ms < 1 then ttl_ms = 1 end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', ttl_ms)
local remaining = math.floor((tolerance - (new_tat - now)) / interval)
if remaining < 0 then remaining = 0 end
return {1, remaining, 0, new_tat - now}
