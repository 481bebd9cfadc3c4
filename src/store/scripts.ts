import type { Redis } from 'ioredis'

/**
 * Lua scripts: each state change of a rollout is one script, so a check and the
 * writes it guards are atomic (a cancel cannot slip between a worker's "still
 * monitoring?" and its write), and one round trip. Every change bumps the
 * rollout's `rev`, which read caches compare against.
 *
 * State index keys are always passed in the order of STATES in keys.ts.
 */

/** Shared by the scripts that move a rollout between state indexes. */
const MOVE = `
local function indexOf (state)
  if state == 'scheduled' then return KEYS[IX] end
  if state == 'monitoring' then return KEYS[IX + 1] end
  if state == 'decided' then return KEYS[IX + 2] end
  return KEYS[IX + 3]
end
local function move (id, from, to)
  if from == to then return end
  redis.call('ZREM', indexOf(from), id)
  redis.call('ZADD', indexOf(to), 0, id)
end
`

const withIndexesAt = (ix: number, body: string): string => MOVE.replaceAll('IX', String(ix)) + body

/**
 * KEYS: rollout, all-index, scheduled-index, idempotency. ARGV: id, spec, now, statuses, fingerprint ('' without a key), ttl s.
 * Returns nil when created, or the stored "<id>|<fingerprint>" of an earlier create with the same key.
 */
const CREATE = `
if ARGV[5] ~= '' then
  local existing = redis.call('GET', KEYS[4])
  if existing then return existing end
  redis.call('SET', KEYS[4], ARGV[1] .. '|' .. ARGV[5], 'EX', tonumber(ARGV[6]))
end
redis.call('HSET', KEYS[1], 'spec', ARGV[2], 'state', 'scheduled', 'createdAt', ARGV[3], 'updatedAt', ARGV[3], 'statuses', ARGV[4], 'rev', 1)
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return false
`

/**
 * KEYS: rollout, 4 state indexes. ARGV: id, to, allowed from-states (",a,b,"), now, timestamp field or '',
 * then field, value pairs to set when it moves.
 * Returns {1, previous} when moved, {0, current or ''} when the state did not allow it.
 */
const TRANSITION = withIndexesAt(2, `
local s = redis.call('HGET', KEYS[1], 'state')
if not s then return {0, ''} end
if not string.find(ARGV[3], ',' .. s .. ',', 1, true) then return {0, s} end
redis.call('HSET', KEYS[1], 'state', ARGV[2], 'updatedAt', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'rev', 1)
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], ARGV[5], ARGV[4]) end
for i = 6, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
move(ARGV[1], s, ARGV[2])
return {1, s}
`)

/**
 * Records one checkpoint, exactly once, only for the lock holder and only while
 * the rollout is live. KEYS: rollout, checkpoints, evidence, attempts, manual,
 * lock, 4 state indexes. ARGV: id, index, record, status char ('' for manual),
 * evidence ('' for none), latest ('' to keep), recommendation, decision ('1'/'0'),
 * now, lock token, checkpoint time (ms; an older checkpoint never replaces a newer latest).
 * Returns 'ok', 'duplicate', 'lost-lock', or the state that refused it.
 */
const RECORD = withIndexesAt(7, `
if redis.call('GET', KEYS[6]) ~= ARGV[10] then return 'lost-lock' end
local s = redis.call('HGET', KEYS[1], 'state')
if s ~= 'scheduled' and s ~= 'monitoring' then
  redis.call('HDEL', KEYS[5], ARGV[2])
  return s or 'missing'
end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'duplicate' end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HDEL', KEYS[4], ARGV[2], ARGV[2] .. ':notBefore')
redis.call('HDEL', KEYS[5], ARGV[2])
if ARGV[4] ~= '' then
  local statuses = redis.call('HGET', KEYS[1], 'statuses')
  local i = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], 'statuses', string.sub(statuses, 1, i) .. ARGV[4] .. string.sub(statuses, i + 2))
end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[2], ARGV[5]) end
if ARGV[6] ~= '' and tonumber(ARGV[11]) >= tonumber(redis.call('HGET', KEYS[1], 'latestAt') or '0') then
  redis.call('HSET', KEYS[1], 'latest', ARGV[6], 'latestAt', ARGV[11], 'recommendation', ARGV[7])
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
  move(ARGV[1], s, to)
end
return 'ok'
`)

/**
 * Asks for a manual checkpoint, or finds the one already asked for (requests coalesce).
 * KEYS: rollout, manual. ARGV: now, plan length.
 * Returns {'new'|'pending', index, at} or {'state', current state}.
 */
const REQUEST_MANUAL = `
local s = redis.call('HGET', KEYS[1], 'state')
if s ~= 'scheduled' and s ~= 'monitoring' then return {'state', s or 'missing'} end
local pending = redis.call('HGETALL', KEYS[2])
if #pending > 0 then return {'pending', tonumber(pending[1]), tonumber(pending[2])} end
local n = redis.call('HINCRBY', KEYS[1], 'manualSeq', 1)
local index = tonumber(ARGV[2]) + n - 1
redis.call('HSET', KEYS[2], index, ARGV[1])
return {'new', index, tonumber(ARGV[1])}
`

/** KEYS: lock. ARGV: token, ttl ms. 1 when still ours and extended. */
const LOCK_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`

/** KEYS: lock. ARGV: token. Deletes only our own lock (compare-and-delete). */
const LOCK_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

const SCRIPTS = {
  gonogoCreateRollout: { numberOfKeys: 4, lua: CREATE },
  gonogoTransition: { numberOfKeys: 5, lua: TRANSITION },
  gonogoRecordCheckpoint: { numberOfKeys: 10, lua: RECORD },
  gonogoRequestManual: { numberOfKeys: 2, lua: REQUEST_MANUAL },
  gonogoLockRenew: { numberOfKeys: 1, lua: LOCK_RENEW },
  gonogoLockRelease: { numberOfKeys: 1, lua: LOCK_RELEASE }
} as const

export type ScriptName = keyof typeof SCRIPTS

/** A Redis connection with gonogo's scripts defined (EVALSHA, EVAL on a cold script cache). */
export type ScriptedRedis = Redis & {
  [K in ScriptName]: (...args: Array<string | number>) => Promise<unknown>
}

/** Defines the scripts on a connection once; safe to call for every store sharing it. */
export function withScripts (redis: Redis): ScriptedRedis {
  for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') {
      redis.defineCommand(name, { numberOfKeys, lua })
    }
  }
  return redis as ScriptedRedis
}
