/**
 * Over 200 lines: one class owns the notify queue, its worker and their connections, so start-up and shutdown have one order.
 */
import type dns from 'node:dns'
import { Queue, Worker } from 'bullmq'
import type { Redis } from 'ioredis'
import pino from 'pino'
import type { Agent } from 'undici'
import type { Config } from '../config.ts'
import type { Metrics } from '../metrics.ts'
import type { NotifyTarget } from '../schemas/notify.ts'
import { delayFor } from './deliver/backoff.ts'
import { defaultTargets } from './targets/defaults.ts'
import { guardedAgent } from './deliver/guard.ts'
import type { Logger } from '../logger.ts'
import { QUEUE_NAME, type DeliveryJob } from './job.ts'
import { planDeliveries } from './plan.ts'
import { DeliveryProcessor, RetryableDeliveryError } from './deliver/processor.ts'
import { TargetStore } from './targets/store.ts'
import type { NotifyOutcome } from '../rollout/outcome.ts'
import type { NotifyFailure } from '../schemas/rollout.ts'
import { queuePrefix } from '../store/keys.ts'
import { closeRedis, QUIT_MS } from '../store/redis-client.ts'
import { closeWithin } from '../deadline.ts'
import { closeWorker } from '../worker-close.ts'

/** Delivery tuning; the defaults suit production, tests shrink the times. */
export interface DeliverySettings {
  /** Attempts per delivery, the first included (default 8: 30 to 60 minutes with the default delays). */
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
  /** How long failed jobs are kept, for inspection (default 30 days). */
  keepFailedSeconds: number
  /** DNS lookup used when connecting (tests play rebinding resolvers with it). */
  lookup?: typeof dns.lookup
}

export interface NotifierOptions {
  /** Makes the notifier's Redis connections (plugins/app/redis.ts's connector): it closes them. */
  connect: (role: 'state' | 'queue' | 'blocking', name: string) => Redis
  /** Redis key prefix (GONOGO_REDIS_PREFIX); the queue's keys are `<queuePrefix(prefix)>:notify:*`. */
  prefix: string
  config: Pick<Config, 'webhookAllowHosts' | 'GONOGO_NOTIFY_DEFAULT' | 'GONOGO_PUBLIC_URL'>
  /** pino or Fastify's app.log; notify logs through a child with component "notify". */
  logger?: Logger
  metrics?: Pick<Metrics, 'notifications'>
  /** Called once per delivery that will not be retried any more; the rollouts store records it on the rollout. */
  onFailure?: (rolloutId: string, failure: NotifyFailure) => Promise<void>
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

/**
 * Turns checkpoint outcomes into notifications and delivers them through its
 * own BullMQ queue, at least once, with backoff, so a slow or dead receiver
 * never delays another receiver or the analysis. One instance per process:
 * `publish()` where checkpoints run, `startWorker()` where deliveries should
 * be made (the same process is fine), `close()` on shutdown.
 */
export class Notifier {
  readonly settings: DeliverySettings
  readonly #connect: NotifierOptions['connect']
  readonly #queueConnection: Redis
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
  #workerConnection: Redis | undefined
  #closing: Promise<void> | undefined

  /** Throws a ConfigError when GONOGO_NOTIFY_DEFAULT is malformed, so start-up stops with a clear message. */
  constructor (opts: NotifierOptions) {
    this.settings = { ...DEFAULTS, ...opts.delivery }
    this.#defaults = defaultTargets(opts.config)
    this.#connect = opts.connect
    this.#prefix = opts.prefix
    this.#config = opts.config
    this.#log = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'notify' })
    this.#metrics = opts.metrics
    this.#onFailure = opts.onFailure
    this.#queueConnection = opts.connect('queue', 'notify queue')
    this.#queue = new Queue<DeliveryJob>(QUEUE_NAME, { connection: this.#queueConnection, prefix: queuePrefix(this.#prefix) })
    this.#queue.on('error', (err) => this.#log.warn({ err: err.message }, 'notify queue connection error'))
    this.#redis = opts.connect('state', 'notify targets')
    // Stored targets must outlive every job that may still need them: the longest retry schedule, twice over.
    const ttl = Math.max(this.settings.keepFailedSeconds, Math.ceil(this.settings.attempts * this.settings.maxDelayMs / 1000) * 2)
    this.#targets = new TargetStore(this.#redis, this.#prefix, ttl)
  }

  /**
   * Resolves once the queue's connection is initialised. Call before use: a
   * notifier closed while BullMQ still connects would leave its init to reject
   * unhandled.
   */
  async ready (): Promise<void> {
    await this.#queue.waitUntilReady()
  }

