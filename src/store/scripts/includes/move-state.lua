-- Moves a rollout id between the state indexes. The four index keys are passed in the
-- order of STATES in keys.ts, starting at KEYS[base].
local function stateIndex (base, state)
  if state == 'scheduled' then return KEYS[base] end
  if state == 'monitoring' then return KEYS[base + 1] end
  if state == 'decided' then return KEYS[base + 2] end
  return KEYS[base + 3]
end

local function moveState (base, id, from, to)
  if from == to then return end
  redis.call('ZREM', stateIndex(base, from), id)
  redis.call('ZADD', stateIndex(base, to), 0, id)
end
