/**
 * What the BullMQ glue and the checkpoint run share: the work items, the dependencies a
 * rollout's advance needs (ports, so tests replace them) and what it answers.
 */
import type { EarlyCall } from '../judge/index.ts'
import type { Logger } from '../logger.ts'
import type { AppSeries, Note, RolloutEvent, Waiver } from '../schemas/board.ts'
import type { Recommendation } from '../schemas/common.ts'
import type { CheckpointResult } from '../schemas/result.ts'
import type { CheckpointKind } from '../schemas/rollout.ts'
import type { Target } from '../rollout/target.ts'
import type { RolloutSpec } from '../rollout/types.ts'
import type { CheckpointStore } from '../store/checkpoint-store.ts'
import type { RolloutLock } from '../store/lock.ts'
import type { RolloutStore } from '../store/rollout-store.ts'
import type { CheckpointNotifier } from './notifier.ts'

/** The judge's evidence is opaque here: JSON carried from one checkpoint to the next. */
export type Evidence = unknown

/** runAnalysis with the NerdGraph client bound; throws UpstreamError when New Relic cannot be read. */
export type Analyse = (
  target: Target,
  window: { from: number, until: number },
  opts: { asOf: number, evidence?: Evidence, slowThresholdsS?: Record<string, number>, looks?: number, horizon?: number }
) => Promise<{ result: CheckpointResult, evidence: Evidence, series?: Record<string, AppSeries>, early?: EarlyCall | null }>

export interface AdvanceSettings {
  /** Tries of one checkpoint before it is recorded as failed. */
  attempts: number
  /** Wait before the first retry; doubles each time. */
  backoffMs: number
  /** A plan entry is due this long after its time (New Relic ingest lag). */
  lagMs: number
}

export interface AdvanceDeps {
  rollouts: RolloutStore
  checkpoints: CheckpointStore
  lock: RolloutLock
  analyse: Analyse
  /** The per-app latency thresholds fixed at the first look (judge's slowThresholdsOf). */
  slowThresholds: (evidence: Evidence) => Record<string, number> | undefined
  notifier: CheckpointNotifier
  /** People's word, for an early decision: a waived FAIL does not decide, a GO waits for the sign-offs policy asks. */
  people?: PeopleWordReader
  /**
   * Change-tracking markers of a rollout that asks for them (spec.newRelic.changeTracking), after
   * its first checkpoint (the new hosts joined) and its decision are recorded; best effort.
   */
  changeMarkers?: (spec: RolloutSpec, phase: 'start' | 'decision', recommendation: Recommendation | null, at: number) => Promise<void>
  /** Live events for the board and the CLI (best effort). */
  events?: { publish: (event: RolloutEvent) => Promise<void> }
  /** Metrics hook, called once per recorded checkpoint. */
  onRecorded?: (info: { rolloutId: string, name: string, kind: CheckpointKind, outcome: 'ok' | 'failed', recommendation: Recommendation | null }) => void
  log: Logger
  now: () => number
  settings: AdvanceSettings
  /** Aborted on shutdown: stop between checkpoints and hand the rest to the next worker. */
  signal?: AbortSignal
}

export interface PeopleWordReader {
  notes: (rolloutId: string) => Promise<Note[]>
  waivers: (rolloutId: string) => Promise<Waiver[]>
}

/** What the caller (the BullMQ job) does next: finish, or come back at `at`. */
export type AdvanceOutcome =
  | { kind: 'done', ran: number }
  | { kind: 'later', at: number, why: 'busy' | 'retry' | 'stopping', ran: number }

/** One thing to run: a plan entry or a manual request. */
export interface WorkItem {
  index: number
  kind: CheckpointKind
  /** End of the window [startAt, at) judged, epoch ms. */
  at: number
}

export type RunOutcome =
  | { kind: 'recorded' }
  | { kind: 'retry', at: number }
  | { kind: 'stop' }
  | { kind: 'lost-lock' }
