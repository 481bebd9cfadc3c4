import fp from 'fastify-plugin'
import { Redis } from 'ioredis'

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
  await redis.connect()
  app.decorate('redis', redis)
  app.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect())
  })
}, { name: 'redis' })
