-- Extend a lock's lease only if this holder still owns it (compare-and-pexpire).
-- KEYS[1] lock, KEYS[2..] keys that live as long as the lock (e.g. the flight stream)
-- ARGV[1] the holder's full value, ARGV[2] new ttl ms (> 0), ARGV[3] ttl ms of KEYS[2..]
-- Returns 1 when extended, 0 when the lock is no longer ours; an error for a ttl <= 0.
local ttl = tonumber(ARGV[2])
if ttl == nil or ttl <= 0 then return redis.error_reply('ERR lock ttl must be positive') end
if not held_by(redis.call('GET', KEYS[1]), ARGV[1]) then return 0 end  -- lock_holder.lua
redis.call('PEXPIRE', KEYS[1], ttl)
for i = 2, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 1
