-- Single-flight entry: in one atomic step, check the cache, else join the running flight, else
-- become its leader (take the lock, start a fresh flight stream, mark the answer in flight).
-- KEYS[1] rag:exact:...{h}, KEYS[2] lock:rag:{h}, KEYS[3] fencing counter of the slot (keys.h),
-- KEYS[4] rag:flight:{h}, KEYS[5] rag:exact:...{h}:inflight (deleted by any invalidation of the
-- answer, so the finish can tell)
-- ARGV[1] owner token, ARGV[2] lease ms, ARGV[3] counter ttl ms, ARGV[4] flight stream ttl ms,
-- ARGV[5] '1' to skip the cache check (the entry there belongs to another request)
-- Returns {'hit', entry} | {'held', holder value} | {'acquired', value, fence}
if ARGV[5] ~= '1' then
  local entry = redis.call('GET', KEYS[1])
  if entry then return {'hit', entry} end
end
local holder = redis.call('GET', KEYS[2])
if holder then return {'held', holder} end
local fence = fence_text(reserve_fences(KEYS[3], 1, tonumber(ARGV[3])))  -- fence_counter.lua
local value = ARGV[1] .. ':' .. fence
redis.call('SET', KEYS[2], value, 'PX', ARGV[2])
redis.call('SET', KEYS[5], value, 'PX', ARGV[4])
-- A new generation starts on an empty stream; its first entry names the fence it belongs to.
redis.call('DEL', KEYS[4])
redis.call('XADD', KEYS[4], '*', 't', 's', 'v', fence)
redis.call('PEXPIRE', KEYS[4], ARGV[4])
return {'acquired', value, fence}
