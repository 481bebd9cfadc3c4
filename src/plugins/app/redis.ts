import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { withDeadline } from '../../deadline.ts'
import { GonogoError } from '../../errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared connection for state reads and writes (not for blocking BullMQ workers). */
    redis: Redis
  }
}

export interface RedisPluginOptions { url: string }

/** Under Fastify's 10 s plugin timeout, so our message wins. */
const CONNECT_TIMEOUT_MS = 6000

/** One ioredis connection for the rollouts store and readiness checks; closed with the app. */
export default fp<RedisPluginOptions>(async (app, opts) => {
  const redis = new Redis(opts.url, {
    lazyConnect: true,
    // Requests fail fast while Redis is away so /readyz and the API answer instead of hanging.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true
  })
  redis.on('error', (err) => app.log.warn({ err: err.message }, 'redis connection error'))
  try {
    // Bounded: a port that accepts connections but never answers (not Redis, or TLS against
    // plain Redis) would otherwise end in Fastify's opaque plugin timeout.
    await withDeadline(redis.connect(), CONNECT_TIMEOUT_MS,
      () => new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s: is it Redis, and does REDIS_URL use the right scheme (redis:// or rediss://)?`))
  } catch (err) {
    redis.disconnect()
    throw new GonogoError('GONOGO_REDIS', `Redis at ${safeUrl(opts.url)} is not reachable (${(err as Error).message}); start redis-server or set REDIS_URL`)
  }
  app.decorate('redis', redis)
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
