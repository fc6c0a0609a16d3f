-- Token quota: settle a reservation with the actual usage (or release it: actual = 0).
-- KEYS[1] = rl:{subject}:tok (see quota_reserve.lua)
-- ARGV: id, actual_tokens, short_ms, long_ms
-- Returns {found 0|1, delta, short_used, long_used}; found = 0 when the reservation was already
-- settled/released (or forgotten): settling twice never refunds twice.
-- The difference (actual - estimate) goes to the window the estimate was charged to while that
-- window is current. Once it has passed, a refund no longer matters and an extra charge goes to
-- the current window (the tokens were spent now).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local field = 'r:' .. ARGV[1]
local actual = tonumber(ARGV[2])
local short_ms, long_ms = tonumber(ARGV[3]), tonumber(ARGV[4])

local r = redis.call('HGET', KEYS[1], field)
if not r then return {0, 0, 0, 0} end
local tokens, rsw, rlw = string.match(r, '^(%d+):(%d+):(%d+):')
tokens, rsw, rlw = tonumber(tokens), tonumber(rsw), tonumber(rlw)
redis.call('HDEL', KEYS[1], field)
local delta = actual - tokens

local function apply(win_field, used_field, charged_win, current_win)
  local h = redis.call('HMGET', KEYS[1], win_field, used_field)
  local stored_win, used = tonumber(h[1]), tonumber(h[2]) or 0
  if charged_win == current_win and stored_win == current_win then
    used = used + delta
    if used < 0 then used = 0 end
    redis.call('HSET', KEYS[1], used_field, used)
  elseif delta > 0 then
    if stored_win ~= current_win then used = 0 end
    used = used + delta
    redis.call('HSET', KEYS[1], win_field, current_win, used_field, used)
  elseif stored_win ~= current_win then
    used = 0
  end
  return used
end

local su = apply('sw', 'su', rsw, math.floor(now / short_ms))
local lu = apply('lw', 'lu', rlw, math.floor(now / long_ms))
return {1, delta, su, lu}
