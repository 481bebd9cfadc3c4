import type { NotifyEvent } from '../events.ts'

/**
 * The generic webhook body: `{ id, type, occurredAt, rollout, checkpoint,
 * recommendation, result }`, plus `changes` (verdict.changed and any event with
 * changes), `previous` (verdict.changed) and `error` (when result is null); for
 * rollout.cancelled `{ id, type, occurredAt, rollout, recommendation: null,
 * cancellation: { at, by, reason }, previous }` (previous: the latest result); for
 * checkpoint.overdue `{ ..., checkpoint, recommendation: null, overdue: { dueAt, lateSeconds,
 * reason }, previousRecommendation }`. The rollout
 * is described without its notify targets: their URLs and secrets are
 * credentials, and a receiver has no use for them.
 */
export function webhookBody (event: NotifyEvent): Record<string, unknown> {
  const { outcome } = event
  const { rollout } = outcome
  const head = {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    rollout: {
      id: rollout.id,
      name: rollout.name,
      state: rollout.state,
      timezone: rollout.timezone,
      startAt: rollout.startAt,
      decisionAt: rollout.decisionAt,
      canaryHosts: rollout.canaryHosts,
      apps: rollout.apps.map(a => ({ name: a.name, team: a.team, owners: a.owners, critical: a.critical }))
    }
  }
  // A cancellation: nothing to act on (recommendation null), who and why, and what stood before.
  if (outcome.kind === 'cancel') {
    return { ...head, recommendation: null, cancellation: outcome.cancellation, previous: outcome.previous }
  }
  // Nothing to act on but the closed gate: which entry is late, since when, and what stood.
  if (outcome.kind === 'overdue') {
    return {
      ...head,
      checkpoint: { index: outcome.checkpointIndex, kind: outcome.planKind, at: outcome.at },
      recommendation: null,
      overdue: { dueAt: outcome.dueAt, lateSeconds: outcome.lateSeconds, reason: outcome.reason },
      previousRecommendation: outcome.previous
    }
  }
  // A person's word: what they did, and what the recommendation (and the gate) follow now.
  if (outcome.kind === 'people') {
    return {
      ...head,
      recommendation: outcome.recommendation,
      automated: outcome.automated,
      change: { action: outcome.action, app: outcome.app, by: outcome.by, reason: outcome.reason, at: outcome.at },
      reasons: outcome.reasons
    }
  }
  return {
    ...head,
    checkpoint: { index: outcome.checkpointIndex, kind: outcome.kind, at: outcome.at },
    // What to act on: the result's, or INCONCLUSIVE for a decision that could not read its data.
    recommendation: outcome.result?.recommendation ?? (outcome.kind === 'decision' ? 'INCONCLUSIVE' : null),
    result: outcome.result,
    ...(event.changes.length > 0 ? { changes: event.changes } : {}),
    ...(event.type === 'verdict.changed' ? { previous: outcome.previous } : {}),
    ...(outcome.result === null ? { error: outcome.error ?? 'unknown error' } : {})
  }
}
