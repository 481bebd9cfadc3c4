import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { RedisTarget } from '../../config.ts'
import { withDeadline } from '../../deadline.ts'
import { GonogoError } from '../../errors.ts'
import { closeRedis, createRedis, describeTarget, type RedisRole } from '../../store/redis-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared connection for state reads and writes (not for blocking BullMQ workers). */
    redis: Redis
    /** Makes the other connections a component needs (queues, workers, the notifier). */
    redisConnect: RedisConnect
  }
}

/** One Redis (REDIS_URL), a cluster or a Sentinel-named master (config.redis); a bare URL means one Redis. */
export interface RedisPluginOptions { target: RedisTarget | string }

export type { RedisRole }
export type RedisConnect = (role: RedisRole, name: string) => Redis

/** The one place gonogo's Redis connections are made; `name` is what error logs say. */
export function redisConnector (target: RedisTarget | string, log: { warn: (obj: object, msg: string) => void }): RedisConnect {
  const where: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target
  return (role, name) => {
    const redis = createRedis(where, role)
    redis.on('error', (err: Error) => log.warn({ err: err.message, connection: name }, 'redis connection error'))
    return redis
  }
}

/** Under Fastify's 10 s plugin timeout, so our message wins. */
const CONNECT_TIMEOUT_MS = 6000

/** The state connection (stores, reads, readiness) and the connector for the others; closed with the app. */
export default fp<RedisPluginOptions>(async (app, opts) => {
  const target: RedisTarget = typeof opts.target === 'string' ? { kind: 'single', url: opts.target } : opts.target
  const connect = redisConnector(target, app.log)
  const redis = connect('state', 'state')
  try {
    // Bounded: a port that accepts connections but never answers (not Redis, or TLS against
    // plain Redis) would otherwise end in Fastify's opaque plugin timeout.
    await withDeadline(redis.connect(), CONNECT_TIMEOUT_MS,
      () => new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s: ` +
        'is it Redis, and does REDIS_URL use the right scheme (redis:// or rediss://)?'))
  } catch (err) {
    redis.disconnect()
    const hint = target.kind === 'single'
      ? 'start redis-server or set REDIS_URL'
      : target.kind === 'cluster' ? 'check REDIS_CLUSTER_NODES' : 'check REDIS_SENTINELS and REDIS_SENTINEL_NAME'
    throw new GonogoError('GONOGO_REDIS', `${describeTarget(target)} is not reachable (${(err as Error).message}); ${hint}`)
  }
  app.decorate('redis', redis)
  app.decorate('redisConnect', connect)
  app.addHook('onClose', async () => {
    await closeRedis(redis)
  })
}, { name: 'redis' })
