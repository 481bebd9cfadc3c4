import type dns from 'node:dns'
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions } from 'bullmq'
import { Redis, type RedisOptions } from 'ioredis'
import pino, { type Logger } from 'pino'
import type { Agent } from 'undici'
import type { Config } from '../config.ts'
import type { Metrics } from '../plugins/metrics.ts'
import type { NotifyTarget } from '../schemas/notify.ts'
import { delayFor } from './backoff.ts'
import { defaultTargets } from './defaults.ts'
import { eventsFor } from './events.ts'
import { guardedAgent } from './guard.ts'
import { deliveryJobId, QUEUE_NAME, type DeliveryJob } from './job.ts'
import { postOnce, type PostResult } from './post.ts'
import { redisOptions } from './redis-options.ts'
import { renderBody, wants } from './render.ts'
import { deliveryHeaders } from './headers.ts'
import { fingerprint, TargetStore } from './target-store.ts'
import type { CheckpointOutcome, DeliveryFailure } from './types.ts'
import { checkUrlStatic, UrlPolicyError } from './url-policy.ts'
import { targetOrigin } from './view.ts'

/** Delivery tuning; the defaults suit production, tests shrink the times. */
export interface DeliverySettings {
  /** Attempts per delivery, the first included (default 8: about an hour with the default delays). */
  attempts: number
  /** First retry delay before jitter (default 30 s); doubles each retry. */
  baseDelayMs: number
  /** Longest wait between attempts, Retry-After included (default 30 min). */
  maxDelayMs: number
  /** One attempt, connect to last byte (default 10 s). */
  timeoutMs: number
  /** Deliveries in flight per worker (default 16), so a hanging receiver holds one slot, not the queue. */
  concurrency: number
  /** How long finished jobs are kept; within it, publishing the same outcome again is a no-op (default 7 days). */
  keepCompletedSeconds: number
  keepFailedSeconds: number
  /** DNS lookup used when connecting (tests play rebinding resolvers with it). */
  lookup?: typeof dns.lookup
}

export interface NotifierOptions {
  /** Redis: a redis:// or rediss:// URL, or ioredis options. */
  connection: string | RedisOptions
  /** Redis key prefix (GONOGO_REDIS_PREFIX); the queue is `<prefix>:notify`. */
  prefix: string
  config: Pick<Config, 'webhookAllowHosts' | 'GONOGO_NOTIFY_DEFAULT' | 'GONOGO_PUBLIC_URL'>
  logger?: Logger
  metrics?: Pick<Metrics, 'notifications'>
  /** Called once per delivery that will not be retried any more; the rollouts store records it on the rollout. */
  onFailure?: (rolloutId: string, failure: DeliveryFailure) => Promise<void>
  delivery?: Partial<DeliverySettings>
}

const DEFAULTS: DeliverySettings = {
  attempts: 8,
  baseDelayMs: 30_000,
  maxDelayMs: 30 * 60_000,
  timeoutMs: 10_000,
  concurrency: 16,
  keepCompletedSeconds: 7 * 86_400,
  keepFailedSeconds: 30 * 86_400
}

/** Thrown by an attempt that should be retried; carries the receiver's Retry-After to the backoff strategy. */
class RetryableDeliveryError extends Error {
  readonly retryAfterMs: number | undefined
  constructor (message: string, retryAfterMs?: number) {
    super(message)
    this.name = 'RetryableDeliveryError'
    this.retryAfterMs = retryAfterMs
  }
}

/**
 * Turns checkpoint outcomes into notifications and delivers them through its
 * own BullMQ queue, at least once, with backoff, so a slow or dead receiver
 * never delays another receiver or the analysis. One instance per process:
 * `publish()` where checkpoints run, `startWorker()` where deliveries should
 * be made (the same process is fine), `close()` on shutdown.
 */
export class Notifier {
  readonly settings: DeliverySettings
  readonly #connection: RedisOptions
  readonly #prefix: string
  readonly #config: NotifierOptions['config']
  readonly #defaults: NotifyTarget[]
  readonly #log: Logger
  readonly #metrics: NotifierOptions['metrics']
  readonly #onFailure: NotifierOptions['onFailure']
  readonly #queue: Queue<DeliveryJob>
  readonly #redis: Redis
  readonly #targets: TargetStore
  #agent: Agent | undefined
  #worker: Worker<DeliveryJob> | undefined
  #closing: Promise<void> | undefined

