-- Acquire general locks: SET NX PX with value "<token>:<fence>", fence from the lock's shared
-- fencing counter (fence_counter.lua, keys.h). Several locks per call (group commit,
-- script_batcher.h), each decided on its own exactly as if it came alone; an error on one lock
-- becomes that lock's reply only.
-- KEYS: 3 per lock: lock, its fencing counter, its release-signal stream (one slot per lock)
-- ARGV[1] counter ttl ms (0 = the counter never expires), ARGV[2] signal stream ttl ms,
-- then 2 per lock: owner token, ttl ms
-- Returns one reply per lock, in order: the fencing number when granted; {last signal id, pttl}
-- when someone else holds it (the waiter then blocks on the signal stream after that id, so a
-- release in between is not missed); or an error reply. (A granted lock's reply is no table:
-- turning each table into a reply costs Redis several lookups.)
local counter_ttl, signal_ttl = tonumber(ARGV[1]), ARGV[2]
local locks = #KEYS / 3

local function error_of(e) return redis.error_reply(type(e) == 'table' and e.err or tostring(e)) end

-- The numbers of the whole call first: one INCRBY per distinct counter (on one server a single
-- one), handed out in order. They are drawn before the SETs so the uncontended path costs one
-- call per lock; a refused attempt burns its number, which keeps grants strictly increasing.
local next_fence, counter_error = {}, {}
for i = 0, locks - 1 do
  local counter = KEYS[3 * i + 2]
  next_fence[counter] = (next_fence[counter] or 0) + 1
end
for counter, count in pairs(next_fence) do
  local ok, first = pcall(reserve_fences, counter, count, counter_ttl)
  if ok then next_fence[counter] = first else counter_error[counter] = error_of(first) end
end

local function acquire(lock, signal, token, ttl, fence)
  if redis.call('SET', lock, token .. ':' .. fence, 'NX', 'PX', ttl) then return fence end
  -- Held: mark the holder's value so its release wakes us (lock_holder.lua), and hand back the
  -- newest signal id to wait after. The stream exists while someone waited recently.
  local current = redis.call('GET', lock)
  if current and string.sub(current, -1) ~= '~' then redis.call('APPEND', lock, '~') end
  local last
  local tail = redis.call('XREVRANGE', signal, '+', '-', 'COUNT', 1)
  if #tail > 0 then
    last = tail[1][1]
  else
    last = redis.call('XADD', signal, '*', 'w', '1')
  end
  redis.call('PEXPIRE', signal, signal_ttl)
  return {last, redis.call('PTTL', lock)}
end

local replies = {}
for i = 0, locks - 1 do
  local counter = KEYS[3 * i + 2]
  if counter_error[counter] then
    replies[i + 1] = counter_error[counter]
  else
    local fence = next_fence[counter]
    next_fence[counter] = fence + 1
    local ok, reply = pcall(acquire, KEYS[3 * i + 1], KEYS[3 * i + 3], ARGV[2 * i + 3], ARGV[2 * i + 4], fence_text(fence))
    replies[i + 1] = ok and reply or error_of(reply)
  end
end
return replies
