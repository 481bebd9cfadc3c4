import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { queuePrefix } from '../../src/store/keys.ts'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test file (or run) shares. */
export function uniquePrefix (name: string): string {
  return `gonogo-test-${name}-${randomBytes(4).toString('hex')}`
}

/**
 * Deletes every key under a prefix, BullMQ's under `{<prefix>}` too (SCAN, not KEYS, so a shared
 * Redis is not blocked).
 */
export async function cleanPrefix (prefix: string, redis?: Redis): Promise<number> {
  const conn = redis ?? new Redis(REDIS_URL)
  let deleted = 0
  try {
    for (const pattern of [`${prefix}:*`, `${queuePrefix(prefix)}:*`]) {
      let cursor = '0'
      do {
        const [next, keys] = await conn.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
        cursor = next
        if (keys.length > 0) deleted += await conn.del(...keys)
      } while (cursor !== '0')
    }
  } finally {
    if (redis === undefined) await conn.quit()
  }
  return deleted
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T> (check: () => Promise<T | undefined>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/**
 * The environment for a redis-server or redis-cli that a test starts. The test's own clock may be
 * faked (libfaketime through LD_PRELOAD, as the date guard in .ci/run does); Redis is an outside
 * server with a real clock, and redis-server hangs at start under libfaketime.
 */
export function redisToolEnv (): NodeJS.ProcessEnv {
  const env = { ...process.env }
  delete env.LD_PRELOAD
  for (const key of Object.keys(env)) if (key.startsWith('FAKETIME')) delete env[key]
  return env
}
