import type { RedisOptions } from 'ioredis'
import { bareHost } from './deliver/address.ts'

/**
 * ioredis options from a redis:// or rediss:// URL (or options as given).
 * BullMQ takes options rather than a URL, and options let the worker's
 * connections differ (maxRetriesPerRequest: null) from the producer's.
 */
export function redisOptions (connection: string | RedisOptions): RedisOptions {
  if (typeof connection !== 'string') return { ...connection }
  const url = new URL(connection)
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new TypeError(`redis URL must be redis:// or rediss://, got ${url.protocol}`)
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined
  return {
    host: bareHost(url.hostname) || '127.0.0.1',
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(db === undefined || Number.isNaN(db) ? {} : { db }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {})
  }
}
