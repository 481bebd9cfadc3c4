import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { withDeadline } from '../../deadline.ts'
import { GonogoError } from '../../errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared connection for state reads and writes (not for blocking BullMQ workers). */
    redis: Redis
    /** Makes the other connections a component needs (queues, workers, the notifier). */
    redisConnect: RedisConnect
  }
}

export interface RedisPluginOptions { url: string }

/**
 * What a connection is for. `state`: the stores and reads, failing fast while Redis is
 * away so the API answers, auto-pipelined so the many small reads of concurrent requests
 * go out in one write; `queue`: a BullMQ producer, failing fast too; `blocking`: BullMQ
 * workers, which must never give up on a command while Redis restarts.
 */
export type RedisRole = 'state' | 'queue' | 'blocking'
export type RedisConnect = (role: RedisRole, name: string) => Redis

/** The one place gonogo's Redis connections are made; `name` is what error logs say. */
export function redisConnector (url: string, log: { warn: (obj: object, msg: string) => void }): RedisConnect {
  return (role, name) => {
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: role === 'blocking' ? null : 2,
      enableAutoPipelining: role === 'state',
      enableOfflineQueue: true
    })
    redis.on('error', (err) => log.warn({ err: err.message, connection: name }, 'redis connection error'))
    return redis
  }
}

/** Under Fastify's 10 s plugin timeout, so our message wins. */
const CONNECT_TIMEOUT_MS = 6000

/** The state connection (stores, reads, readiness) and the connector for the others; closed with the app. */
export default fp<RedisPluginOptions>(async (app, opts) => {
  const connect = redisConnector(opts.url, app.log)
  const redis = connect('state', 'state')
  try {
    // Bounded: a port that accepts connections but never answers (not Redis, or TLS against
    // plain Redis) would otherwise end in Fastify's opaque plugin timeout.
    await withDeadline(redis.connect(), CONNECT_TIMEOUT_MS,
      () => new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s: ` +
        'is it Redis, and does REDIS_URL use the right scheme (redis:// or rediss://)?'))
  } catch (err) {
    redis.disconnect()
    throw new GonogoError(
      'GONOGO_REDIS', `Redis at ${safeUrl(opts.url)} is not reachable (${(err as Error).message}); start redis-server or set REDIS_URL`
    )
  }
  app.decorate('redis', redis)
  app.decorate('redisConnect', connect)
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect())
  })
}, { name: 'redis' })

/** The URL without its password, for messages. */
function safeUrl (url: string): string {
  try {
    const u = new URL(url)
    if (u.password !== '') u.password = '***'
    return u.toString()
  } catch {
    return 'REDIS_URL'
  }
}
