-- Sets free fields of a session's meta (resolved_context, summary) and counts as activity:
-- both keys get their idle TTL again (session_store.h).
-- KEYS[1] session:{sid}:log, KEYS[2] session:{sid}:meta
-- ARGV: default_idle_ttl_ms, now_ms, field, value [, field, value ...]
-- The TTL is the one the session's last append used (meta ttl_ms), else the default.
-- Returns 1.
local ttl_ms = redis.call('HGET', KEYS[2], 'ttl_ms') or ARGV[1]
redis.call('HSET', KEYS[2], 'updated_ms', ARGV[2], unpack(ARGV, 3))
redis.call('HSETNX', KEYS[2], 'created_ms', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ttl_ms)
redis.call('PEXPIRE', KEYS[1], ttl_ms)
return 1
