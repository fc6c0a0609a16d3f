-- Prelude, not a script of its own: scripts.cc puts it before each script that grants a lock
-- (lock_acquire.lua, flight_begin.lua), so fencing numbers come from one place.
-- reserve_fences(counter key, count, counter ttl ms (0 = never expires)) -> the first of `count`
-- new consecutive numbers. The counter is shared by many locks (keys.h), so it is strictly
-- increasing for each lock name. A counter that is new (first use, or lost: expired in the cache
-- role, an older backup restored, another key layout) starts at the server clock in microseconds
-- rather than at 1, so it stays above every number handed out before (older per-name counters
-- included) unless the old counter granted more than one number per microsecond on average.
-- Numbers stay below 2^53, so Lua's doubles hold them exactly; format them with fence_text
-- (Lua's default '%.14g' would not print them whole).
local function reserve_fences(counter, count, counter_ttl)
  local last = redis.call('INCRBY', counter, count)
  if last == count then
    local now = redis.call('TIME')
    last = tonumber(now[1]) * 1000000 + tonumber(now[2]) + count - 1
    redis.call('SET', counter, string.format('%d', last))
  end
  if counter_ttl > 0 then redis.call('PEXPIRE', counter, counter_ttl) end
  return last - count + 1
end

local function fence_text(n) return string.format('%d', n) end
