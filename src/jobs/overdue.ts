import type { Logger } from '../logger.ts'
import { overdueOutcome, type OverdueOutcome } from '../rollout/outcome.ts'
import { overdueOf, type OverdueSettings } from '../rollout/overdue.ts'
import type { OverdueMarks } from '../store/overdue-marks.ts'
import type { RolloutStore } from '../store/rollout-store.ts'

/** Most live rollouts looked at in one sweep (as reconcile.ts). */
const MAX_LIVE = 10_000

/**
 * Announces overdue plan entries: for each live rollout whose due entry is overdue
 * (rollout/overdue.ts), one checkpoint.overdue, claimed with a SET NX mark so that many
 * workers sweeping at once send it once. Best effort: it runs in whichever worker is alive
 * (one stuck in retries still sweeps); with none alive the API still shows the rollout as
 * overdue, as that needs no worker. A claim whose publish fails is given back for the next sweep.
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
    if (!await deps.marks.claim(id, state.index, now)) continue
    try {
      await deps.publish(overdueOutcome(rollout, state))
      announced++
      deps.log.warn({ rolloutId: id, index: state.index, lateSeconds: state.lateSeconds }, state.reason)
    } catch (err) {
      await deps.marks.release(id, state.index).catch(() => {})
      deps.log.error({ rolloutId: id, index: state.index, err }, 'could not hand checkpoint.overdue to the notifier')
    }
  }
  return { overdue, announced }
}
