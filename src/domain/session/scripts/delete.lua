-- Deletes a session (both keys) and tells who owned it, so the caller can drop it from
-- user:{uid}:sessions (another slot, hence another command). session_store.h.
-- KEYS[1] session:{sid}:log, KEYS[2] session:{sid}:meta
-- Returns {keys deleted, user id or ''}.
local user = redis.call('HGET', KEYS[2], 'user')
local deleted = redis.call('DEL', KEYS[1], KEYS[2])
return {deleted, user or ''}
