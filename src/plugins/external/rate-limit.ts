import { createRequire } from 'node:module'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRateLimitStoreCtor, RateLimitOptions as LibOptions } from '@fastify/rate-limit'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { RedisTarget } from '../../config.ts'
import { redisConnector } from '../app/redis.ts'
import { closeRedis } from '../../store/redis-client.ts'

export interface RateLimitOptions {
  /** GONOGO_RATE_LIMIT: requests per minute per client IP, summed over every API process. */
  max: number
  /** The Redis the stores use (one server, a cluster or Sentinel): every process behind a balancer spends one budget. */
  redis: RedisTarget | string
  /** GONOGO_REDIS_PREFIX: two deployments on one Redis keep their budgets apart. */
  prefix: string
}

/**
 * Longest a request waits for its counter. Past it the request goes on unlimited: a Redis that
 * is away or stalled must cost the routes that do not need it (probes, /metrics, the board)
 * nothing, and the routes that do need it answer 503 on their own.
 */
const COUNT_DEADLINE_MS = 300

/**
 * GONOGO_RATE_LIMIT requests per minute per client IP (`req.ip`), counted in Redis under
 * `<prefix>:rate-limit:<ip>` (a fixed one-minute window from the first request), on every
 * route but the probes (/healthz, /readyz: an orchestrator polling them from one address must
 * never be told 429 and restart a healthy process). It is the app's first onRequest hook,
 * before authentication, so failed token guesses and unknown routes spend the budget too.
 */
export default fp<RateLimitOptions>(async (app, opts) => {
  // A connection of its own: an increment on every request must not queue behind the stores' reads.
  const redis = redisConnector(opts.redis, app.log)('state', 'rate-limit')
  app.addHook('onClose', async () => { await closeRedis(redis) })
  await app.register(rateLimit, {
    global: false,
    max: opts.max,
    timeWindow: '1 minute',
    store: boundedRedisStore(redis, `${opts.prefix}:rate-limit:`),
    skipOnError: true,
    keyGenerator: (req: FastifyRequest) => req.ip
  })
  const limit = app.rateLimit()
  app.addHook('onRequest', async (req, reply) => {
    if (req.routeOptions.config?.rateLimit === false) return
    await limit.call(app, req, reply)
  })
}, { name: 'rate-limit' })

type Counted = (err: Error | null, res?: { current: number, ttl: number }) => void
interface LibRedisStore {
  incr: (key: string, cb: Counted, timeWindow: number, max: number) => void
  child: (routeOptions: unknown) => LibRedisStore
}
type LibRedisStoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, redis: Redis, key: string) => LibRedisStore

/** Fails a count that Redis has not answered in COUNT_DEADLINE_MS; skipOnError then lets the request through. */
class BoundedStore {
  readonly #inner: LibRedisStore
  constructor (inner: LibRedisStore) { this.#inner = inner }

  incr (key: string, cb: Counted, timeWindow: number, max: number): void {
    let done = false
    const timer = setTimeout(() => finish(new Error(`no rate-limit count within ${COUNT_DEADLINE_MS} ms`)), COUNT_DEADLINE_MS)
    const finish: Counted = (err, res) => {
      if (done) return
      done = true
      clearTimeout(timer)
      cb(err, res)
    }
    this.#inner.incr(key, finish, timeWindow, max)
  }

  child (routeOptions: unknown): BoundedStore { return new BoundedStore(this.#inner.child(routeOptions)) }
}

/**
 * The plugin's own Redis store (its Lua script, its key layout) with a deadline on each count,
 * which the plugin's `redis:` option does not have.
 */
function boundedRedisStore (redis: Redis, nameSpace: string): FastifyRateLimitStoreCtor {
  // The plugin does not export its store by name; the file is the one its `redis:` option uses (10.x).
  const RedisStore = createRequire(import.meta.url)('@fastify/rate-limit/store/RedisStore.js') as LibRedisStoreCtor
  const Store = class extends BoundedStore {
    constructor (opts: LibOptions) {
      super(new RedisStore(opts.continueExceeding ?? false, opts.exponentialBackoff ?? false, redis, nameSpace))
    }
  }
  return Store as unknown as FastifyRateLimitStoreCtor
}