  /** Throws a ConfigError when GONOGO_NOTIFY_DEFAULT is malformed, so start-up stops with a clear message. */
  constructor (opts: NotifierOptions) {
    this.settings = { ...DEFAULTS, ...opts.delivery }
    this.#defaults = defaultTargets(opts.config)
    this.#connection = redisOptions(opts.connection)
    this.#prefix = opts.prefix
    this.#config = opts.config
    this.#log = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'notify' })
    this.#metrics = opts.metrics
    this.#onFailure = opts.onFailure
    this.#queue = new Queue<DeliveryJob>(QUEUE_NAME, { connection: this.#connection, prefix: this.#prefix })
    this.#queue.on('error', (err) => this.#log.warn({ err: err.message }, 'notify queue connection error'))
    this.#redis = new Redis({ ...this.#connection, lazyConnect: true })
    this.#redis.on('error', (err) => this.#log.warn({ err: err.message }, 'notify store connection error'))
    // The longest a pending retry can wait, twice over: stored targets outlive every job that needs them.
    const ttl = Math.max(this.settings.keepFailedSeconds, Math.ceil(this.settings.attempts * this.settings.maxDelayMs / 1000) * 2)
    this.#targets = new TargetStore(this.#redis, this.#prefix, ttl)
  }

  /**
   * Queues the events of one checkpoint outcome for every target of the
   * rollout and every default target: one job per (event, target) with a
   * deterministic id, so calling it again for the same outcome (a retried
   * checkpoint job) queues nothing new. Resolves once the jobs are in Redis,
   * with their ids; rejects only when Redis cannot be written.
   */
  async publish (outcome: CheckpointOutcome): Promise<string[]> {
    if (this.#closing !== undefined) throw new Error('notifier is closed')
    const own = outcome.rollout.notify
    // A default target the rollout also names would post every message twice.
    const defaults = this.#defaults.filter(d => !own.some(t => t.kind === d.kind && t.url === d.url))
    const targets = [
      ...own.map((t, i) => ({ index: String(i), target: t, ref: `r:${fingerprint(t)}` })),
      ...defaults.map(t => this.#defaults.indexOf(t)).map(i => ({ index: `d${i}`, target: this.#defaults[i], ref: `d:${i}` }))
    ]
    if (targets.length === 0) return []
    await this.#targets.save(outcome.rollout.id, own)
    const jobs: Array<{ name: string, data: DeliveryJob, opts: JobsOptions }> = []
    for (const event of eventsFor(outcome)) {
      const bodies = new Map<string, string>()
      for (const { index, target, ref } of targets) {
        if (!wants(target.kind, event)) continue
        let body = bodies.get(target.kind)
        if (body === undefined) {
          body = renderBody(target.kind, event, this.#config.GONOGO_PUBLIC_URL)
          bodies.set(target.kind, body)
        }
        jobs.push({
          name: event.type,
          data: { eventId: event.id, type: event.type, rolloutId: outcome.rollout.id, kind: target.kind, target: ref, origin: targetOrigin(target.url), body },
          opts: this.#jobOptions(deliveryJobId(event.id, index))
        })
      }
    }
    await this.#queue.addBulk(jobs)
    this.#log.debug({ rolloutId: outcome.rollout.id, checkpoint: outcome.checkpointIndex, jobs: jobs.length }, 'notifications queued')
    return jobs.map(j => j.opts.jobId as string)
  }

  /**
   * Starts delivering. Idempotent; resolves when the worker is connected.
   * Deliveries run `concurrency` at a time, each bounded by `timeoutMs`.
   */
  async startWorker (): Promise<void> {
    if (this.#closing !== undefined) throw new Error('notifier is closed')
    if (this.#worker !== undefined) {
      await this.#worker.waitUntilReady()
      return
    }
    const s = this.settings
    this.#agent = guardedAgent({
      allowHosts: this.#config.webhookAllowHosts,
      connectTimeoutMs: s.timeoutMs,
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
      lookup: s.lookup
    })
    const worker = new Worker<DeliveryJob>(QUEUE_NAME, async (job) => await this.#deliver(job), {
      // Blocking worker connections must retry forever rather than give up while Redis restarts.
      connection: { ...this.#connection, maxRetriesPerRequest: null },
      prefix: this.#prefix,
      concurrency: s.concurrency,
      // An attempt takes at most timeoutMs; the lock must outlast it or the job counts as stalled.
      lockDuration: Math.max(30_000, s.timeoutMs * 3),
      maxStalledCount: 3,
      settings: {
        backoffStrategy: (attemptsMade, _type, err) =>
          delayFor(attemptsMade, err instanceof RetryableDeliveryError ? err.retryAfterMs : undefined, s)
      }
    })
    worker.on('error', (err) => this.#log.warn({ err: err.message }, 'notify worker error'))
    // A job that stalls too often fails without our processor seeing its last attempt: record it here.
    worker.on('failed', (job, err) => {
      if (job === undefined || !/stalled/i.test(err.message)) return
      this.#giveUp(job.data, job.attemptsMade, err.message).catch(() => {})
    })
    this.#worker = worker
    await worker.waitUntilReady()
  }

  /** Drops a rollout's stored targets (call when the rollout is deleted); its pending deliveries then fail. */
  async forget (rolloutId: string): Promise<void> {
    await this.#targets.forget(rolloutId)
  }

  /** Jobs in the notify queue by state, for the queue-depth gauge. */
  async jobCounts (): Promise<Record<string, number>> {
    return await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'failed')
  }

  /** Stops the worker (letting deliveries in flight finish) and closes connections. Idempotent. */
  async close (): Promise<void> {
    this.#closing ??= (async () => {
      await this.#worker?.close()
      await this.#queue.close()
      await this.#redis.quit().catch(() => this.#redis.disconnect())
      await this.#agent?.close()
    })()
    await this.#closing
  }

