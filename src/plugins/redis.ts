import fp from 'fastify-plugin'
import { Redis } from 'ioredis'
import { GonogoError } from '../errors.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared connection for state reads and writes (not for blocking BullMQ workers). */
    redis: Redis
  }
}

export interface RedisPluginOptions { url: string }

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
    await redis.connect()
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
