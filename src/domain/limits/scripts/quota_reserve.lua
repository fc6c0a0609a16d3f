-- Token quota: reserve an estimate before the upstream call.
-- KEYS[1] = rl:{subject}:tok (Hash)
--   sw, su = short window index and tokens used in it; lw, lu = the same for the long window;
--   r:<id> = "<tokens>:<sw>:<lw>:<expires_ms>" for each open reservation.
-- ARGV: id, tokens, short_ms, short_limit, long_ms, long_limit, reservation_ttl_ms, key_ttl_ms
-- Returns {allowed, short_used, long_used, retry_after_ms, short_reset_ms, long_reset_ms}.
-- Windows are fixed, aligned on the server clock (TIME), so every replica agrees. A refused
-- reservation writes nothing (apart from dropping reservations that outlived their ttl).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local tokens = tonumber(ARGV[2])
local short_ms, short_limit = tonumber(ARGV[3]), tonumber(ARGV[4])
local long_ms, long_limit = tonumber(ARGV[5]), tonumber(ARGV[6])
local resv_ttl, key_ttl = tonumber(ARGV[7]), tonumber(ARGV[8])

local sw = math.floor(now / short_ms)
local lw = math.floor(now / long_ms)
local h = redis.call('HMGET', KEYS[1], 'sw', 'su', 'lw', 'lu')
local su, lu = 0, 0
if tonumber(h[1]) == sw then su = tonumber(h[2]) or 0 end
if tonumber(h[3]) == lw then lu = tonumber(h[4]) or 0 end

-- Once per short window, forget reservations whose holder vanished (crashed replica): their
-- estimate stays charged, which errs on the side of the budget.
if h[1] and tonumber(h[1]) ~= sw then
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    local f = all[i]
    if string.sub(f, 1, 2) == 'r:' then
      local exp = tonumber(string.match(all[i + 1], ':(%d+)$'))
      if exp and exp < now then redis.call('HDEL', KEYS[1], f) end
    end
  end
end

local short_reset = (sw + 1) * short_ms - now
local long_reset = (lw + 1) * long_ms - now
local retry = 0
if short_limit > 0 and su + tokens > short_limit then retry = short_reset end
if long_limit > 0 and lu + tokens > long_limit and long_reset > retry then retry = long_reset end
if retry > 0 then
  return {0, su, lu, retry, short_reset, long_reset}
end

su = su + tokens
lu = lu + tokens
redis.call('HSET', KEYS[1], 'sw', sw, 'su', su, 'lw', lw, 'lu', lu,
  'r:' .. id, string.format('%d:%d:%d:%d', tokens, sw, lw, now + resv_ttl))
redis.call('PEXPIRE', KEYS[1], key_ttl)
return {1, su, lu, 0, short_reset, long_reset}
