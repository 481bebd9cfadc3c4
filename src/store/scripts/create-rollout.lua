-- Stores a new rollout (its hash only: the indexes are in other cluster slots, written by the caller first).
-- KEYS[1] rollout hash
-- ARGV[1] spec JSON, ARGV[2] now, ARGV[3] statuses
-- Returns 1 when created, 0 when a rollout with this id exists already.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'spec', ARGV[1], 'state', 'scheduled', 'createdAt', ARGV[2], 'updatedAt', ARGV[2], 'statuses', ARGV[3], 'rev', 1)
return 1
