-- Records one checkpoint, exactly once, only for the lock holder and only while the rollout is live.
-- KEYS[1] rollout hash, KEYS[2] checkpoints, KEYS[3] evidence, KEYS[4] attempts, KEYS[5] manual requests,
-- KEYS[6] lock, KEYS[7..10] the state indexes, KEYS[11] cells, KEYS[12] app checkpoints, KEYS[13] series,
-- KEYS[14] outbox, KEYS[15] checkpoint order
-- ARGV[1] id, ARGV[2] index, ARGV[3] record JSON, ARGV[4] status char ('' for manual), ARGV[5] evidence ('' for none),
-- ARGV[6] latest ('' to keep), ARGV[7] recommendation, ARGV[8] decision ('1'/'0'), ARGV[9] now, ARGV[10] lock token,
-- ARGV[11] checkpoint time, ms (an older checkpoint never replaces a newer latest),
-- ARGV[12] compact cells ('' for none), ARGV[13] outbox entry id ('' for none), ARGV[14] the entry (JSON),
-- ARGV[15] the index as a checkpoint order member, ARGV[16] n, then n field/value pairs of app checkpoints, then
-- field/value pairs of the series (written with the latest only, replacing the previous checkpoint's)
-- Returns 'ok', 'duplicate', 'lost-lock', or the state that refused it. Only 'ok' writes the outbox entry: the
-- notifications of a checkpoint are recorded exactly when the checkpoint is.
--- @include "move-state"
if redis.call('GET', KEYS[6]) ~= ARGV[10] then return 'lost-lock' end
local s = redis.call('HGET', KEYS[1], 'state')
if s ~= 'scheduled' and s ~= 'monitoring' then
  redis.call('HDEL', KEYS[5], ARGV[2])
  return s or 'missing'
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'duplicate' end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[15], ARGV[11], ARGV[15])
if ARGV[13] ~= '' then redis.call('HSET', KEYS[14], ARGV[13], ARGV[14]) end
redis.call('HDEL', KEYS[4], ARGV[2], ARGV[2] .. ':notBefore')
redis.call('HDEL', KEYS[5], ARGV[2])
if ARGV[4] ~= '' then
  local statuses = redis.call('HGET', KEYS[1], 'statuses')
  local i = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'statuses', string.sub(statuses, 1, i) .. ARGV[4] .. string.sub(statuses, i + 2))
end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], ARGV[5]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[11], ARGV[2], ARGV[12]) end
local n = tonumber(ARGV[16])
for i = 17, 16 + 2 * n, 2 do redis.call('HSET', KEYS[12], ARGV[i], ARGV[i + 1]) end
if ARGV[6] ~= '' and tonumber(ARGV[11]) >= tonumber(redis.call('HGET', KEYS[1], 'latestAt') or '0') then
  redis.call('HSET', KEYS[1], 'latest', ARGV[6], 'latestAt', ARGV[11], 'recommendation', ARGV[7], 'latestIndex', ARGV[2])
  if #ARGV > 16 + 2 * n then
    redis.call('DEL', KEYS[13])
    for i = 17 + 2 * n, #ARGV - 1, 2 do redis.call('HSET', KEYS[13], ARGV[i], ARGV[i + 1]) end
  end
end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[9])
redis.call('HINCRBY', KEYS[1], 'rev', 1)
local to = s
if ARGV[8] == '1' then
  to = 'decided'
  redis.call('HSET', KEYS[1], 'decidedAt', ARGV[9])
elseif s == 'scheduled' then
  to = 'monitoring'
  redis.call('HSET', KEYS[1], 'startedAt', ARGV[9])
end
if to ~= s then
  redis.call('HSET', KEYS[1], 'state', to)
  moveState(7, ARGV[1], s, to)
end
return 'ok'
