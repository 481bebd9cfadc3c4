/**
 * A rollout's plan: checkpoints at startAt + k * every (k >= 1) strictly before
 * decisionAt, then the decision at decisionAt. Pure arithmetic, shared by the
 * API (to show and validate the plan) and the worker (to know what is due).
 */

import type { CheckpointKind } from '../schemas/rollout.ts'

/** A plan holds checkpoints and the decision; manual runs are asked for outside it. */
export type PlanKind = Exclude<CheckpointKind, 'manual'>

export interface PlannedCheckpoint {
  /** 0-based position in the plan; the decision is the last one. */
  index: number
  kind: PlanKind
  /** Checkpoint time, epoch ms: the end of the window [startAt, at) it judges. */
  at: number
}

/** Number of entries (checkpoints and the decision) a plan would have, without building it. */
export function planLength (startAt: number, decisionAt: number, everyMs: number): number {
  // Checkpoints k = 1 .. ceil((decisionAt - startAt) / every) - 1, plus the decision.
  return Math.max(0, Math.ceil((decisionAt - startAt) / everyMs) - 1) + 1
}

/** The whole plan, ordered by time; `at` strictly increases. */
export function buildPlan (startAt: number, decisionAt: number, everyMs: number): PlannedCheckpoint[] {
  const plan: PlannedCheckpoint[] = []
  for (let k = 1; startAt + k * everyMs < decisionAt; k++) {
    plan.push({ index: k - 1, kind: 'checkpoint', at: startAt + k * everyMs })
  }
  plan.push({ index: plan.length, kind: 'decision', at: decisionAt })
  return plan
}

/**
 * Plan entries whose time (plus the ingest lag) has come and that are not yet
 * recorded, in order: what one "advance" of the rollout must run.
 */
export function duePlanEntries (plan: PlannedCheckpoint[], recorded: ReadonlySet<number>, now: number, lagMs: number): PlannedCheckpoint[] {
  return plan.filter(p => p.at + lagMs <= now && !recorded.has(p.index))
}

/** When plan entry `index` is due: the decision at decisionAt, checkpoint k at startAt + (k + 1) * every. */
export function entryAt (spec: { startAt: number, decisionAt: number, everyMs: number, planLength: number }, index: number): number {
  return index === spec.planLength - 1 ? spec.decisionAt : spec.startAt + (index + 1) * spec.everyMs
}
