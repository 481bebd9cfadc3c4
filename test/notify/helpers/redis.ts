import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import { redisConnector } from '../../../src/plugins/app/redis.ts'
import { queuePrefix } from '../../../src/store/keys.ts'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** The service's Redis connector against the test Redis, as the notify plugin passes it. */
export const connectRedis = redisConnector(REDIS_URL, { warn: () => {} })

/** The key patterns of a prefix: gonogo's keys and BullMQ's (under `{<prefix>}`, store/keys.ts queuePrefix). */
const PATTERNS = (prefix: string): string[] => [`${prefix}*`, `${queuePrefix(prefix)}*`]

/** A key prefix no other test file (or run) uses. */
export function uniquePrefix (name: string): string {
  return `gonogo-test-notify-${name}-${process.pid}-${randomBytes(4).toString('hex')}`
}

/** Deletes every key under the prefix (BullMQ's, under `{<prefix>}`, and the target store's). */
export async function cleanup (prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL)
  try {
    for (const pattern of PATTERNS(prefix)) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
        cursor = next
        if (keys.length > 0) await redis.del(...keys)
      } while (cursor !== '0')
    }
  } finally {
    await redis.quit()
  }
}

/** Every key under the prefix with its string content (hashes flattened), to look for leaked secrets. */
export async function dumpPrefix (prefix: string): Promise<Map<string, string>> {
  const redis = new Redis(REDIS_URL)
  const out = new Map<string, string>()
  try {
    for (const pattern of PATTERNS(prefix)) {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
        cursor = next
        for (const key of keys) {
          const type = await redis.type(key)
          if (type === 'hash') out.set(key, JSON.stringify(await redis.hgetall(key)))
          else if (type === 'string') out.set(key, (await redis.get(key)) ?? '')
          else if (type === 'list') out.set(key, JSON.stringify(await redis.lrange(key, 0, -1)))
          else if (type === 'zset') out.set(key, JSON.stringify(await redis.zrange(key, 0, -1)))
          else if (type === 'set') out.set(key, JSON.stringify(await redis.smembers(key)))
          else if (type === 'stream') out.set(key, JSON.stringify(await redis.xrange(key, '-', '+')))
        }
      } while (cursor !== '0')
    }
  } finally {
    await redis.quit()
  }
  return out
}
