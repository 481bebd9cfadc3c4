-- One thing a person did to a rollout, with its audit entry, in one step; bumps the rollout's rev.
-- KEYS[1] rollout hash, KEYS[2] notes list, KEYS[3] waivers hash, KEYS[4] audit list
-- ARGV[1] op: 'note', 'waive', 'unwaive' or 'override'; ARGV[2] allowed states (",a,b,"); ARGV[3] app ('' for none);
-- ARGV[4] value (JSON: the note, waiver or override); ARGV[5] audit entry (JSON); ARGV[6] now; ARGV[7] most notes kept
-- Returns {'ok', rev, previous or ''}, {'state', current state}, {'missing'}, {'none'} (unwaive of nothing) or {'full'}.
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return {'missing'} end
if not string.find(ARGV[2], ',' .. s .. ',', 1, true) then return {'state', s} end
local previous = ''
if ARGV[1] == 'note' then
  if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[7]) then return {'full'} end
  redis.call('RPUSH', KEYS[2], ARGV[4])
elseif ARGV[1] == 'waive' then
  previous = redis.call('HGET', KEYS[3], ARGV[3]) or ''
  redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
elseif ARGV[1] == 'unwaive' then
  previous = redis.call('HGET', KEYS[3], ARGV[3]) or ''
  if previous == '' then return {'none'} end
  redis.call('HDEL', KEYS[3], ARGV[3])
elseif ARGV[1] == 'override' then
  previous = redis.call('HGET', KEYS[1], 'override') or ''
  redis.call('HSET', KEYS[1], 'override', ARGV[4])
end
redis.call('RPUSH', KEYS[4], ARGV[5])
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[6])
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
return {'ok', rev, previous}
