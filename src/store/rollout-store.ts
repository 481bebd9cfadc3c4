import type { Redis } from 'ioredis'
import type { Recommendation } from '../schemas/common.ts'
import type { Override } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { idPrefix } from './ids.ts'
import { Keys } from './keys.ts'
import { withScripts, type ScriptedRedis } from './scripts.ts'
import type { CreateOutcome, Idempotency } from '../rollout/ports.ts'
import { freshStatuses } from '../rollout/statuses.ts'
import type { RolloutSpec, StoredRollout } from '../rollout/types.ts'
import type { OutboxEntry } from '../rollout/outbox.ts'

const FIELDS = [
  'spec', 'state', 'updatedAt', 'startedAt', 'decidedAt', 'cancelledAt', 'recommendation', 'statuses', 'cancelledBy', 'cancelReason',
  'rev', 'latestIndex', 'override'
] as const

/** An Idempotency-Key, hashed, and a fingerprint of the body it came with. */
export type { CreateOutcome, Idempotency }

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_TTL_S = 24 * 3600

/**
 * Rollouts in Redis: one hash per rollout plus sorted-set indexes (all, and per
 * state) ordered by id, which is ordered by creation time.
 */
export class RolloutStore {
  readonly keys: Keys
  readonly #redis: ScriptedRedis

  constructor (redis: Redis, prefix: string) {
    this.#redis = withScripts(redis)
    this.keys = new Keys(prefix)
  }

