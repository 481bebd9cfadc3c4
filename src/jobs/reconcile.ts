import type { Queue } from 'bullmq'
import type { CheckpointStore } from '../store/checkpoint-store.ts'
import type { RolloutStore } from '../store/rollout-store.ts'
import type { Logger } from '../logger.ts'
import type { CheckpointJobData, RolloutScheduler } from './queue.ts'
import { recordedIndexes } from '../rollout/statuses.ts'

/** Most live rollouts looked at in one pass. */
const MAX_LIVE = 10_000
/** Most finished rollouts deleted in one pass: a backlog drains over a few passes, never in one long one. */
const MAX_PURGED = 500

/**
 * Makes sure every live rollout has its jobs: re-adds what is missing (a crash
 * between storing a rollout and enqueueing its jobs) and retries jobs that
 * failed for good (Redis trouble outlasting the job's attempts), and deletes
 * finished rollouts past their retention. Runs when a worker starts and every
 * few minutes (a job scheduler); everything it does is idempotent. The outbox sweep
 * (outbox.ts) runs just before it in the same job, so notifications come before repairs.
 */
export async function reconcile (deps: {
  rollouts: RolloutStore
  checkpoints: CheckpointStore
  scheduler: RolloutScheduler
  now: () => number
  lagMs: number
  /** Rollouts that ended (decided or cancelled) longer ago than this are deleted; 0 keeps them forever. */
  retentionMs?: number
  log: Logger
}): Promise<{ rollouts: number, retried: number, purged: number }> {
  const queue: Queue<CheckpointJobData> = deps.scheduler.queue
  const ids = [
    ...await deps.rollouts.idsIn('scheduled', MAX_LIVE),
    ...await deps.rollouts.idsIn('monitoring', MAX_LIVE)
  ]
  const live = new Set(ids)
  let retried = 0
  for (const job of await queue.getJobs(['failed'], 0, 5000)) {
    if ('rolloutId' in job.data && live.has(job.data.rolloutId)) {
      await job.retry('failed').catch(() => {})
      retried++
    }
  }
  for (const rollout of await deps.rollouts.getMany(ids)) {
    await deps.scheduler.schedule(rollout.spec, deps.now(), deps.lagMs, recordedIndexes(rollout.statuses))
    for (const m of await deps.checkpoints.pendingManual(rollout.spec.id)) await deps.scheduler.runManual(rollout.spec.id, m.index)
  }
  if (ids.length > 0 || retried > 0) deps.log.info({ rollouts: ids.length, retried }, 'reconciled the jobs of live rollouts')
  let purged = 0
  if (deps.retentionMs !== undefined && deps.retentionMs > 0) {
    const gone = await deps.rollouts.purgeFinishedBefore(deps.now() - deps.retentionMs, MAX_PURGED)
    purged = gone.length
    if (purged > 0) deps.log.info({ purged, oldest: gone[0] }, 'deleted finished rollouts past GONOGO_RETENTION_DAYS')
  }
  return { rollouts: ids.length, retried, purged }
}
