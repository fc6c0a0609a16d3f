-- Document registry: extend the ingest lease, only for the holder.
-- KEYS[1] = lock:doc:{id}; ARGV: token, lease_ms. Returns 1 if renewed, 0 if the lock is not ours.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
