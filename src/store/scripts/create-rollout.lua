-- Stores a new rollout, unless its idempotency key was used before.
-- KEYS[1] rollout hash, KEYS[2] all-rollouts index, KEYS[3] scheduled index, KEYS[4] idempotency key
-- ARGV[1] id, ARGV[2] spec JSON, ARGV[3] now, ARGV[4] statuses, ARGV[5] fingerprint ('' without a key), ARGV[6] ttl s
-- Returns false when created, or the stored "<id>|<fingerprint>" of an earlier create with the same key.
if ARGV[5] ~= '' then
  local existing = redis.call('GET', KEYS[4])
  if existing then return existing end
  redis.call('SET', KEYS[4], ARGV[1] .. '|' .. ARGV[5], 'EX', tonumber(ARGV[6]))
end
redis.call('HSET', KEYS[1], 'spec', ARGV[2], 'state', 'scheduled', 'createdAt', ARGV[3], 'updatedAt', ARGV[3], 'statuses', ARGV[4], 'rev', 1)
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return false
