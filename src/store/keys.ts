import type { RolloutState } from '../schemas/rollout.ts'

/**
 * Every Redis key the rollouts store uses, under GONOGO_REDIS_PREFIX. BullMQ's
 * own keys live beside them as `<prefix>:checkpoints:*`.
 */
export class Keys {
  readonly prefix: string

  constructor (prefix: string) {
    this.prefix = prefix
  }

  /** Hash: spec (JSON, immutable), state, timestamps, recommendation, statuses, latest, manualSeq. */
  rollout (id: string): string { return `${this.prefix}:rollout:${id}` }
  /** Hash: checkpoint index -> checkpoint record (JSON, API shape). */
  checkpoints (id: string): string { return `${this.prefix}:rollout:${id}:checkpoints` }
  /** Hash: checkpoint index -> the judge's evidence after that checkpoint (JSON). */
  evidence (id: string): string { return `${this.prefix}:rollout:${id}:evidence` }
  /** Hash: checkpoint index -> tries so far, and "<index>:notBefore" -> earliest next try (ms). */
  attempts (id: string): string { return `${this.prefix}:rollout:${id}:attempts` }
  /** Hash: index of a requested manual checkpoint -> its time (ms), until it is recorded. */
  manual (id: string): string { return `${this.prefix}:rollout:${id}:manual` }
  /** Hash: "<event id>|<target>" -> a notification delivery that gave up (JSON); the key dedupes repeats. */
  notifyFailures (id: string): string { return `${this.prefix}:rollout:${id}:notify-failures` }
  /** Hash: checkpoint index -> its compact cells for the matrix (JSON, rollout/compact.ts). */
  cells (id: string): string { return `${this.prefix}:rollout:${id}:cells` }
  /** Hash: "<index>|<app>" -> one app at one checkpoint for the app read (JSON). */
  appCheckpoints (id: string): string { return `${this.prefix}:rollout:${id}:app-checkpoints` }
  /** Hash: app -> the latest checkpoint's series of that app (JSON), for charts. */
  series (id: string): string { return `${this.prefix}:rollout:${id}:series` }
  /** List: the notes and sign-offs people wrote (JSON Note), oldest first. */
  notes (id: string): string { return `${this.prefix}:rollout:${id}:notes` }
  /** Hash: app -> its waiver (JSON). */
  waivers (id: string): string { return `${this.prefix}:rollout:${id}:waivers` }
  /** List: what people did (JSON AuditEntry), oldest first. */
  audit (id: string): string { return `${this.prefix}:rollout:${id}:audit` }
  /** Sorted set: zero-padded checkpoint index (orderMember) scored by its time (ms): pages read only their records. */
  checkpointOrder (id: string): string { return `${this.prefix}:rollout:${id}:checkpoint-order` }
  /** Hash: outbox entry id -> a notification recorded with its checkpoint and not yet queued (JSON OutboxEntry). */
  outbox (id: string): string { return `${this.prefix}:rollout:${id}:outbox` }
  /** String: the token of the worker advancing this rollout. */
  lock (id: string): string { return `${this.prefix}:rollout:${id}:lock` }
  /** Sorted set (all scores 0, ordered by id = creation time) of every rollout, or of one state. */
  index (state?: RolloutState): string { return state === undefined ? `${this.prefix}:index:rollouts` : `${this.prefix}:index:rollouts:${state}` }
  /** The index keys of all states, in the order the Lua scripts expect. */
  stateIndexes (): string[] { return STATES.map(s => this.index(s)) }
  /**
   * Sorted set: rollout id -> when an outbox entry was last about to be written (ms). Global, so never
   * touched by a script (Redis Cluster): marked from TypeScript before the write, settled once done.
   */
  outboxPending (): string { return `${this.prefix}:outbox:pending` }
  /** String: "<rollout id>|<body fingerprint>" for an Idempotency-Key, expiring after a day. */
  idempotency (keyHash: string): string { return `${this.prefix}:idempotency:${keyHash}` }
  /** Every key of one rollout, for deletion in tests and housekeeping. */
  allOf (id: string): string[] {
    return [
      this.rollout(id), this.checkpoints(id), this.evidence(id), this.attempts(id), this.manual(id), this.notifyFailures(id), this.lock(id),
      this.cells(id), this.appCheckpoints(id), this.series(id), this.notes(id), this.waivers(id), this.audit(id),
      this.checkpointOrder(id), this.outbox(id)
    ]
  }
}

/** A checkpoint index as a member of checkpointOrder: padded, so equal times sort by index (plan before manual). */
export function orderMember (index: number): string {
  return String(index).padStart(10, '0')
}

export const STATES: RolloutState[] = ['scheduled', 'monitoring', 'decided', 'cancelled']
