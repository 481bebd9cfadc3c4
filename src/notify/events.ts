import type { EventType } from '../schemas/notify.ts'
import type { CheckpointResult } from '../schemas/result.ts'
import type { CancelOutcome, NotifyOutcome } from '../rollout/outcome.ts'

/** One verdict that moved between the previous result and this one; app null is the recommendation. */
export interface Change {
  app: string | null
  from: string
  to: string
}

/** Something worth telling receivers about, derived from one outcome. */
export interface NotifyEvent {
  /**
   * `<rolloutId>.<checkpointIndex>.<type>`: the same however often the checkpoint job is retried;
   * `<rolloutId>.rollout.cancelled` for the cancellation (a rollout is cancelled once).
   */
  id: string
  type: EventType
  occurredAt: string
  outcome: NotifyOutcome
  /** Verdicts that changed since `previous` (empty for the first result or a failed checkpoint). */
  changes: Change[]
}

/**
 * The events of one checkpoint outcome, in the order receivers should see
 * them: the checkpoint's own event (checkpoint.completed for checkpoint and
 * manual runs, decision.made for the decision, with or without a result,
 * checkpoint.failed when another checkpoint has no result), then
 * verdict.changed when something moved. checkpoint.overdue comes from no checkpoint but from
 * a worker's sweep (jobs/overdue.ts); every target gets it unless its `events` leave it out
 * (render.ts's `wants`): a late checkpoint is what chat channels most need to hear about.
 */
export function eventsFor (outcome: NotifyOutcome, occurredAt: Date = new Date()): NotifyEvent[] {
  if (outcome.kind === 'cancel') return [cancelEvent(outcome)]
  if (outcome.kind === 'overdue') {
    // One per plan entry however many workers sweep: the id is the entry's, as for its other events.
    const type = 'checkpoint.overdue'
    const id = eventId(outcome.rollout.id, outcome.checkpointIndex, type)
    return [{ id, type, occurredAt: occurredAt.toISOString(), outcome, changes: [] }]
  }
  if (outcome.kind === 'people') {
    const type = outcome.action === 'override' ? 'decision.overridden' : 'waiver.changed'
    return [{ id: `${outcome.rollout.id}.${type}.${outcome.rev}`, type, occurredAt: outcome.at, outcome, changes: [] }]
  }
  const at = occurredAt.toISOString()
  const make = (type: EventType, changes: Change[]): NotifyEvent => ({
    id: eventId(outcome.rollout.id, outcome.checkpointIndex, type), type, occurredAt: at, outcome, changes
  })
  // A decision that could not read its data is still the decision (final INCONCLUSIVE):
  // receivers waiting for decision.made must get one.
  if (outcome.result === null) {
    if (outcome.kind !== 'decision') return [make('checkpoint.failed', [])]
    // The recommendation still moves: to INCONCLUSIVE from whatever the last good checkpoint said.
    const was = outcome.previous?.recommendation
    const changes = was === undefined || was === 'INCONCLUSIVE' ? [] : [{ app: null, from: was, to: 'INCONCLUSIVE' }]
    const events = [make('decision.made', changes)]
    if (changes.length > 0) events.push(make('verdict.changed', changes))
    return events
  }
  const changes = outcome.previous === null ? [] : changesBetween(outcome.previous, outcome.result)
  const events = [make(outcome.kind === 'decision' ? 'decision.made' : 'checkpoint.completed', changes)]
  if (changes.length > 0) events.push(make('verdict.changed', changes))
  return events
}

/** The one event of a cancellation, at the time it was cancelled. */
function cancelEvent (outcome: CancelOutcome): NotifyEvent {
  const type = 'rollout.cancelled'
  return { id: `${outcome.rollout.id}.${type}`, type, occurredAt: outcome.cancellation.at, outcome, changes: [] }
}

/** The deterministic id of an event. */
export function eventId (rolloutId: string, checkpointIndex: number, type: EventType): string {
  return `${rolloutId}.${checkpointIndex}.${type}`
}

/**
 * What moved from `previous` to `current`: the recommendation first, then
 * each app whose verdict differs, in the current result's order. An app new
 * in this result counts as a change from "none"; an app that disappeared is
 * not reported (the rollout's app list does not shrink mid-way).
 */
export function changesBetween (previous: CheckpointResult, current: CheckpointResult): Change[] {
  const changes: Change[] = []
  if (previous.recommendation !== current.recommendation) {
    changes.push({ app: null, from: previous.recommendation, to: current.recommendation })
  }
  const before = new Map(previous.apps.map(a => [a.app, a.verdict]))
  for (const app of current.apps) {
    const was = before.get(app.app)
    if (was !== app.verdict) changes.push({ app: app.app, from: was ?? 'none', to: app.verdict })
  }
  return changes
}
