-- Asks for a manual checkpoint, or finds the one already asked for (requests coalesce).
-- KEYS[1] rollout hash, KEYS[2] manual requests
-- ARGV[1] now, ARGV[2] plan length
-- Returns {'new'|'pending', index, at} or {'state', current state}.
local s = redis.call('HGET', KEYS[1], 'state')
if s ~= 'scheduled' and s ~= 'monitoring' then return {'state', s or 'missing'} end
local pending = redis.call('HGETALL', KEYS[2])
if #pending > 0 then return {'pending', tonumber(pending[1]), tonumber(pending[2])} end
local n = redis.call('HINCRBY', KEYS[1], 'manualSeq', 1)
local index = tonumber(ARGV[2]) + n - 1
redis.call('HSET', KEYS[2], index, ARGV[1])
return {'new', index, tonumber(ARGV[1])}
