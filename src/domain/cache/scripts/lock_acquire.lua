-- Acquire a general lock: SET NX PX with value "<token>:<fence>", fence = INCR of the counter.
-- KEYS[1] lock, KEYS[2] fencing counter, KEYS[3] release-signal stream (all one hash tag)
-- ARGV[1] owner token, ARGV[2] ttl ms, ARGV[3] counter ttl ms (0 = the counter never expires),
-- ARGV[4] signal stream ttl ms
-- Returns {1, fence} when granted, {0, last signal id, pttl} when someone else holds it: the
-- waiter then blocks on the signal stream after that id, so a release in between is not missed.
-- The number is drawn before the SET so the uncontended path is two calls; a refused attempt
-- burns one number, which keeps grants strictly increasing all the same.
local fence = redis.call('INCR', KEYS[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
if redis.call('SET', KEYS[1], ARGV[1] .. ':' .. fence, 'NX', 'PX', ARGV[2]) then
  return {1, fence}
end
-- The signal stream exists only while someone waited recently, so uncontended releases skip it.
local last
local tail = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
if #tail > 0 then
  last = tail[1][1]
else
  last = redis.call('XADD', KEYS[3], '*', 'w', '1')
end
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return {0, last, redis.call('PTTL', KEYS[1])}
