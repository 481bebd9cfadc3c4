/**
 * A rollout's `statuses` string: one character per plan entry, recorded ok, failed or not
 * yet. The encoding lives here only; everything else asks these functions.
 */
import type { RolloutState } from '../schemas/rollout.ts'

/** One character per plan entry in the stored `statuses` field. */
export const STATUS_CHAR = { pending: '-', ok: 'o', failed: 'f' } as const

export type EntryStatus = 'pending' | 'ok' | 'failed'

/** The statuses of a plan nobody has run yet. */
export function freshStatuses (planLength: number): string {
  return STATUS_CHAR.pending.repeat(planLength)
}

/** What happened to plan entry `index`. */
export function entryStatus (statuses: string, index: number): EntryStatus {
  const c = statuses[index]
  return c === STATUS_CHAR.ok ? 'ok' : c === STATUS_CHAR.failed ? 'failed' : 'pending'
}

/**
 * A plan entry as people see it: what was still pending when the rollout was cancelled, or
 * decided early (policy.earlyDecision), is skipped: it never runs.
 */
export function planEntryStatus (statuses: string, index: number, state: RolloutState): EntryStatus | 'skipped' {
  const status = entryStatus(statuses, index)
  return status === 'pending' && isFinal(state) ? 'skipped' : status
}

/** The status character a recorded entry gets. */
export function recordedChar (ok: boolean): string {
  return ok ? STATUS_CHAR.ok : STATUS_CHAR.failed
}

/** Plan indexes already recorded (ok or failed). */
export function recordedIndexes (statuses: string): Set<number> {
  const recorded = new Set<number>()
  for (let i = 0; i < statuses.length; i++) if (statuses[i] !== STATUS_CHAR.pending) recorded.add(i)
  return recorded
}

/** Plan entries before `index` not yet recorded. */
export function pendingBefore (statuses: string, index: number): number {
  let n = 0
  for (let i = 0; i < index && i < statuses.length; i++) if (statuses[i] === STATUS_CHAR.pending) n++
  return n
}

/** The first plan entry not yet recorded, or -1 when all are. */
export function nextPending (statuses: string): number {
  return statuses.indexOf(STATUS_CHAR.pending)
}

/** The last entry recorded ok at or before `last`, or -1. */
export function lastOk (statuses: string, last = statuses.length - 1): number {
  for (let i = Math.min(last, statuses.length - 1); i >= 0; i--) if (statuses[i] === STATUS_CHAR.ok) return i
  return -1
}

/** The newest recorded plan entry failed (anything run after it is still pending). */
export function newestFailed (statuses: string): boolean {
  for (let i = statuses.length - 1; i >= 0; i--) {
    if (statuses[i] === STATUS_CHAR.pending) continue
    return statuses[i] === STATUS_CHAR.failed
  }
  return false
}

/** Entries recorded ok and failed. */
export function counts (statuses: string): { ok: number, failed: number } {
  let ok = 0
  let failed = 0
  for (const c of statuses) {
    if (c === STATUS_CHAR.ok) ok++
    else if (c === STATUS_CHAR.failed) failed++
  }
  return { ok, failed }
}

/** A decided or cancelled rollout runs nothing more. */
export function isFinal (state: RolloutState): boolean {
  return state === 'decided' || state === 'cancelled'
}
