import { DelayedError, Worker, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import { advanceRollout } from './advance.ts'
import type { AdvanceDeps } from './types.ts'
import { QUEUE_NAME, type CheckpointJobData } from './queue.ts'
import { closeWorker } from '../worker-close.ts'

export interface CheckpointWorkerOptions {
  /** A connection with maxRetriesPerRequest: null, as BullMQ workers need. */
  connection: Redis
  prefix: string
  concurrency: number
  deps: Omit<AdvanceDeps, 'signal'>
  /** Runs the periodic sweep (reconcile.ts). */
  reconcile: () => Promise<unknown>
}

/**
 * The BullMQ worker of rollout jobs. The processor is advanceRollout; a run
 * that must come back later (lock busy, retry backoff, shutdown) moves its job
 * to delayed without spending a BullMQ attempt.
 */
export class CheckpointWorker {
  readonly worker: Worker<CheckpointJobData>
  readonly #stopping = new AbortController()
  readonly #log: AdvanceDeps['log']
  #closed: Promise<void> | undefined

  constructor (opts: CheckpointWorkerOptions) {
    const deps: AdvanceDeps = { ...opts.deps, signal: this.#stopping.signal }
    const log = opts.deps.log
    this.#log = log
    this.worker = new Worker<CheckpointJobData>(QUEUE_NAME, async (job: Job<CheckpointJobData>, token?: string) => {
      if (job.data.reason === 'reconcile') return await opts.reconcile()
      const outcome = await advanceRollout(deps, job.data.rolloutId, { index: job.data.index, reason: job.data.reason })
      if (outcome.kind === 'done') return { ran: outcome.ran }
      await job.moveToDelayed(outcome.at, token)
      throw new DelayedError(`rollout ${job.data.rolloutId}: ${outcome.why}`)
    }, {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      // A worker that dies mid-job loses the job lock after lockDuration; the
      // stalled check hands the job to another worker, whose run finds the
      // rollout lock free by then (same TTL) and resumes after the last record.
      lockDuration: 30_000,
      stalledInterval: 30_000,
      maxStalledCount: 2
    })
    this.worker.on('error', (err) => log.error({ err }, 'checkpoint worker error'))
    this.worker.on('failed', (job, err) => {
      const rolloutId = job !== undefined && 'rolloutId' in job.data ? job.data.rolloutId : undefined
      log.error({ err, jobId: job?.id, rolloutId, attemptsMade: job?.attemptsMade }, 'rollout job failed')
    })
  }

  /** Resolves once the worker's connection is initialised, so closing it later cannot race its start. */
  async ready (): Promise<void> {
    await this.worker.waitUntilReady()
  }

  /**
   * Stops taking jobs, lets a running catch-up stop after its current checkpoint, waits for it,
   * at most CLOSE_GRACE_MS: then the job is left to its lock (another worker takes it up as
   * stalled; the record script keeps the checkpoint to one record). Idempotent.
   */
  async close (): Promise<void> {
    this.#stopping.abort()
    this.#closed ??= closeWorker(this.worker,
      (why) => this.#log.warn({ why }, 'checkpoint worker: a job was still running at shutdown; left to its lock'))
    await this.#closed
  }
}
