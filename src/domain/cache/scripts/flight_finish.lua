-- The leader's last step, atomic: fenced store of the answer (unless it was invalidated while
-- in flight), finish (or error) marker on the flight stream, short expiry of the stream, release
-- of the lock.
-- KEYS[1] lock:rag:{h}, KEYS[2] rag:exact:...{h}, KEYS[3] rag:flight:{h}, KEYS[4] the in-flight
-- marker rag:exact:...{h}:inflight (flight_begin.lua set it to the lock value)
-- ARGV[1] the leader's full lock value, ARGV[2] 'd' (done) or 'e' (error), ARGV[3] marker payload
-- (the rest of the answer, or the error text), ARGV[4] entry bytes ('' = store nothing),
-- ARGV[5] entry ttl ms, ARGV[6] stream linger ms
-- Returns 1 when finished, 2 when finished without storing because the answer (or its
-- namespace) was invalidated during the flight, 0 when refused (the lock lapsed: a newer leader
-- may be running).
if not held_by(redis.call('GET', KEYS[1]), ARGV[1]) then return 0 end  -- lock_holder.lua
local fresh = redis.call('GET', KEYS[4]) == ARGV[1]
if ARGV[4] ~= '' and fresh then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5]) end
redis.call('XADD', KEYS[3], '*', 't', ARGV[2], 'v', ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('DEL', KEYS[1], KEYS[4])
if fresh then return 1 end
return 2
