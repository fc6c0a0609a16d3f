-- Hot questions: count one asked question in its hour bucket.
-- KEYS[1] = rag:hot:{ns}:<hour> (Sorted Set: normalised question -> count)
-- ARGV: question, increment, ttl_ms (the longest window), max_members (0: unbounded)
-- Bounded: past max_members the least-asked questions of the hour are dropped.
local score = redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local max = tonumber(ARGV[4])
if max > 0 then
  local n = redis.call('ZCARD', KEYS[1])
  if n > max then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - max - 1) end
end
return score
