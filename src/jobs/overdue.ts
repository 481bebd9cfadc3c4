import type { Logger } from '../logger.ts'
import { overdueOutcome, type OverdueOutcome } from '../rollout/outcome.ts'
import { overdueOf, type OverdueSettings } from '../rollout/overdue.ts'
import type { OverdueMarks } from '../store/overdue-marks.ts'
import type { RolloutStore } from '../store/rollout-store.ts'

/** Most live rollouts looked at in one sweep (as reconcile.ts). */
const MAX_LIVE = 10_000

/**
 * Announces overdue plan entries: for each live rollout whose due entry is overdue
 * (rollout/overdue.ts), one checkpoint.overdue. Queued first, marked (SET NX) after: queueing
 * is idempotent (the delivery job ids are the event's), so workers racing on one entry, or a
 * sweep after a crash between the two steps, queue the same jobs again and receivers get one;
 * the mark only spares later sweeps the work. Best effort: it runs in whichever worker is
 * alive (one stuck in retries still sweeps); with none alive the API still shows the rollout
 * as overdue, as that needs no worker.
 */
export async function announceOverdue (deps: {
  rollouts: RolloutStore
  marks: OverdueMarks
  publish: (outcome: OverdueOutcome) => Promise<void>
  now: () => number
  settings: OverdueSettings
  log: Logger
}): Promise<{ overdue: number, announced: number }> {
  const ids = [
    ...await deps.rollouts.idsIn('scheduled', MAX_LIVE),
    ...await deps.rollouts.idsIn('monitoring', MAX_LIVE)
  ]
  let overdue = 0
  let announced = 0
  for (const rollout of await deps.rollouts.getMany(ids)) {
    const now = deps.now()
    const state = overdueOf(rollout, now, deps.settings)
    if (!state.overdue) continue
    overdue++
    const id = rollout.spec.id
    if (await deps.marks.announced(id, state.index)) continue
    try {
      await deps.publish(overdueOutcome(rollout, state))
    } catch (err) {
      // Unmarked: the next sweep tries again.
      deps.log.error({ rolloutId: id, index: state.index, err }, 'could not hand checkpoint.overdue to the notifier')
      continue
    }
    if (!await deps.marks.mark(id, state.index, now)) continue
    announced++
    deps.log.warn({ rolloutId: id, index: state.index, lateSeconds: state.lateSeconds }, state.reason)
  }
  return { overdue, announced }
}
