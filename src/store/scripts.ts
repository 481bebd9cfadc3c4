import { readFileSync } from 'node:fs'
import type { Redis } from 'ioredis'

/**
 * Lua scripts: each state change of a rollout is one script (`scripts/*.lua`, keys
 * and arguments named at the top of each), so a check and the writes it guards are
 * atomic (a cancel cannot slip between a worker's "still monitoring?" and its write),
 * and one round trip. Every change bumps the rollout's `rev`, which read caches
 * compare against. A line `--- @include "name"` pulls in `scripts/includes/name.lua`,
 * as BullMQ's own scripts do. Every key of one script is in one Redis Cluster slot (one
 * rollout's `{id}` tag, or a single key).
 */
const SCRIPTS = {
  gonogoClaimIdempotency: { numberOfKeys: 1, file: 'claim-idempotency' },
  gonogoCreateRollout: { numberOfKeys: 1, file: 'create-rollout' },
  gonogoTransition: { numberOfKeys: 2, file: 'transition' },
  gonogoRecordCheckpoint: { numberOfKeys: 11, file: 'record-checkpoint' },
  gonogoRequestManual: { numberOfKeys: 2, file: 'request-manual' },
  gonogoLockRenew: { numberOfKeys: 1, file: 'lock-renew' },
  gonogoLockRelease: { numberOfKeys: 1, file: 'lock-release' },
  gonogoPeopleChange: { numberOfKeys: 4, file: 'people-change' }
} as const

export type ScriptName = keyof typeof SCRIPTS

/** A Redis connection with gonogo's scripts defined (EVALSHA, EVAL on a cold script cache). */
export type ScriptedRedis = Redis & {
  [K in ScriptName]: (...args: Array<string | number | Buffer>) => Promise<unknown>
}

const INCLUDE = /^--- @include "([a-z0-9-]+)"$/gm
const DIR = new URL('./scripts/', import.meta.url)

/** The text of one script with its includes in place; read once per process. */
export const loadScript = memo((file: string): string => {
  const text = readFileSync(new URL(`${file}.lua`, DIR), 'utf8')
  return text.replace(INCLUDE, (_line, name: string) => readFileSync(new URL(`includes/${name}.lua`, DIR), 'utf8'))
})

/** Defines the scripts on a connection once; safe to call for every store sharing it. */
export function withScripts (redis: Redis): ScriptedRedis {
  for (const [name, { numberOfKeys, file }] of Object.entries(SCRIPTS)) {
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') {
      redis.defineCommand(name, { numberOfKeys, lua: loadScript(file) })
    }
  }
  return redis as ScriptedRedis
}

function memo (fn: (key: string) => string): (key: string) => string {
  const cache = new Map<string, string>()
  return (key) => {
    let value = cache.get(key)
    if (value === undefined) cache.set(key, value = fn(key))
    return value
  }
}
