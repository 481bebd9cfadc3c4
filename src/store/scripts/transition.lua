-- Moves a rollout to another state when its current state allows it.
-- KEYS[1] rollout hash, KEYS[2..5] the state indexes, KEYS[6] outbox
-- ARGV[1] id, ARGV[2] to, ARGV[3] allowed from-states (",a,b,"), ARGV[4] now, ARGV[5] timestamp field or '',
-- ARGV[6] outbox entry id ('' for none), ARGV[7] the entry (JSON), written only when it moves,
-- then field, value pairs to set when it moves
-- Returns {1, previous} when moved, {0, current or ''} when the state did not allow it.
--- @include "move-state"
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return {0, ''} end
if not string.find(ARGV[3], ',' .. s .. ',', 1, true) then return {0, s} end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'updatedAt', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], ARGV[5], ARGV[4]) end
if ARGV[6] ~= '' then redis.call('HSET', KEYS[6], ARGV[6], ARGV[7]) end
for i = 8, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
moveState(2, ARGV[1], s, ARGV[2])
return {1, s}
