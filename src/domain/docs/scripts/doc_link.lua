-- Answer-to-source link: remember that an answer key was built on this document.
-- KEYS[1] = doc:{id}, KEYS[2] = doc:{id}:answers (Set of answer keys, cache role keys as text)
-- ARGV: answer_key, expected_version, link_ttl_ms, max_links
-- Returns {1, version} linked | {0, version} the document changed since the answer's snapshot
-- | {-1, version} too many links (the answer must not be cached: it could not be invalidated).
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0') or 0
if v ~= tonumber(ARGV[2]) then return {0, v} end
local max = tonumber(ARGV[4])
if max > 0 and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 0 and redis.call('SCARD', KEYS[2]) >= max then
  return {-1, v}
end
redis.call('SADD', KEYS[2], ARGV[1])
-- The set must outlive every answer in it: its TTL only ever grows to link_ttl.
local ttl = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
return {1, v}
