-- Hot questions: top-K over several hour buckets.
-- KEYS[1] = scratch key (same hash tag, deleted before returning); KEYS[2..] = hour buckets.
-- ARGV[1] = k. Returns {question, count, question, count, ...}, most asked first.
local buckets = {}
for i = 2, #KEYS do buckets[#buckets + 1] = KEYS[i] end
redis.call('ZUNIONSTORE', KEYS[1], #buckets, unpack(buckets))
local top = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'REV', 'WITHSCORES')
redis.call('DEL', KEYS[1])
return top