  /**
   * Queues the events of one checkpoint outcome (or a cancellation) for every target of the
   * rollout and every default target: one job per (event, target) with a
   * deterministic id, so calling it again for the same outcome (a retried
   * checkpoint job) queues nothing new. Resolves once the jobs are in Redis
   * (job ids: `<eventId>.<targetIndex>`, see planDeliveries); rejects only
   * when Redis cannot be written, never because a receiver is down. `occurredAt` (default now)
   * is the events' time: the outbox passes its entry's, so a re-publish renders the same bodies.
   */
  async publish (outcome: NotifyOutcome, occurredAt?: Date): Promise<void> {
    if (this.#closing !== undefined) throw new Error('notifier is closed')
    const planned = planDeliveries(outcome, this.#defaults, this.#config.GONOGO_PUBLIC_URL, occurredAt)
    if (planned.length === 0) return
    // Targets first: a job must never be picked up before the target it points at is stored.
    await this.#targets.save(outcome.rollout.id, outcome.rollout.notify)
    const s = this.settings
    await this.#queue.addBulk(planned.map(p => ({
      name: p.data.type,
      data: p.data,
      opts: {
        jobId: p.jobId,
        attempts: s.attempts,
        backoff: { type: 'gonogo' },
        removeOnComplete: { age: s.keepCompletedSeconds },
        removeOnFail: { age: s.keepFailedSeconds }
      }
    })))
    const what = outcome.kind === 'cancel'
      ? { cancelled: true }
      : outcome.kind === 'people' ? { people: outcome.action } : { checkpoint: outcome.checkpointIndex }
    this.#log.debug({ rolloutId: outcome.rollout.id, ...what, jobs: planned.length }, 'notifications queued')
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
    const agent = guardedAgent({
      allowHosts: this.#config.webhookAllowHosts,
      connectTimeoutMs: s.timeoutMs,
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
      lookup: s.lookup
    })
    const processor = new DeliveryProcessor({
      targets: this.#targets,
      defaults: this.#defaults,
      allowHosts: this.#config.webhookAllowHosts,
      timeoutMs: s.timeoutMs,
      dispatcher: agent,
      log: this.#log,
      metrics: this.#metrics,
      onFailure: this.#onFailure
    })
    const worker = new Worker<DeliveryJob>(QUEUE_NAME, async (job) => await processor.process(job), {
      // Blocking worker connections must retry forever rather than give up while Redis restarts.
      connection: (this.#workerConnection = this.#connect('blocking', 'notify worker')),
      prefix: queuePrefix(this.#prefix),
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
    // A job that stalls too often fails without the processor seeing its last attempt: report it here.
    worker.on('failed', (job, err) => {
      if (job === undefined || !/stalled/i.test(err.message)) return
      processor.giveUp(job.data, job.attemptsMade, err.message).catch(() => {})
    })
    this.#agent = agent
    this.#worker = worker
    await worker.waitUntilReady()
  }

  /** Drops a rollout's stored targets (call when the rollout is deleted); its pending deliveries then fail. */
  async forget (rolloutId: string): Promise<void> {
    await this.#targets.forget(rolloutId)
  }

  /** Jobs in the notify queue by state, for the queue-depth gauge. */
  async jobCounts (): Promise<Record<string, number>> {
    return await this.#queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')
  }

  /** Ids of the jobs queued and not yet started (waiting or delayed), for tests and diagnostics. */
  async pendingJobIds (): Promise<string[]> {
    const jobs = await this.#queue.getJobs(['waiting', 'delayed', 'prioritized'])
    return jobs.flatMap(j => j?.id === undefined ? [] : [j.id])
  }

  /**
   * Stops the worker (letting deliveries in flight finish, at most CLOSE_GRACE_MS: an unfinished
   * one is resent from its job, under the same delivery id) and closes connections. Idempotent.
   */
  async close (): Promise<void> {
    this.#closing ??= (async () => {
      const worker = this.#worker
      if (worker !== undefined) {
        await closeWorker(worker,
          (why) => this.#log.warn({ why }, 'a delivery was still in flight at shutdown; it is resent from its job'))
      }
      await closeWithin(async () => await this.#queue.close(), QUIT_MS, async () => await this.#queue.disconnect())
      // BullMQ leaves connections it was handed to their owner.
      for (const c of [this.#workerConnection, this.#queueConnection, this.#redis]) await closeRedis(c)
      await this.#agent?.close()
    })()
    await this.#closing
  }
}
