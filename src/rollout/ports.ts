/**
 * What the rollout's operations need from the world around them, as narrow interfaces: the
 * Redis stores, the BullMQ scheduler, New Relic's name check and the notifier implement them,
 * and tests can stand in for any one.
 */
import type { Logger } from '../logger.ts'
import type { NotifyTarget } from '../schemas/notify.ts'
import type { AppSpec } from '../schemas/thresholds.ts'
import type { CheckpointResult } from '../schemas/result.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import type { AuditEntry, Note, Override, RolloutEvent, Waiver } from '../schemas/board.ts'
import type { BoardData } from './board.ts'
import type { CancelOutcome, PeopleOutcome } from './outcome.ts'
import type { OutboxEntry } from './outbox.ts'
import type { Target } from './target.ts'
import type { CheckpointRecord, RolloutSpec, StoredRollout } from './types.ts'

/** A create made with an Idempotency-Key: the key's and the body's digests. */
export interface Idempotency { keyHash: string, fingerprint: string }

export type CreateOutcome = { created: true } | { created: false, id: string, fingerprint: string }

export interface RolloutRepository {
  create: (spec: RolloutSpec, idem?: Idempotency) => Promise<CreateOutcome>
  idempotencyUsed: (keyHash: string) => Promise<boolean>
  get: (id: string) => Promise<StoredRollout | null>
  transition: (
    id: string, to: RolloutState, from: RolloutState[], stamp: string, now: number, fields?: Record<string, string>, outbox?: OutboxEntry
  ) => Promise<{ moved: boolean, state: RolloutState | null }>
}

export interface CheckpointRepository {
  get: (rolloutId: string, index: number) => Promise<CheckpointRecord | null>
  latestResult: (rolloutId: string) => Promise<CheckpointResult | null>
  requestManual: (rolloutId: string, now: number, planLength: number) => Promise<
  { outcome: 'new' | 'pending', index: number, at: number } | { outcome: 'state', state: string }
  >
}

export interface Scheduler {
  schedule: (spec: RolloutSpec, now: number, lagMs: number, skip?: ReadonlySet<number>) => Promise<void>
  unschedule: (spec: RolloutSpec) => Promise<void>
  runManual: (rolloutId: string, index: number) => Promise<void>
}

/** New Relic's look at the names of a new rollout: warnings, or a refusal of an unreadable named account. */
export type Preflight = (target: Target, window: { now: number, startAt: number, decisionAt: number }) => Promise<string[]>

/** Why a person's change was not made (the store's answer). */
export type PeopleRefusal = { refused: 'missing' } | { refused: 'state', state: RolloutState } | { refused: 'none' } | { refused: 'full' }
export type PeopleOutcomeOf<T> = { refused: null, rev: number, previous: T | null } | PeopleRefusal

export interface PeopleRepository {
  addNote: (id: string, note: Note, allowed: RolloutState[], audit: AuditEntry) => Promise<PeopleOutcomeOf<never>>
  waive: (id: string, waiver: Waiver, allowed: RolloutState[], audit: AuditEntry) => Promise<PeopleOutcomeOf<Waiver>>
  unwaive: (id: string, app: string, allowed: RolloutState[], audit: AuditEntry) => Promise<PeopleOutcomeOf<Waiver>>
  override: (id: string, override: Override, allowed: RolloutState[], audit: AuditEntry) => Promise<PeopleOutcomeOf<Override>>
  record: (id: string, audit: AuditEntry) => Promise<void>
}

/** New Relic's look at a new rollout's apps, at creation (analysis/discovery.ts). */
export interface AppLookup {
  /** Apps any of `hosts` served in [since, until), most traffic first; throws when New Relic cannot be read. */
  appsServedBy: (accountId: number, hosts: string[], window: { since: number, until: number }) => Promise<string[]>
  /** The apps with team and owners filled from their APM entities' tags where they have none; absent: not read. */
  ownersFromTags?: (accountId: number, apps: AppSpec[]) => Promise<AppSpec[]>
}

export interface RolloutPorts {
  rollouts: RolloutRepository
  checkpoints: CheckpointRepository
  scheduler: Scheduler
  /** Absent: names are not checked (GONOGO_PREFLIGHT_MS=0). */
  preflight?: Preflight
  /** Absent: a rollout must name its apps, and teams come only from the request. */
  apps?: AppLookup
  /** Refuses notify targets that may not be used (throws a BadRequestError). */
  validateTargets: (targets: NotifyTarget[]) => Promise<void>
  notifier: { publish: (outcome: CancelOutcome | PeopleOutcome) => Promise<void> }
  /** Notifications written with a state change (rollout/outbox.ts): mark before the change, dispatch after. */
  outbox: { mark: (rolloutId: string, now: number) => Promise<void>, dispatch: (rolloutId: string) => Promise<unknown> }
  people: PeopleRepository
  /** What the board reads of a rollout, to say what the recommendation is after a change. */
  board: { matrix: (id: string) => Promise<BoardData | null> }
  events: { publish: (event: RolloutEvent) => Promise<void> }
  log: Logger
  now: () => number
  settings: {
    /** A plan entry is due this long after its time (New Relic ingest lag). */
    lagMs: number
    /** How long a manual checkpoint request waits for its record. */
    manualWaitMs: number
  }
}
