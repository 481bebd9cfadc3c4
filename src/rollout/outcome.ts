/**
 * What a rollout tells the people who watch it: after each checkpoint, and when it is
 * cancelled. The rollout's workers and operations build these; notify/ turns them into
 * events and deliveries.
 */
import type { Recommendation } from '../schemas/common.ts'
import type { NotifyTarget } from '../schemas/notify.ts'
import type { CheckpointResult } from '../schemas/result.ts'
import type { Cancellation, CheckpointKind, RolloutState } from '../schemas/rollout.ts'
import type { Overdue } from './overdue.ts'
import type { CheckpointRecord, RolloutSpec, StoredRollout } from './types.ts'

/** The rollout as notifications describe it. */
export interface NotifyRollout {
  id: string
  name: string
  state: string
  timezone: string
  startAt: string
  decisionAt: string
  apps: Array<{ name: string, team?: string, owners?: string[], critical?: boolean }>
  canaryHosts: string[]
  /**
   * Checkpoints in the rollout's plan, the decision included, for "checkpoint
   * n of N" in messages. Optional: when absent the notifier assumes hourly
   * checkpoints from startAt to decisionAt.
   */
  checkpointCount?: number
  /** With secrets: only the notifier sees these. */
  notify: NotifyTarget[]
}

/**
 * What a rollout tells the notifier after each checkpoint. The rollouts worker
 * builds it; src/notify turns it into events and deliveries.
 */
export interface CheckpointOutcome {
  rollout: NotifyRollout
  /** 0-based index of the checkpoint in the rollout's plan (manual runs get their own index). */
  checkpointIndex: number
  kind: CheckpointKind
  /** The checkpoint time (end of the window judged). */
  at: string
  /** The result, or null when the checkpoint failed. */
  result: CheckpointResult | null
  /** The previous successful result of this rollout, to detect verdict changes. */
  previous: CheckpointResult | null
  /** Why the checkpoint failed, when it did. */
  error?: string
}

/** What a cancel tells the notifier: one rollout.cancelled event. */
export interface CancelOutcome {
  kind: 'cancel'
  rollout: NotifyRollout
  cancellation: Cancellation
  /** The rollout's latest successful result, if any: what stood when it was cancelled. */
  previous: CheckpointResult | null
}

/** What a person did that changes what the recommendation follows: a waiver given or withdrawn, an override. */
export interface PeopleOutcome {
  kind: 'people'
  action: 'waived' | 'unwaived' | 'override'
  rollout: NotifyRollout
  app: string | null
  by: string
  reason: string
  at: string
  /** The rollout's revision after the change: the event's id, one per change. */
  rev: number
  /** What the recommendation is now, and what the automated one is. */
  recommendation: Recommendation | null
  automated: Recommendation | null
  reasons: string[]
}

/** What a rollout whose due plan entry nobody recorded tells the notifier: one checkpoint.overdue per entry. */
export interface OverdueOutcome {
  kind: 'overdue'
  rollout: NotifyRollout
  /** The overdue plan entry. */
  checkpointIndex: number
  planKind: 'checkpoint' | 'decision'
  /** The entry's time, and when it was due to run (its time plus the ingest lag). */
  at: string
  dueAt: string
  lateSeconds: number
  /** "checkpoint 3 (due 14:00 Asia/Kolkata) is 4 min overdue: no worker has recorded it". */
  reason: string
  /** The latest recommendation, which the closed gate no longer follows. */
  previous: Recommendation | null
}

/** Anything the notifier is told about a rollout. */
export type NotifyOutcome = CheckpointOutcome | CancelOutcome | PeopleOutcome | OverdueOutcome

/** The rollout as a notification describes it, in the state it is in now. */
export function notifyRollout (spec: RolloutSpec, state: RolloutState): NotifyRollout {
  return {
    id: spec.id,
    name: spec.name,
    state,
    timezone: spec.timezone,
    startAt: new Date(spec.startAt).toISOString(),
    decisionAt: new Date(spec.decisionAt).toISOString(),
    apps: spec.target.apps.map(a => ({ name: a.name, team: a.team, owners: a.owners, critical: a.critical })),
    canaryHosts: spec.target.canaryHosts,
    // Plan entries before the decision, so chat says "checkpoint 3 of 5" whatever the interval.
    checkpointCount: spec.planLength - 1,
    notify: spec.notify
  }
}

/** What one recorded checkpoint tells the notifier. */
export function checkpointOutcome (
  spec: RolloutSpec, item: { index: number, kind: CheckpointKind }, record: CheckpointRecord, previous: CheckpointResult | null
): CheckpointOutcome {
  return {
    rollout: notifyRollout(spec, item.kind === 'decision' ? 'decided' : 'monitoring'),
    checkpointIndex: item.index,
    kind: item.kind,
    at: record.at,
    result: record.result,
    previous,
    ...(record.error === undefined ? {} : { error: record.error })
  }
}

/** What a person's change tells the notifier. */
export function peopleOutcome (
  stored: StoredRollout, change: Pick<PeopleOutcome, 'action' | 'app' | 'by' | 'reason' | 'at' | 'rev'>,
  now: Pick<PeopleOutcome, 'recommendation' | 'automated' | 'reasons'>
): PeopleOutcome {
  return { kind: 'people', rollout: notifyRollout(stored.spec, stored.state), ...change, ...now }
}

/** What an overdue plan entry tells the notifier. */
export function overdueOutcome (stored: StoredRollout, overdue: Overdue): OverdueOutcome {
  return {
    kind: 'overdue',
    rollout: notifyRollout(stored.spec, stored.state),
    checkpointIndex: overdue.index,
    planKind: overdue.kind,
    at: new Date(overdue.at).toISOString(),
    dueAt: new Date(overdue.dueAt).toISOString(),
    lateSeconds: overdue.lateSeconds,
    reason: overdue.reason,
    previous: stored.recommendation
  }
}
