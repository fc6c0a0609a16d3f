-- Appends messages to session windows and trims them, each in one atomic step (session_store.h).
-- One call may carry several sessions (group commit, append_batcher.h: the appends of many
-- callers that arrive together share one script call); each is handled exactly as if alone, in
-- order, and a failing one (say, a key of the wrong type) does not stop the others.
-- For each session i (1-based), two keys:
-- KEYS[2i-1] session:{sid}:log   list of stored messages (JSON), oldest first
-- KEYS[2i]   session:{sid}:meta  hash: count, token_total, version, ttl_ms, created_ms, updated_ms,
--                                user, resolved_context, summary, and m:<id> = tokens for every
--                                message in the window (the id index that makes retries safe)
-- ARGV, for each session in turn: #messages, max_messages, max_tokens, idle_ttl_ms, now_ms,
--       user_id ('' = none), then for each message: id, tokens, json
-- Returns one element per session: an error (that session unchanged or partly written, as a
-- failed single call would leave it), or the flat array
--   {count, token_total, version, #appended, #duplicates, #trimmed,
--    appended ids..., duplicate ids..., trimmed ids...}.
--
-- It runs on every chat turn, so it is kept to few Redis calls (one read of the meta, one write,
-- the list operations, two PEXPIREs) and decodes no JSON on the common path: a stored message
-- starts with {"id":"<id>","tokens":<n>, (message.cc writes it so; ids never hold '"' or '\'),
-- so trimming reads what it needs with one pattern match. The rule is window_rule.h's.

-- The id and tokens of a stored message.
local function head_of(raw)
  local id, tokens = string.match(raw, '^{"id":"([^"\\]*)","tokens":(%d+)')
  if id then return id, tonumber(tokens) end
  local ok, m = pcall(cjson.decode, raw)
  if ok and type(m) == 'table' then return tostring(m.id), tonumber(m.tokens) or 0 end
  return '', 0
end

-- HSET / HDEL of many fields, in chunks (Lua's unpack has a limit of a few thousand values).
local function in_chunks(command, meta, fields)
  for i = 1, #fields, 1000 do
    redis.call(command, meta, unpack(fields, i, math.min(i + 999, #fields)))
  end
end

-- One session's append; its messages are ARGV[first_message .. last] (3 values each).
local function append_one(log, meta, max_messages, max_tokens, ttl_ms, now, user, first_message, last)
  -- One read: the meta fields, then whether each new id is already in the window.
  local query = {'count', 'token_total', 'version', 'created_ms', 'user'}
  for i = first_message, last, 3 do query[#query + 1] = 'm:' .. ARGV[i] end
  local state = redis.call('HMGET', meta, unpack(query))
  local count = tonumber(state[1]) or 0
  local total = tonumber(state[2]) or 0
  local version = (tonumber(state[3]) or 0) + 1

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
    in_chunks('HSET', meta, index)
    local k = 6
    for i = first_message, last, 3 do
      state[k] = present[ARGV[i]] and '1' or false
      k = k + 1
    end
  end

  local appended, duplicates, to_push = {}, {}, {}
  local k = 6
  for i = first_message, last, 3 do
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
    in_chunks('HDEL', meta, fields)
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
  for i = first_message, last, 3 do
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
end

local replies = {}
local a = 1
for i = 1, #KEYS / 2 do
  local n = tonumber(ARGV[a])
  local last = a + 5 + 3 * n
  local ok, reply = pcall(append_one, KEYS[2 * i - 1], KEYS[2 * i], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]),
                          ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], a + 6, last)
  if ok then
    replies[i] = reply
  elseif type(reply) == 'table' and reply.err then
    replies[i] = reply
  else
    replies[i] = {err = 'ERR session append: ' .. tostring(reply)}
  end
  a = last + 1
end
return replies
