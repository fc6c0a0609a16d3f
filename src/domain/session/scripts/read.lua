-- Reads a session window: its messages and meta, in one atomic step (session_store.h).
-- KEYS[1] session:{sid}:log, KEYS[2] session:{sid}:meta
-- Returns {{message json...}, {token_total, resolved_context, summary, user, created_ms,
--          updated_ms, version}} (missing fields nil).
return {redis.call('LRANGE', KEYS[1], 0, -1),
        redis.call('HMGET', KEYS[2], 'token_total', 'resolved_context', 'summary', 'user', 'created_ms',
                   'updated_ms', 'version')}
