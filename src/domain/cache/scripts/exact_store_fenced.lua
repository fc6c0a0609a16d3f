-- Fenced cache write: store the answer only while the writer still holds its lock with its
-- fencing number, so a holder whose lease lapsed can never overwrite a newer answer.
-- KEYS[1] lock:rag:{h}, KEYS[2] rag:exact:...{h}
-- ARGV[1] the holder's full value "<token>:<fence>", ARGV[2] entry bytes, ARGV[3] ttl ms
-- Returns 1 when stored, 0 when refused.
if not held_by(redis.call('GET', KEYS[1]), ARGV[1]) then return 0 end  -- lock_holder.lua
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
