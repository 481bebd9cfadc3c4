/**
 * Staleness: whether a live rollout's due plan entry is later than any worker would leave it.
 * Pure (stored rollout + clock), so the API can tell without a worker: the point is the case
 * where no worker is left to tell.
 */
import type { PlanKind } from './plan.ts'
import { entryAt } from './plan.ts'
import { nextPending } from './statuses.ts'
import type { StoredRollout } from './types.ts'

/** How late a plan entry may be before it counts as overdue. */
export interface OverdueSettings {
  /** GONOGO_CHECKPOINT_LAG_SECONDS in ms: a checkpoint runs this long after its time. */
  lagMs: number
  /** GONOGO_OVERDUE_GRACE_SECONDS in ms: the time a worker gets to run and record it. */
  graceMs: number
}

/** The plan entry nobody recorded in time. */
export interface Overdue {
  overdue: true
  /** Plan index (0-based; "checkpoint index + 1" for people). */
  index: number
  kind: PlanKind
  /** The entry's time and when it was due to run (its time plus the lag), epoch ms. */
  at: number
  dueAt: number
  /** Seconds since it was due. */
  lateSeconds: number
  /** One line for people: "checkpoint 3 (due 14:00 Asia/Kolkata) is 4 min overdue: no worker has recorded it". */
  reason: string
}

export type OverdueState = Overdue | { overdue: false }

const NOT_OVERDUE = { overdue: false } as const

/**
 * The first plan entry not yet recorded, when it is more than lag + grace late. Only live
 * rollouts (scheduled or monitoring) can be overdue. The clock starts at the latest of when
 * the entry was due, when the rollout was created and when it last changed: a rollout created
 * with a past start, or one catching up entry after entry, is not overdue while a worker keeps
 * recording. A checkpoint being retried after a failure is not recorded, so it counts as
 * overdue once it passes the bound like one nobody runs: either way the data is late.
 */
export function overdueOf (
  r: Pick<StoredRollout, 'spec' | 'state' | 'statuses' | 'updatedAt'>, now: number, settings: OverdueSettings
): OverdueState {
  if (r.state !== 'scheduled' && r.state !== 'monitoring') return NOT_OVERDUE
  const index = nextPending(r.statuses)
  if (index < 0 || index >= r.spec.planLength) return NOT_OVERDUE
  const at = entryAt(r.spec, index)
  const dueAt = at + settings.lagMs
  const since = Math.max(dueAt, r.spec.createdAt, r.updatedAt)
  if (now - since <= settings.graceMs) return NOT_OVERDUE
  const kind: PlanKind = index === r.spec.planLength - 1 ? 'decision' : 'checkpoint'
  const lateSeconds = Math.floor((now - dueAt) / 1000)
  return { overdue: true, index, kind, at, dueAt, lateSeconds, reason: overdueReason(kind, index, at, r.spec.timezone, lateSeconds) }
}

/** When an entry that is not overdue now would become so if nothing changes; null when it never would. */
export function overdueFrom (
  r: Pick<StoredRollout, 'spec' | 'state' | 'statuses' | 'updatedAt'>, settings: OverdueSettings
): number | null {
  if (r.state !== 'scheduled' && r.state !== 'monitoring') return null
  const index = nextPending(r.statuses)
  if (index < 0 || index >= r.spec.planLength) return null
  return Math.max(entryAt(r.spec, index) + settings.lagMs, r.spec.createdAt, r.updatedAt) + settings.graceMs + 1
}

function overdueReason (kind: PlanKind, index: number, at: number, timezone: string, lateSeconds: number): string {
  const what = kind === 'decision' ? 'the decision' : `checkpoint ${index + 1}`
  return `${what} (due ${clockTime(at, timezone)}) is ${lateness(lateSeconds)} overdue: no worker has recorded it`
}

/** "14:00 Asia/Kolkata": the wall-clock time people planned the checkpoint by. */
function clockTime (ms: number, timezone: string): string {
  const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms)
  return `${hhmm} ${timezone}`
}

/** "45 s", "4 min", "3 h 5 min": whole units, rounded down (an alarm must not overstate). */
function lateness (seconds: number): string {
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`
}
