import type { JobsOptions, Queue } from 'bullmq'
import type { RolloutSpec } from '../rollout/types.ts'
import { buildPlan } from '../rollout/plan.ts'

/** The BullMQ queue of rollout jobs (keys `<queuePrefix(prefix)>:checkpoints:*`, store/keys.ts). */
export const QUEUE_NAME = 'checkpoints'

/**
 * Every job means "advance this rollout": run whatever is due, in order. The
 * job id only makes each planned moment enqueue once; `index` lets a job that
 * finds its own checkpoint already recorded finish without taking the lock.
 */
export interface AdvanceJobData {
  rolloutId: string
  /** 'start' at startAt, 'plan' at a plan entry's time, 'manual' for a run-now request. */
  reason: 'start' | 'plan' | 'manual'
  index?: number
}

/** The periodic sweep that re-adds missing jobs of live rollouts (see reconcile.ts). */
export interface ReconcileJobData { reason: 'reconcile' }

export type CheckpointJobData = AdvanceJobData | ReconcileJobData

/** Id of the job scheduler that runs the sweep, and how often. */
export const RECONCILE_SCHEDULER = 'reconcile'
export const RECONCILE_EVERY_MS = 5 * 60_000

/**
 * Deterministic job ids: "<rolloutId>-<index>", "<rolloutId>-start", "<rolloutId>-m<index>".
 * BullMQ refuses ':' in custom ids (it is its key separator), and rollout ids
 * are ULIDs without '-', so '-' is unambiguous.
 */
export function jobId (rolloutId: string, what: number | 'start' | `m${number}`): string {
  return `${rolloutId}-${what}`
}

/**
 * Job-level retries cover what advanceRollout does not handle itself (Redis
 * hiccups, bugs); New Relic failures are retried per checkpoint inside it.
 * Finished jobs are kept a while so an id is not reused by a stray re-add, then dropped.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 }
}

/** Enqueues and removes a rollout's jobs. */
export class RolloutScheduler {
  readonly queue: Queue<CheckpointJobData>

  constructor (queue: Queue<CheckpointJobData>) {
    this.queue = queue
  }

  /**
   * One delayed job at startAt and one per plan entry at its time plus the
   * ingest lag; past ones run at once. Idempotent: BullMQ ignores an id it holds.
   */
  async schedule (spec: RolloutSpec, now: number, lagMs: number, skip: ReadonlySet<number> = new Set()): Promise<void> {
    const delay = (at: number) => Math.max(0, at - now)
    const jobs: Array<{ name: string, data: AdvanceJobData, opts: JobsOptions }> = [{
      name: 'start',
      data: { rolloutId: spec.id, reason: 'start' },
      opts: { ...JOB_OPTIONS, jobId: jobId(spec.id, 'start'), delay: delay(spec.startAt) }
    }]
    for (const entry of buildPlan(spec.startAt, spec.decisionAt, spec.everyMs)) {
      if (skip.has(entry.index)) continue
      jobs.push({
        name: entry.kind,
        data: { rolloutId: spec.id, reason: 'plan', index: entry.index },
        opts: { ...JOB_OPTIONS, jobId: jobId(spec.id, entry.index), delay: delay(entry.at + lagMs) }
      })
    }
    for (let i = 0; i < jobs.length; i += 500) await this.queue.addBulk(jobs.slice(i, i + 500))
  }

  /** A job to run a requested manual checkpoint now. */
  async runManual (rolloutId: string, index: number): Promise<void> {
    await this.queue.add('manual', { rolloutId, reason: 'manual', index }, { ...JOB_OPTIONS, jobId: jobId(rolloutId, `m${index}`) })
  }

  /** Makes the sweep run every RECONCILE_EVERY_MS on some worker (idempotent: one scheduler per queue). */
  async scheduleReconcile (): Promise<void> {
    await this.queue.upsertJobScheduler(RECONCILE_SCHEDULER, { every: RECONCILE_EVERY_MS }, {
      name: 'reconcile',
      data: { reason: 'reconcile' },
      opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 100 } }
    })
  }

  /** Removes the jobs still waiting (a running one sees the cancelled state and stops). */
  async unschedule (spec: RolloutSpec): Promise<void> {
    const ids = [jobId(spec.id, 'start'), ...Array.from({ length: spec.planLength }, (_, i) => jobId(spec.id, i))]
    await Promise.all(ids.map(async id => await this.queue.remove(id).catch(() => 0)))
  }
}
