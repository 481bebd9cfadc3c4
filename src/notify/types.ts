import type { CheckpointResult } from '../schemas/result.ts'
import type { EventType, NotifyTarget } from '../schemas/notify.ts'

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
  kind: 'checkpoint' | 'decision' | 'manual'
  /** The checkpoint time (end of the window judged). */
  at: string
  /** The result, or null when the checkpoint failed. */
  result: CheckpointResult | null
  /** The previous successful result of this rollout, to detect verdict changes. */
  previous: CheckpointResult | null
  /** Why the checkpoint failed, when it did. */
  error?: string
}

/** Who cancelled a rollout, when (ISO time) and why (null: no reason given). */
export interface Cancellation {
  at: string
  by: string
  reason: string | null
}

/** What the cancel route tells the notifier: one rollout.cancelled event. */
export interface CancelOutcome {
  kind: 'cancel'
  rollout: NotifyRollout
  cancellation: Cancellation
  /** The rollout's latest successful result, if any: what stood when it was cancelled. */
  previous: CheckpointResult | null
}

/** Anything the notifier is told about a rollout. */
export type NotifyOutcome = CheckpointOutcome | CancelOutcome

/** One delivery failure the notifier records on the rollout once retries are spent. */
export interface DeliveryFailure {
  eventId: string
  type: EventType
  kind: NotifyTarget['kind']
  /** Scheme and host of the target only. */
  target: string
  attempts: number
  error: string
  at: string
}