  /** Stores a new rollout as `scheduled`, unless the Idempotency-Key was used before (then says by which rollout). */
  async create (spec: RolloutSpec, idem?: Idempotency): Promise<CreateOutcome> {
    const k = this.keys
    const statuses = freshStatuses(spec.planLength)
    const existing = await this.#redis.gonogoCreateRollout(
      k.rollout(spec.id), k.index(), k.index('scheduled'), k.idempotency(idem?.keyHash ?? 'none'),
      spec.id, JSON.stringify(spec), spec.createdAt, statuses, idem?.fingerprint ?? '', IDEMPOTENCY_TTL_S
    ) as string | null
    if (existing === null) return { created: true }
    const bar = existing.indexOf('|')
    return { created: false, id: existing.slice(0, bar), fingerprint: existing.slice(bar + 1) }
  }

  /** Whether an Idempotency-Key (hashed) was already used: a replay need not redo pre-create work. */
  async idempotencyUsed (keyHash: string): Promise<boolean> {
    return await this.#redis.exists(this.keys.idempotency(keyHash)) === 1
  }

  /** One rollout, or null when the id is unknown. */
  async get (id: string): Promise<StoredRollout | null> {
    return parse(await this.#redis.hmget(this.keys.rollout(id), ...FIELDS))
  }

  /** Several rollouts in one round trip, skipping unknown ids. */
  async getMany (ids: string[]): Promise<StoredRollout[]> {
    if (ids.length === 0) return []
    const pipeline = this.#redis.pipeline()
    for (const id of ids) pipeline.hmget(this.keys.rollout(id), ...FIELDS)
    const replies = await pipeline.exec() ?? []
    const out: StoredRollout[] = []
    for (const [err, values] of replies) {
      if (err !== null) throw err
      const r = parse(values as Array<string | null>)
      if (r !== null) out.push(r)
    }
    return out
  }

  /** Newest first; `cursor` is the last id of the previous page. */
  async list (opts: { state?: RolloutState, limit: number, cursor?: string }): Promise<{ items: StoredRollout[], nextCursor: string | null }> {
    const max = opts.cursor === undefined ? '+' : `(${opts.cursor}`
    const ids = await this.#redis.zrevrangebylex(this.keys.index(opts.state), max, '-', 'LIMIT', 0, opts.limit + 1)
    const page = ids.slice(0, opts.limit)
    return { items: await this.getMany(page), nextCursor: ids.length > opts.limit ? page[page.length - 1] : null }
  }

  /**
   * Deletes rollouts that were decided or cancelled before `cutoffMs`: every key of each
   * and its index entries, at most `max` per call. Retention counts from the end, not the
   * creation (a rollout may be created 90 days ahead of its window). Only ids created
   * before the cutoff can have ended before it, and ids sort by creation time, so the
   * candidates are one range of each finished-state index, read in pages of which at most
   * `scanMax` ids are looked at per call. Returns the ids deleted.
   */
  async purgeFinishedBefore (cutoffMs: number, max: number, scanMax = 5000): Promise<string[]> {
    const bound = `(${idPrefix(cutoffMs)}`
    const deleted: string[] = []
    let scanned = 0
    for (const state of ['decided', 'cancelled'] as const) {
      const stamp = state === 'decided' ? 'decidedAt' : 'cancelledAt'
      for (let offset = 0; deleted.length < max && scanned < scanMax;) {
        const page = await this.#redis.zrangebylex(this.keys.index(state), '-', bound, 'LIMIT', offset, Math.min(500, scanMax - scanned))
        if (page.length === 0) break
        scanned += page.length
        const pipeline = this.#redis.pipeline()
        for (const id of page) pipeline.hget(this.keys.rollout(id), stamp)
        const ended = (await pipeline.exec() ?? []).map(([, v]) => Number(v))
        let kept = 0
        for (const [i, id] of page.entries()) {
          // No stamp (an older record): it ended no earlier than it was created, which is before the cutoff.
          const at = Number.isFinite(ended[i]) && ended[i] > 0 ? ended[i] : 0
          if (at > cutoffMs || deleted.length >= max) { kept++; continue }
          await this.#redis.multi()
            .del(...this.keys.allOf(id))
            .zrem(this.keys.index(), id)
            .zrem(this.keys.index(state), id)
            .exec()
          deleted.push(id)
        }
        offset += kept
      }
    }
    return deleted
  }

  /** Ids in one state, newest first, at most `max`. */
  async idsIn (state: RolloutState, max: number): Promise<string[]> {
    return await this.#redis.zrevrangebylex(this.keys.index(state), '+', '-', 'LIMIT', 0, max)
  }

  /**
   * Moves a rollout to `to` if its state is one of `from`, atomically, and then sets the
   * `fields` given (who cancelled it and why) and its `outbox` entry (what to tell) in the same step.
   * Returns whether it moved and the state it had (null for an unknown id).
   */
  async transition (
    id: string, to: RolloutState, from: RolloutState[], stamp: string, now: number, fields: Record<string, string> = {}, outbox?: OutboxEntry
  ): Promise<{ moved: boolean, state: RolloutState | null }> {
    const [moved, state] = await this.#redis.gonogoTransition(
      this.keys.rollout(id), ...this.keys.stateIndexes(), this.keys.outbox(id), id, to, `,${from.join(',')},`, now, stamp,
      outbox?.id ?? '', outbox === undefined ? '' : JSON.stringify(outbox), ...Object.entries(fields).flat()
    ) as [number, string]
    return { moved: moved === 1, state: state === '' ? null : state as RolloutState }
  }

  /** The state, the pre-serialised latest recommendation and its value; null for an unknown id. */
  async latest (id: string): Promise<{ state: RolloutState, latest: string | null, recommendation: string | null } | null> {
    const [state, latest, recommendation] = await this.#redis.hmget(this.keys.rollout(id), 'state', 'latest', 'recommendation')
    return state === null ? null : { state: state as RolloutState, latest, recommendation }
  }
}

function parse (values: Array<string | null>): StoredRollout | null {
  const [spec, state, updatedAt, startedAt, decidedAt, cancelledAt, recommendation, statuses, cancelledBy, cancelReason, rev, latestIndex, override] = values
  if (spec === null || state === null) return null
  const num = (s: string | null) => (s === null ? undefined : Number(s))
  return {
    spec: JSON.parse(spec) as RolloutSpec,
    state: state as RolloutState,
    updatedAt: Number(updatedAt),
    startedAt: num(startedAt),
    decidedAt: num(decidedAt),
    cancelledAt: num(cancelledAt),
    recommendation: (recommendation === null || recommendation === '') ? null : recommendation as Recommendation,
    statuses: statuses ?? '',
    ...(cancelledBy === null ? {} : { cancelledBy }),
    ...(cancelReason === null ? {} : { cancelReason }),
    rev: Number(rev ?? 0),
    latestIndex: latestIndex === null ? null : Number(latestIndex),
    override: override === null ? null : JSON.parse(override) as Override
  }
}
