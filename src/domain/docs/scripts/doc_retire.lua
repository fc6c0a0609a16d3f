-- Answer-to-source: drop every answer built on a document now (manual invalidation).
-- KEYS[1] = doc:{id}, KEYS[2] = doc:{id}:answers, KEYS[3] = doc:{id}:stale; ARGV: link_ttl_ms
-- Moves the version on (in-flight answers with the old version are refused) and the links to
-- the stale set. Returns the new version.
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('SUNIONSTORE', KEYS[3], KEYS[3], KEYS[2])
  redis.call('DEL', KEYS[2])
  redis.call('PEXPIRE', KEYS[3], ARGV[1])
end
return v
