-- Appends messages to a session window and trims it, in one atomic step (session_store.h).
-- KEYS[1] session:{sid}:log   list of stored messages (JSON), oldest first
-- KEYS[2] session:{sid}:meta  hash: count, token_total, version, ttl_ms, created_ms, updated_ms,
--                             user, resolved_context, summary, and m:<id> = tokens for every
--                             message in the window (the id index that makes retries safe)
-- ARGV: max_messages, max_tokens, idle_ttl_ms, now_ms, user_id ('' = none),
--       then for each message: id, tokens, json
-- Returns a flat array: {count, token_total, version, #appended, #duplicates, #trimmed,
--                        appended ids..., duplicate ids..., trimmed ids...}.
--
-- It runs on every chat turn, so it is kept to few Redis calls (one read of the meta, one write,
-- the list operations, two PEXPIREs) and decodes no JSON on the common path: a stored message
-- starts with {"id":"<id>","tokens":<n>, (message.cc writes it so; ids never hold '"' or '\'),
-- so trimming reads what it needs with one pattern match. The rule is window_rule.h's.
local log, meta = KEYS[1], KEYS[2]
local max_messages = tonumber(ARGV[1])
local max_tokens = tonumber(ARGV[2])
local ttl_ms, now, user = ARGV[3], ARGV[4], ARGV[5]
local first_message = 6

-- The id and tokens of a stored message.
local function head_of(raw)
  local id, tokens = string.match(raw, '^{"id":"([^"\\]*)","tokens":(%d+)')
  if id then return id, tonumber(tokens) end
  local ok, m = pcall(cjson.decode, raw)
  if ok and type(m) == 'table' then return tostring(m.id), tonumber(m.tokens) or 0 end
  return '', 0
end

-- One read: the meta fields, then whether each new id is already in the window.
local query = {'count', 'token_total', 'version', 'created_ms', 'user'}
for i = first_message, #ARGV, 3 do query[#query + 1] = 'm:' .. ARGV[i] end
local state = redis.call('HMGET', meta, unpack(query))
local count = tonumber(state[1]) or 0
local total = tonumber(state[2]) or 0
local version = (tonumber(state[3]) or 0) + 1

-- HSET / HDEL of many fields, in chunks (Lua's unpack has a limit of a few thousand values).
local function in_chunks(command, fields)
  for i = 1, #fields, 1000 do
    redis.call(command, meta, unpack(fields, i, math.min(i + 999, #fields)))
  end
end

if redis.call('LLEN', log) ~= count then
  -- The list and the meta disagree (one was changed or lost by something else): rebuild the
  -- id index and the totals from the messages themselves, and look the new ids up again.
  for _, field in ipairs(redis.call('HKEYS', meta)) do
    if string.sub(field, 1, 2) == 'm:' then redis.call('HDEL', meta, field) end
  end
  count, total = 0, 0
  local present, index = {}, {}
  for _, raw in ipairs(redis.call('LRANGE', log, 0, -1)) do
    local id, tokens = head_of(raw)
    present[id] = true
    index[#index + 1] = 'm:' .. id
    index[#index + 1] = tokens
    count = count + 1
    total = total + tokens
  end
  in_chunks('HSET', index)
  local k = 6
  for i = first_message, #ARGV, 3 do
    state[k] = present[ARGV[i]] and '1' or false
    k = k + 1
  end
end

local appended, duplicates, to_push = {}, {}, {}
local k = 6
for i = first_message, #ARGV, 3 do
  local id = ARGV[i]
  if state[k] then
    duplicates[#duplicates + 1] = id
  else
    to_push[#to_push + 1] = ARGV[i + 2]
    appended[#appended + 1] = id
    count = count + 1
    total = total + tonumber(ARGV[i + 1])
  end
  k = k + 1
end
if #to_push > 0 then redis.call('RPUSH', log, unpack(to_push)) end

-- Drop the oldest while a limit is passed, always keeping the newest message.
local trimmed, gone = {}, {}
while count > 1 and (count > max_messages or total > max_tokens) do
  local id, tokens = head_of(redis.call('LPOP', log))
  trimmed[#trimmed + 1] = id
  gone[id] = true
  count = count - 1
  total = total - tokens
end
if #trimmed > 0 then
  local fields = {}
  for i, id in ipairs(trimmed) do fields[i] = 'm:' .. id end
  in_chunks('HDEL', fields)
end

local fields = {'count', count, 'token_total', total, 'version', version, 'updated_ms', now, 'ttl_ms', ttl_ms}
if not state[4] then
  fields[#fields + 1] = 'created_ms'
  fields[#fields + 1] = now
end
if user ~= '' and not state[5] then
  fields[#fields + 1] = 'user'
  fields[#fields + 1] = user
end
-- The index entries of the new messages that stay in the window.
k = 6
for i = first_message, #ARGV, 3 do
  local id = ARGV[i]
  if not state[k] and not gone[id] then
    fields[#fields + 1] = 'm:' .. id
    fields[#fields + 1] = ARGV[i + 1]
  end
  k = k + 1
end
redis.call('HSET', meta, unpack(fields))
redis.call('PEXPIRE', log, ttl_ms)
redis.call('PEXPIRE', meta, ttl_ms)

local reply = {count, total, version, #appended, #duplicates, #trimmed}
for _, id in ipairs(appended) do reply[#reply + 1] = id end
for _, id in ipairs(duplicates) do reply[#reply + 1] = id end
for _, id in ipairs(trimmed) do reply[#reply + 1] = id end
return reply
