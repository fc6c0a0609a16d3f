-- Document registry: end an ingest (done or failed) under the fencing check.
-- KEYS[1] = doc:{id}, KEYS[2] = lock:doc:{id}, KEYS[3] = doc:{id}:answers, KEYS[4] = doc:{id}:stale
-- ARGV: token, fence, content_sha256, outcome ('done'|'failed'), chunk_count, error, link_ttl_ms
-- Returns {'fenced', current_fence} | {'mismatch', ingest_sha256} | {outcome, version, changed}.
--
-- The write is accepted only from the latest ingest (fence equal to the hash's fence): a worker
-- whose lease lapsed and was taken over can no longer finish. When the content differs from the
-- last ingested one (a failed attempt may have written part of the new content too), the version
-- moves on and the answers that cited the document move to the stale set, from which the caller
-- unlinks them in the cache role. Links made after this point carry the old version and are
-- refused, so no answer built on the old content can slip in afterwards.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local token, fence, sha, outcome = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]

local cur = redis.call('HMGET', KEYS[1], 'fence', 'ingest_sha256', 'content_sha256', 'status')
if tonumber(cur[1]) ~= fence or cur[4] ~= 'ingesting' then return {'fenced', tonumber(cur[1]) or 0} end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= token then return {'fenced', tonumber(cur[1]) or 0} end
if cur[2] ~= sha then return {'mismatch', cur[2] or ''} end
if holder then redis.call('DEL', KEYS[2]) end

local changed = 0
if cur[3] ~= sha then
  changed = 1
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  if redis.call('EXISTS', KEYS[3]) == 1 then
    redis.call('SUNIONSTORE', KEYS[4], KEYS[4], KEYS[3])
    redis.call('DEL', KEYS[3])
    redis.call('PEXPIRE', KEYS[4], ARGV[7])
  end
end

if outcome == 'done' then
  redis.call('HSET', KEYS[1], 'status', 'done', 'content_sha256', sha, 'chunk_count', ARGV[5],
    'finished_at', now, 'updated_at', now)
  redis.call('HDEL', KEYS[1], 'error')
else
  redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[6], 'updated_at', now)
  -- content_sha256 stays what was last ingested completely; the hash keeps no partial one.
  if changed == 1 then redis.call('HSET', KEYS[1], 'content_sha256', '') end
end
return {outcome, tonumber(redis.call('HGET', KEYS[1], 'version')), changed}
