/**
 * The outbox: what a rollout must tell people, written in the same atomic step as the change
 * that implies it (a checkpoint record, a cancel), so a crash between the write and the notify
 * queue loses nothing. A dispatcher (jobs/outbox.ts) moves entries to the notify queue later.
 */
import type { CheckpointResult } from '../schemas/result.ts'
import type { CheckpointKind } from '../schemas/rollout.ts'
import { notifyRollout, checkpointOutcome, type CancelOutcome, type CheckpointOutcome } from './outcome.ts'
import type { CheckpointRecord, RolloutSpec } from './types.ts'

/**
 * One outcome to notify. Its events (checkpoint.completed or .failed, verdict.changed,
 * decision.made; rollout.cancelled) and their ids, `<rolloutId>.<index>.<type>`, follow from the
 * outcome alone, so a re-dispatch yields the same event ids, the same BullMQ job ids (one job
 * however often it is dispatched) and the same `X-Gonogo-Delivery`. One entry per outcome rather
 * than per event: the outcome (two results) is the bulk, and is stored once.
 */
export interface OutboxEntry {
  /** `<rolloutId>.<index>.checkpoint` or `<rolloutId>.cancel`: a second write of the same outcome is the same field. */
  id: string
  rolloutId: string
  /** When it happened: the events' occurredAt, fixed so every dispatch renders the same bodies. */
  occurredAt: string
  outcome: CheckpointOutcome | CancelOutcome
}

/** The entry a recorded checkpoint implies; `previous` is the result it replaces as the latest. */
export function checkpointEntry (
  spec: RolloutSpec, item: { index: number, kind: CheckpointKind }, record: CheckpointRecord, previous: CheckpointResult | null, now: number
): OutboxEntry {
  return {
    id: `${spec.id}.${item.index}.checkpoint`,
    rolloutId: spec.id,
    occurredAt: new Date(now).toISOString(),
    outcome: checkpointOutcome(spec, item, record, previous)
  }
}

/** The entry of a cancel, built before the cancel is stored (it is written by the same script), at its time `now`. */
export function cancelEntry (
  spec: RolloutSpec, cancellation: { by: string, reason?: string }, previous: CheckpointResult | null, now: number
): OutboxEntry {
  const at = new Date(now).toISOString()
  return {
    id: `${spec.id}.cancel`,
    rolloutId: spec.id,
    occurredAt: at,
    outcome: {
      kind: 'cancel',
      rollout: notifyRollout(spec, 'cancelled'),
      cancellation: { at, by: cancellation.by, reason: cancellation.reason ?? null },
      previous
    }
  }
}
