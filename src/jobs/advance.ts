import { buildPlan, duePlanEntries } from '../rollout/plan.ts'
import { entryStatus, isFinal, pendingBefore, recordedIndexes } from '../rollout/statuses.ts'
import type { StoredRollout } from '../rollout/types.ts'
import type { HeldLock } from '../store/lock.ts'
import { runCheckpoint } from './run-checkpoint.ts'
import type { AdvanceDeps, AdvanceOutcome, WorkItem } from './types.ts'

/** Retry delay when another worker holds the rollout's lock, and the most added for a job far behind. */
const BUSY_RETRY_MS = 1000
const MAX_EXTRA_BUSY_MS = 29_000

/**
 * Advances one rollout: under its lock, runs every due checkpoint not yet
 * recorded, in order (manual requests in time order among them), then the
 * decision when due. Each is recorded exactly once by an atomic script; a
 * failing read is retried with backoff and finally recorded as failed.
 * `hint` is the plan index of the job that triggered this run, if any: when it
 * is already recorded another job did the work and there is nothing to take a lock for.
 */
export async function advanceRollout (deps: AdvanceDeps, rolloutId: string, hint?: { index?: number, reason?: string }): Promise<AdvanceOutcome> {
  const first = await deps.rollouts.get(rolloutId)
  if (first === null || isFinal(first.state)) return { kind: 'done', ran: 0 }
  if (hint?.reason === 'plan' && hint.index !== undefined) {
    if (entryStatus(first.statuses, hint.index) !== 'pending') return { kind: 'done', ran: 0 }
    // A job promoted a little early (clocks of hosts differ) must not finish with its entry not yet due.
    const entry = buildPlan(first.spec.startAt, first.spec.decisionAt, first.spec.everyMs)[hint.index]
    const dueAt = entry === undefined ? 0 : entry.at + deps.settings.lagMs
    if (dueAt > deps.now()) return { kind: 'later', at: dueAt, why: 'retry', ran: 0 }
  }

  const held = await deps.lock.withLock(rolloutId, async (lock) => await advanceLocked(deps, rolloutId, lock))
  if (!held.acquired) return { kind: 'later', at: deps.now() + busyDelay(first, hint?.index), why: 'busy', ran: 0 }
  return held.value
}

/**
 * How long a job waits when another worker holds the lock. The holder runs
 * everything due, so a job far down a long catch-up need not knock every
 * second: it waits longer the more unrecorded entries are ahead of it.
 */
function busyDelay (rollout: StoredRollout, index: number | undefined): number {
  if (index === undefined) return BUSY_RETRY_MS
  return BUSY_RETRY_MS + Math.min(MAX_EXTRA_BUSY_MS, pendingBefore(rollout.statuses, index) * 100)
}

async function advanceLocked (deps: AdvanceDeps, rolloutId: string, lock: HeldLock): Promise<AdvanceOutcome> {
  let ran = 0
  let announced = false
  for (;;) {
    const now = deps.now()
    if (deps.signal?.aborted === true) return { kind: 'later', at: now, why: 'stopping', ran }
    if (!lock.held) return { kind: 'later', at: now + BUSY_RETRY_MS, why: 'busy', ran }
    const rollout = await deps.rollouts.get(rolloutId)
    if (rollout === null || isFinal(rollout.state)) return { kind: 'done', ran }
    if (rollout.state === 'scheduled' && now >= rollout.spec.startAt) {
      await deps.rollouts.transition(rolloutId, 'monitoring', ['scheduled'], 'startedAt', now)
      deps.log.info({ rolloutId, name: rollout.spec.name }, 'rollout started monitoring')
    }
    const work = dueWork(rollout, await deps.checkpoints.pendingManual(rolloutId), now, deps.settings.lagMs)
    if (work.length === 0) return { kind: 'done', ran }
    if (!announced && work.length > 1) {
      deps.log.info({ rolloutId, due: work.length }, 'catching up: running every due checkpoint in order')
    }
    announced = true
    const item = work[0]
    const { notBefore } = await deps.checkpoints.attempts(rolloutId, item.index)
    if (notBefore > now) return { kind: 'later', at: notBefore, why: 'retry', ran }

    const outcome = await runCheckpoint(deps, rollout, item, lock, work.length - 1)
    if (outcome.kind === 'retry') return { kind: 'later', at: outcome.at, why: 'retry', ran }
    if (outcome.kind === 'stop') return { kind: 'done', ran }
    if (outcome.kind === 'lost-lock') return { kind: 'later', at: deps.now() + BUSY_RETRY_MS, why: 'busy', ran }
    ran++
  }
}

/** Due work in the order it must run: checkpoints and manual requests by time, the decision last. */
export function dueWork (rollout: StoredRollout, manual: Array<{ index: number, at: number }>, now: number, lagMs: number): WorkItem[] {
  const { spec, statuses } = rollout
  const due = duePlanEntries(buildPlan(spec.startAt, spec.decisionAt, spec.everyMs), recordedIndexes(statuses), now, lagMs)
  const items: WorkItem[] = [
    ...due.filter(e => e.kind === 'checkpoint').map(e => ({ index: e.index, kind: 'checkpoint' as const, at: e.at })),
    ...manual.map(m => ({ index: m.index, kind: 'manual' as const, at: m.at }))
  ].sort((a, b) => a.at - b.at || (a.kind === 'manual' ? 1 : 0) - (b.kind === 'manual' ? 1 : 0))
  const decision = due.find(e => e.kind === 'decision')
  if (decision !== undefined) items.push({ index: decision.index, kind: 'decision', at: decision.at })
  return items
}
