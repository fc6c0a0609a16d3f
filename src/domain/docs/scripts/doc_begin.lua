-- Document registry: begin an ingest.
-- KEYS[1] = doc:{id} (Hash), KEYS[2] = lock:doc:{id} (String: holder's token, PX lease)
-- ARGV: content_sha256, token, holder, source, lease_ms
-- Returns one of
--   {'unchanged', chunk_count, version}          the same content is already ingested: skip
--   {'busy', holder, started_at_ms, lease_left_ms} another worker holds the lock
--   {'acquired', fence, now_ms, version}         we hold the lock; fence = this ingest's number
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sha, token, holder, source, lease = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])

local cur = redis.call('HMGET', KEYS[1], 'status', 'content_sha256', 'chunk_count', 'version', 'holder', 'started_at')
if cur[1] == 'done' and cur[2] == sha then
  return {'unchanged', tonumber(cur[3]) or 0, tonumber(cur[4]) or 0}
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {'busy', cur[5] or '', tonumber(cur[6]) or 0, redis.call('PTTL', KEYS[2])}
end

-- The fencing number lives in the document hash (state role, never evicted), so it only grows.
local fence = redis.call('HINCRBY', KEYS[1], 'fence', 1)
redis.call('SET', KEYS[2], token, 'PX', lease)
redis.call('HSET', KEYS[1], 'status', 'ingesting', 'ingest_sha256', sha, 'holder', holder,
  'started_at', now, 'updated_at', now)
if source ~= '' then redis.call('HSET', KEYS[1], 'source', source) end
redis.call('HSETNX', KEYS[1], 'created_at', now)
redis.call('HSETNX', KEYS[1], 'version', 0)
return {'acquired', fence, now, tonumber(redis.call('HGET', KEYS[1], 'version'))}
