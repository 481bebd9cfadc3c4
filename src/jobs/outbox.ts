import type { Logger } from '../logger.ts'
import type { OutboxStore } from '../store/outbox-store.ts'
import type { CheckpointNotifier } from './notifier.ts'

export interface OutboxDeps {
  outbox: OutboxStore
  notifier: CheckpointNotifier
  log: Logger
  now: () => number
}

/** How old a mark must be before a periodic sweep re-sends: younger ones belong to a checkpoint still being recorded. */
export const SWEEP_AFTER_MS = 30_000
/** Most rollouts one sweep looks at (live rollouts stay marked, so it is about the live count); the rest wait. */
const MAX_SWEPT = 10_000

/**
 * Moves a rollout's unsent outbox entries to the notify queue, then deletes them. Queued
 * before deleted, so a crash in between sends again (the same job ids: BullMQ keeps one job,
 * receivers get the same X-Gonogo-Delivery) and never loses. Unmarks the rollout once it can
 * get no more entries. Returns how many entries were queued.
 */
export async function dispatchOutbox (deps: OutboxDeps, rolloutId: string): Promise<number> {
  const entries = await deps.outbox.entries(rolloutId)
  for (const entry of entries) {
    await deps.notifier.publish(entry.outcome, new Date(entry.occurredAt))
    await deps.outbox.done(rolloutId, [entry.id])
  }
  await deps.outbox.settle(rolloutId)
  return entries.length
}

/**
 * Dispatches the outbox of every rollout marked at least `olderThanMs` ago: what a process that
 * died between recording and queueing left behind. 0 (at worker start) takes every mark. A
 * rollout whose dispatch fails (Redis trouble) is logged and left for the next sweep.
 */
export async function sweepOutbox (deps: OutboxDeps, opts: { olderThanMs?: number } = {}): Promise<{ rollouts: number, sent: number }> {
  const ids = await deps.outbox.pending(deps.now() - (opts.olderThanMs ?? SWEEP_AFTER_MS), MAX_SWEPT)
  let sent = 0
  for (const id of ids) {
    try {
      sent += await dispatchOutbox(deps, id)
    } catch (err) {
      deps.log.error({ rolloutId: id, err }, 'could not dispatch the outbox; the next sweep tries again')
    }
  }
  if (sent > 0) deps.log.warn({ rollouts: ids.length, sent }, 'the outbox sweep queued notifications a crash had left unsent')
  return { rollouts: ids.length, sent }
}
