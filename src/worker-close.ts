import type { Worker } from 'bullmq'
import { CLOSE_GRACE_MS, closeWithin, FORCE_MS } from './deadline.ts'

/**
 * Stops a BullMQ worker at shutdown: it takes no new job, the jobs it is running get `graceMs` to
 * finish (and be marked done), then the worker is closed by force, which stops its lock renewals and
 * drops its blocking connection whatever state Redis is in.
 *
 * Not `closeWithin(close(), …, close(true))`: a close() under way makes close(true) return that same
 * close, so a close stuck on a dead link (a Cluster node that was restarted, a job that never ends)
 * was never forced, and its lock-renewal timer and its own blocking connection (BullMQ duplicates
 * the one it is handed) kept the process alive after every test had passed. pause() waits for the
 * running jobs as close() would, and leaves close(true) free to do its job.
 */
export async function closeWorker (
  worker: Worker<any, any, any>, onForced: (why: string) => void, graceMs = CLOSE_GRACE_MS
): Promise<void> {
  // pause() reconnects the blocking connection once the jobs are done: on a Redis that is gone that
  // fails, which is not a job left behind, so only the deadline counts as forced.
  await closeWithin(async () => await worker.pause().catch(() => {}), graceMs, () => {}, onForced)
  await closeWithin(async () => await worker.close(true), FORCE_MS, () => {})
}
