import type { Override } from '../schemas/board.ts'
import type { Recommendation } from '../schemas/common.ts'
import type { NotifyTarget } from '../schemas/notify.ts'
import type { Checkpoint, NewRelicOptions, RolloutState } from '../schemas/rollout.ts'
import type { Target } from './target.ts'

/** What a rollout is, fixed at creation. Stored as JSON in the rollout hash's `spec` field. */
export interface RolloutSpec {
  /** Format version of this JSON, for migrations. */
  v: 1
  id: string
  name: string
  target: Target
  /** Epoch ms. */
  startAt: number
  decisionAt: number
  /** checkpointEvery in ms, and as the caller wrote it. */
  everyMs: number
  checkpointEvery: string
  timezone: string
  /** With secrets: only the notifier may see these. */
  notify: NotifyTarget[]
  /** Entries in the plan (checkpoints + the decision). */
  planLength: number
  createdAt: number
  /** What gonogo writes to New Relic: change-tracking markers when asked. */
  newRelic?: NewRelicOptions
  /** When the request named no apps: where target.apps came from, fixed at creation. */
  discovered?: { baselineHosts: string[], since: number, until: number }
}

/** A rollout as stored: the spec and the fields that change. */
export interface StoredRollout {
  spec: RolloutSpec
  state: RolloutState
  updatedAt: number
  startedAt?: number
  decidedAt?: number
  cancelledAt?: number
  /** Token name of the caller who cancelled it, and the reason given, if any. */
  cancelledBy?: string
  cancelReason?: string
  /** Latest recommendation (the decision's once decided), null before any. */
  recommendation: Recommendation | null
  /** One character per plan entry: recorded ok, failed or not yet (statuses.ts reads it). */
  statuses: string
  /** Bumped by every change of the rollout (ETags and read caches compare it). */
  rev: number
  /** Index of the checkpoint the latest recommendation comes from; null before any. */
  latestIndex: number | null
  /** A human decision recorded after the automated one, if any. */
  override: Override | null
}

/** One checkpoint as recorded; exactly the API's Checkpoint shape so reads need no mapping. */
export type CheckpointRecord = Checkpoint
