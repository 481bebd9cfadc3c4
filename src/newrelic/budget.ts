/**
 * New Relic's limits are per user and per account, not per process: 25 NerdGraph requests in
 * flight per user (API key), beyond which it answers 429, and 3,000 NRQL queries per minute
 * per account. A RequestBudget is what every NerdGraph request takes before it is sent:
 * a request slot of the API key and one point per NRQL query of the account.
 *
 * - `localBudget`: this process only (tests, one process, no Redis).
 * - `RedisBudget`: one budget shared through Redis by every gonogo process that uses the same
 *   Redis and key prefix, so N workers never exceed New Relic's limits together. The slots are
 *   a lease semaphore (redis-semaphore: a sorted set of holders, each lease refreshed while its
 *   request runs and expiring if its process dies, so a crash cannot leak a slot); the points
 *   are rate-limiter-flexible's RateLimiterRedis. Its windows are fixed while New Relic counts
 *   any 60 seconds, so the minute's budget is cut into short windows: a 61-second span (a
 *   second of slack for the time a request takes to arrive) meets at most ceil(61 / w) + 1 of
 *   them, and each window gets budget / that many points.
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import { Semaphore as RedisSemaphore } from 'redis-semaphore'
import { sleep } from './backoff.ts'
import { Semaphore } from './semaphore.ts'

/** Frees what `acquire` took. */
export type Release = () => Promise<void>

export interface RequestBudget {
  /** Most NRQL queries one request may carry (the client never batches more). */
  readonly maxQueriesPerRequest: number
  /** Waits for a request slot and `queries` NRQL queries of `accountId`; throws when `signal` aborts. */
  acquire: (accountId: number, queries: number, signal?: AbortSignal) => Promise<Release>
}

/** A process-local budget: `concurrency` requests at a time, no pacing of queries. */
export function localBudget (concurrency: number): RequestBudget {
  const slots = new Semaphore(concurrency)
  return {
    maxQueriesPerRequest: Number.MAX_SAFE_INTEGER,
    acquire: async (_accountId, _queries, signal) => {
      if (signal?.aborted === true) throw new BudgetAborted()
      const free = await slots.acquire()
      return async () => { free() }
    }
  }
}

export interface RedisBudgetOptions {
  redis: Redis
  /** Key prefix (GONOGO_REDIS_PREFIX). */
  prefix: string
  /** The API key whose slots these are; only a digest of it is in Redis. */
  apiKey: string
  /** Requests in flight per API key, across every process (New Relic allows 25 per user). */
  maxConcurrent: number
  /** NRQL queries per minute per account, across every process (New Relic allows 3,000). */
  nrqlPerMinute: number
  /** Most queries one request will carry: the windows are long enough to hold that many. */
  queriesPerRequest: number
  /** A slot's lease; refreshed every third of it while the request runs (default 30 s). */
  leaseMs?: number
  /** Pause between tries for a slot (default 25 ms). */
  retryMs?: number
}

/** The window (s) and points per window that keep any 61 s within `perMinute` for batches of `q`. */
export function nrqlWindow (perMinute: number, q: number): { seconds: number, points: number } {
  for (let seconds = 5; seconds <= 61; seconds++) {
    const points = Math.floor(perMinute / (Math.ceil(61 / seconds) + 1))
    if (points >= q) return { seconds, points }
  }
  return { seconds: 61, points: Math.max(1, Math.floor(perMinute / 2)) }
}

/** One budget per API key and per account for every process on this Redis and prefix. */
export class RedisBudget implements RequestBudget {
  readonly maxQueriesPerRequest: number
  readonly window: { seconds: number, points: number }
  #redis: Redis
  #slotKey: string
  #limit: number
  #leaseMs: number
  #retryMs: number
  #points: RateLimiterRedis

  constructor (opts: RedisBudgetOptions) {
    if (!Number.isInteger(opts.maxConcurrent) || opts.maxConcurrent < 1) throw new RangeError('maxConcurrent must be a positive integer')
    if (!Number.isInteger(opts.nrqlPerMinute) || opts.nrqlPerMinute < 1) throw new RangeError('nrqlPerMinute must be a positive integer')
    this.window = nrqlWindow(opts.nrqlPerMinute, Math.max(1, opts.queriesPerRequest))
    this.maxQueriesPerRequest = this.window.points
    this.#redis = opts.redis
    const who = createHash('sha256').update(opts.apiKey).digest('hex').slice(0, 16)
    this.#slotKey = `${opts.prefix}:nerdgraph:slots:${who}`
    this.#limit = opts.maxConcurrent
    this.#leaseMs = opts.leaseMs ?? 30_000
    this.#retryMs = opts.retryMs ?? 25
    this.#points = new RateLimiterRedis({
      storeClient: opts.redis,
      keyPrefix: `${opts.prefix}:nerdgraph:nrql`,
      points: this.window.points,
      duration: this.window.seconds
    })
  }

  /**
   * The sorted set of slot holders in Redis. redis-semaphore puts `semaphore:` before the key it is
   * given, so it is `semaphore:<prefix>:nerdgraph:slots:<key digest>`, outside the prefix; it expires
   * with the last lease.
   */
  get slotKey (): string { return `semaphore:${this.#slotKey}` }

  async acquire (accountId: number, queries: number, signal?: AbortSignal): Promise<Release> {
    // The slot first, then the points: points taken while waiting for a slot would be spent
    // later than their window, and New Relic counts queries when they arrive.
    const slot = new RedisSemaphore(this.#redis, this.#slotKey, this.#limit, {
      lockTimeout: this.#leaseMs,
      refreshInterval: Math.floor(this.#leaseMs / 3),
      retryInterval: this.#retryMs,
      acquireTimeout: 24 * 3_600_000,
      acquireAttemptsLimit: Number.POSITIVE_INFINITY
    })
    try {
      await slot.acquire(signal)
    } catch (err) {
      if (signal?.aborted === true) throw new BudgetAborted()
      throw err
    }
    try {
      await this.#takePoints(accountId, Math.min(queries, this.window.points), signal)
    } catch (err) {
      await slot.release().catch(() => {})
      throw err
    }
    return async () => { await slot.release() }
  }

  async #takePoints (accountId: number, queries: number, signal?: AbortSignal): Promise<void> {
    if (queries <= 0) return
    for (;;) {
      if (signal?.aborted === true) throw new BudgetAborted()
      try {
        await this.#points.consume(String(accountId), queries)
        return
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res
        await sleep(Math.max(10, res.msBeforeNext), signal)
      }
    }
  }
}

/** The caller stopped waiting for its budget. */
export class BudgetAborted extends Error {
  constructor () { super('stopped waiting for a NerdGraph request slot') }
}