  #jobOptions (jobId: string): JobsOptions {
    const s = this.settings
    return {
      jobId,
      attempts: s.attempts,
      backoff: { type: 'gonogo' },
      removeOnComplete: { age: s.keepCompletedSeconds },
      removeOnFail: { age: s.keepFailedSeconds }
    }
  }

  /** One attempt of one job: resolve the target, check it, post, classify, retry or give up. */
  async #deliver (job: Job<DeliveryJob>): Promise<void> {
    const data = job.data
    const attempt = job.attemptsMade + 1
    const { target, result } = await this.#attempt(data)
    const log = { eventId: data.eventId, type: data.type, kind: data.kind, target: data.origin, attempt }
    if (result.ok) {
      this.#metrics?.notifications.inc({ kind: data.kind, outcome: 'delivered' })
      this.#log.info({ ...log, status: result.status }, 'notification delivered')
      return
    }
    const error = target === undefined ? result.error : scrub(result.error, target)
    if (!result.permanent && attempt < (job.opts.attempts ?? 1)) {
      this.#metrics?.notifications.inc({ kind: data.kind, outcome: 'retried' })
      this.#log.warn({ ...log, status: result.status, err: error }, 'notification attempt failed; will retry')
      throw new RetryableDeliveryError(error, result.retryAfterMs)
    }
    await this.#giveUp(data, attempt, error)
    throw new UnrecoverableError(error)
  }

  /** Finds the target and posts once; every failure becomes a PostResult, never a throw. */
  async #attempt (data: DeliveryJob): Promise<{ target?: NotifyTarget, result: PostResult }> {
    let target: NotifyTarget | undefined
    try {
      target = await this.#resolve(data)
    } catch (err) {
      // A Redis hiccup: worth another attempt like any transient failure.
      return { result: { ok: false, permanent: false, error: `could not read the target: ${(err as Error).message}` } }
    }
    if (target === undefined) {
      return { result: { ok: false, permanent: true, error: 'target no longer known (rollout forgotten, retention passed or default target removed)' } }
    }
    const result = this.#recheck(target) ?? await postOnce({
      url: target.url,
      body: data.body,
      headers: deliveryHeaders(data, target),
      timeoutMs: this.settings.timeoutMs,
      dispatcher: this.#agent as Agent
    })
    return { target, result }
  }

  /** Counts, logs and reports a delivery that will not be retried. */
  async #giveUp (data: DeliveryJob, attempts: number, error: string): Promise<void> {
    this.#metrics?.notifications.inc({ kind: data.kind, outcome: 'failed' })
    this.#log.error({ eventId: data.eventId, type: data.type, kind: data.kind, target: data.origin, attempts, err: error }, 'notification not delivered; giving up')
    if (this.#onFailure === undefined) return
    const failure: DeliveryFailure = {
      eventId: data.eventId, type: data.type, kind: data.kind, target: data.origin, attempts, error, at: new Date().toISOString()
    }
    try {
      await this.#onFailure(data.rolloutId, failure)
    } catch (err) {
      this.#log.error({ eventId: data.eventId, err: (err as Error).message }, 'could not record a notification failure on the rollout')
    }
  }

  async #resolve (data: DeliveryJob): Promise<NotifyTarget | undefined> {
    if (data.target.startsWith('d:')) {
      const target = this.#defaults[Number(data.target.slice(2))]
      return target?.kind === data.kind ? target : undefined
    }
    return await this.#targets.get(data.rolloutId, data.target.slice(2))
  }

  /** The static URL rules again, at delivery: the allow list may have changed since the target was accepted. */
  #recheck (target: NotifyTarget): PostResult | undefined {
    try {
      checkUrlStatic(target.url, target.kind, this.#config.webhookAllowHosts)
      return undefined
    } catch (err) {
      if (!(err instanceof UrlPolicyError)) throw err
      return { ok: false, permanent: true, error: `url ${err.message}` }
    }
  }
}

/** Error texts may quote what they were given; keep the URL's path and the secret out of logs and records. */
function scrub (message: string, target: NotifyTarget): string {
  let out = message.split(target.url).join(targetOrigin(target.url))
  try {
    const { pathname, search } = new URL(target.url)
    if (pathname.length > 1) out = out.split(pathname).join('/[redacted]')
    if (search.length > 1) out = out.split(search).join('?[redacted]')
  } catch {}
  if (target.kind === 'webhook') out = out.split(target.secret).join('[redacted]')
  return out
}
