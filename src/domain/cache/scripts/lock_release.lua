-- Release general locks only while their holder still owns them (compare-and-delete), waking
-- waiters when there are any. Several locks per call (group commit, script_batcher.h), each
-- decided on its own; an error on one lock becomes that lock's reply only.
-- KEYS: 2 per lock: lock, release-signal stream
-- ARGV[1] signal stream ttl ms, then 1 per lock: the holder's full value "<token>:<fence>"
-- Returns one reply per lock, in order: 1 released, 0 no longer ours (expired or held by someone
-- else), or an error reply.
local signal_ttl = ARGV[1]

local function release(lock, signal, value)
  local current = redis.call('GET', lock)
  if not held_by(current, value) then return 0 end
  redis.call('DEL', lock)
  -- Someone waits (they marked the value, lock_holder.lua): wake them. An uncontended release
  -- ends above, after two calls.
  if current ~= value then
    redis.call('XADD', signal, 'MAXLEN', '~', '16', '*', 'r', value)
    redis.call('PEXPIRE', signal, signal_ttl)
  end
  return 1
end

local replies = {}
for i = 0, #KEYS / 2 - 1 do
  local ok, reply = pcall(release, KEYS[2 * i + 1], KEYS[2 * i + 2], ARGV[i + 2])
  replies[i + 1] = ok and reply or redis.error_reply(type(reply) == 'table' and reply.err or tostring(reply))
end
return replies
