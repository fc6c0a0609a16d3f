-- Append one chunk of the leader's output to the flight stream, only while it leads.
-- KEYS[1] lock:rag:{h}, KEYS[2] rag:flight:{h}
-- ARGV[1] the leader's full lock value, ARGV[2] chunk bytes
-- Returns 1 when appended, 0 when this leader no longer holds the lock.
if not held_by(redis.call('GET', KEYS[1]), ARGV[1]) then return 0 end  -- lock_holder.lua
redis.call('XADD', KEYS[2], '*', 't', 'c', 'v', ARGV[2])
return 1
