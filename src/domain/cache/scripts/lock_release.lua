-- Release a lock only if this holder still owns it (compare-and-delete), then wake waiters.
-- KEYS[1] lock, KEYS[2] release-signal stream
-- ARGV[1] the holder's full value "<token>:<fence>", ARGV[2] signal stream ttl ms
-- Returns 1 when released, 0 when the lock is no longer ours (expired or held by someone else).
-- The signal stream exists only when someone waited recently (lock_acquire.lua creates it).
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', '16', '*', 'r', ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
return 1
