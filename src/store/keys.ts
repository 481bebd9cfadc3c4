import type { RolloutState } from '../schemas/rollout.ts'

/**
 * Every Redis key the rollouts store uses, under GONOGO_REDIS_PREFIX. Each key of one rollout
 * carries the hash tag `{<rollout id>}`, so all of them share one Redis Cluster slot and every
 * script stays atomic on a cluster; the indexes across rollouts are in other slots, and no
 * script touches them (their writers are in rollout-store.ts). BullMQ's own keys live beside
 * them under queuePrefix().
 */
export class Keys {
  readonly prefix: string

  constructor (prefix: string) {
    this.prefix = prefix
  }

  #of (id: string): string { return `${this.prefix}:rollout:{${id}}` }

  /** Hash: spec (JSON, immutable), state, timestamps, recommendation, statuses, latest (packed: packed.ts), manualSeq. */
  rollout (id: string): string { return `${this.#of(id)}` }
  /** Hash: checkpoint index -> checkpoint record (JSON, API shape, abridged before the latest; packed: packed.ts). */
  checkpoints (id: string): string { return `${this.#of(id)}:checkpoints` }
  /** Hash: checkpoint index -> the judge's evidence after that checkpoint, the newest only (evidence-codec.ts). */
  evidence (id: string): string { return `${this.#of(id)}:evidence` }
  /** Hash: checkpoint index -> tries so far, and "<index>:notBefore" -> earliest next try (ms). */
  attempts (id: string): string { return `${this.#of(id)}:attempts` }
  /** Hash: index of a requested manual checkpoint -> its time (ms), until it is recorded. */
  manual (id: string): string { return `${this.#of(id)}:manual` }
  /** Hash: "<event id>|<target>" -> a notification delivery that gave up (JSON); the key dedupes repeats. */
  notifyFailures (id: string): string { return `${this.#of(id)}:notify-failures` }
  /** Hash: checkpoint index -> its compact cells for the matrix (JSON, rollout/compact.ts; packed). */
  cells (id: string): string { return `${this.#of(id)}:cells` }
  /** Hash: "a<segment>|<app>" -> that app's checkpoints for the app read (app-checkpoints.ts); "<index>|<app>" before. */
  appCheckpoints (id: string): string { return `${this.#of(id)}:app-checkpoints` }
  /** Hash: app -> the latest checkpoint's series of that app (series-codec.ts, packed), for charts. */
  series (id: string): string { return `${this.#of(id)}:series` }
  /** List: the notes and sign-offs people wrote (JSON Note), oldest first. */
  notes (id: string): string { return `${this.#of(id)}:notes` }
  /** Hash: app -> its waiver (JSON). */
  waivers (id: string): string { return `${this.#of(id)}:waivers` }
  /** List: what people did (JSON AuditEntry), oldest first. */
  audit (id: string): string { return `${this.#of(id)}:audit` }
  /** Sorted set: zero-padded checkpoint index (orderMember) scored by its time (ms): pages read only their records. */
  checkpointOrder (id: string): string { return `${this.#of(id)}:checkpoint-order` }
  /** Hash: outbox entry id -> a notification recorded with its checkpoint and not yet queued (JSON OutboxEntry). */
  outbox (id: string): string { return `${this.#of(id)}:outbox` }
  /** String: the token of the worker advancing this rollout. */
  lock (id: string): string { return `${this.#of(id)}:lock` }
  /** Sorted set (all scores 0, ordered by id = creation time) of every rollout, or of one state. */
  index (state?: RolloutState): string { return state === undefined ? `${this.prefix}:index:rollouts` : `${this.prefix}:index:rollouts:${state}` }
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

/**
 * The prefix of BullMQ's keys. BullMQ's scripts touch several keys of a queue at once, so on a
 * cluster they must share a slot: BullMQ's advice is a hash-tagged prefix. A GONOGO_REDIS_PREFIX
 * that already holds a `{tag}` is used as it is (then every gonogo key shares that one slot).
 */
export function queuePrefix (prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`
}
