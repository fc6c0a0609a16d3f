-- Appends messages to a session window and trims it, in one atomic step (session_store.h).
-- KEYS[1] session:{sid}:log   list of stored messages (JSON), oldest first
-- KEYS[2] session:{sid}:meta  hash: count, token_total, version, ttl_ms, created_ms, updated_ms,
--                             user, resolved_context, summary, and m:<id> = tokens for every
--                             message in the window (the id index that makes retries safe)
-- ARGV: max_messages, max_tokens, idle_ttl_ms, now_ms, user_id ('' = none),
--       then for each message: id, tokens, json
-- Returns {count, token_total, version, {appended ids}, {duplicate ids}, {trimmed ids}}.
--
-- Kept cheap on purpose (it runs on every chat turn): no JSON is decoded on the common path.
-- A stored message starts with {"id":"<id>","tokens":<n>, (message.cc writes it so, and ids never
-- hold '"' or '\'), so trimming reads what it needs with one pattern match.
-- The rule is window_rule.h's.
local log, meta = KEYS[1], KEYS[2]
local max_messages = tonumber(ARGV[1])
local max_tokens = tonumber(ARGV[2])
local ttl_ms, now, user = ARGV[3], ARGV[4], ARGV[5]

-- The id and tokens of a stored message.
local function head_of(raw)
  local id, tokens = string.match(raw, '^{"id":"([^"\\]*)","tokens":(%d+)')
  if id then return id, tonumber(tokens) end
  local ok, m = pcall(cjson.decode, raw)
  if ok and type(m) == 'table' then return tostring(m.id), tonumber(m.tokens) or 0 end
  return '', 0
end

local state = redis.call('HMGET', meta, 'count', 'token_total')
local count = tonumber(state[1]) or 0
local total = tonumber(state[2]) or 0
if redis.call('LLEN', log) ~= count then
  -- The list and the meta disagree (one was changed or lost by something else): rebuild the
  -- index and the totals from the messages themselves.
  for _, field in ipairs(redis.call('HKEYS', meta)) do
    if string.sub(field, 1, 2) == 'm:' then redis.call('HDEL', meta, field) end
  end
  count, total = 0, 0
  for _, raw in ipairs(redis.call('LRANGE', log, 0, -1)) do
    local id, tokens = head_of(raw)
    redis.call('HSET', meta, 'm:' .. id, tokens)
    count = count + 1
    total = total + tokens
  end
end

local appended, duplicates, to_push = {}, {}, {}
for i = 6, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('HSETNX', meta, 'm:' .. id, ARGV[i + 1]) == 1 then
    to_push[#to_push + 1] = ARGV[i + 2]
    appended[#appended + 1] = id
    count = count + 1
    total = total + tonumber(ARGV[i + 1])
  else
    duplicates[#duplicates + 1] = id
  end
end
if #to_push > 0 then redis.call('RPUSH', log, unpack(to_push)) end

-- Drop the oldest while a limit is passed, always keeping the newest message.
local trimmed = {}
while count > 1 and (count > max_messages or total > max_tokens) do
  local id, tokens = head_of(redis.call('LPOP', log))
  redis.call('HDEL', meta, 'm:' .. id)
  trimmed[#trimmed + 1] = id
  count = count - 1
  total = total - tokens
end

local version = redis.call('HINCRBY', meta, 'version', 1)
redis.call('HSET', meta, 'count', count, 'token_total', total, 'updated_ms', now, 'ttl_ms', ttl_ms)
redis.call('HSETNX', meta, 'created_ms', now)
if user ~= '' then redis.call('HSETNX', meta, 'user', user) end
redis.call('PEXPIRE', log, ttl_ms)
redis.call('PEXPIRE', meta, ttl_ms)
return {count, total, version, appended, duplicates, trimmed}
