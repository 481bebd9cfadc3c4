import type { Redis } from 'ioredis'
import type { Recommendation } from '../schemas/common.ts'
import type { Override } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { idPrefix } from './ids.ts'
import { Keys, STATES } from './keys.ts'
import { unpack } from './packed.ts'
import { StateIndex } from './state-index.ts'
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
 * How long a claimed Idempotency-Key may point at a rollout not stored yet before a replay takes
 * it over: the first create died between the claim and the store.
 */
const CLAIM_WAIT_MS = 3000
/** An index entry without a rollout this much younger than now may be a create in progress; repairs leave it. */
const CREATE_GRACE_MS = 60_000

/**
 * Rollouts in Redis: one hash per rollout plus sorted-set indexes (all, and per
 * state) ordered by id, which is ordered by creation time.
 */
export class RolloutStore {
  readonly keys: Keys
  readonly #redis: ScriptedRedis
  readonly #index: StateIndex

  constructor (redis: Redis, prefix: string) {
    this.#redis = withScripts(redis)
    this.keys = new Keys(prefix)
    this.#index = new StateIndex(redis, this.keys)
  }

  /**
   * Stores a new rollout as `scheduled`, unless the Idempotency-Key was used before (then says by
   * which rollout). The key, the indexes and the rollout are in different cluster slots, so they are
   * three steps, in this order: the key is claimed first (two creates with one key make one rollout),
   * the rollout is listed, then stored.
   */
  async create (spec: RolloutSpec, idem?: Idempotency): Promise<CreateOutcome> {
    if (idem !== undefined) {
      const holder = await this.#claim(spec.id, idem)
      if (holder !== null) return holder
    }
    await this.#index.beforeCreate(spec.id)
    await this.#redis.gonogoCreateRollout(this.keys.rollout(spec.id), JSON.stringify(spec), spec.createdAt, freshStatuses(spec.planLength))
    return { created: true }
  }

  /** Claims the key for `id`; null when claimed, else the rollout that holds it. */
  async #claim (id: string, idem: Idempotency): Promise<CreateOutcome | null> {
    const key = this.keys.idempotency(idem.keyHash)
    const mine = `${id}|${idem.fingerprint}`
    let stale = ''
    const deadline = Date.now() + CLAIM_WAIT_MS
    for (;;) {
      const holder = await this.#redis.gonogoClaimIdempotency(key, mine, IDEMPOTENCY_TTL_S, stale) as string | null
      if (holder === null) return null
      const bar = holder.indexOf('|')
      const outcome: CreateOutcome = { created: false, id: holder.slice(0, bar), fingerprint: holder.slice(bar + 1) }
      if (await this.#redis.exists(this.keys.rollout(outcome.id)) === 1) return outcome
      // Claimed but not stored: a create in progress, or one that died after its claim.
      if (Date.now() > deadline) stale = holder
      else await new Promise(resolve => setTimeout(resolve, 50))
    }
  }

  /** Whether an Idempotency-Key (hashed) was already used: a replay need not redo pre-create work. */
  async idempotencyUsed (keyHash: string): Promise<boolean> {
    return await this.#redis.exists(this.keys.idempotency(keyHash)) === 1
  }

  /** One rollout, or null when the id is unknown. */
  async get (id: string): Promise<StoredRollout | null> {
    return parse(await this.#redis.hmget(this.keys.rollout(id), ...FIELDS))
  }

  /**
   * Several rollouts, skipping unknown ids. Sent together, not as one pipeline: on a cluster the
   * rollouts are on different nodes, and the auto-pipelined state connection batches them per node.
   */
  async getMany (ids: string[]): Promise<StoredRollout[]> {
    const replies = await Promise.all(ids.map(async id => await this.#redis.hmget(this.keys.rollout(id), ...FIELDS)))
    return replies.map(parse).filter(r => r !== null)
  }

  /**
   * Newest first; `cursor` is the last id of the previous page. A state index may hold an id a
   * moment longer than the state (see StateIndex): such ids are skipped, so a page may be short.
   */
  async list (opts: { state?: RolloutState, limit: number, cursor?: string }): Promise<{ items: StoredRollout[], nextCursor: string | null }> {
    const max = opts.cursor === undefined ? '+' : `(${opts.cursor}`
    const ids = await this.#redis.zrevrangebylex(this.keys.index(opts.state), max, '-', 'LIMIT', 0, opts.limit + 1)
    const page = ids.slice(0, opts.limit)
    const items = (await this.getMany(page)).filter(r => opts.state === undefined || r.state === opts.state)
    return { items, nextCursor: ids.length > opts.limit ? page[page.length - 1] : null }
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
        const ended = (await Promise.all(page.map(async id => await this.#redis.hget(this.keys.rollout(id), stamp)))).map(Number)
        let kept = 0
        for (const [i, id] of page.entries()) {
          // No stamp (an older record): it ended no earlier than it was created, which is before the cutoff.
          const at = Number.isFinite(ended[i]) && ended[i] > 0 ? ended[i] : 0
          if (at > cutoffMs || deleted.length >= max) { kept++; continue }
          // The rollout's keys share a slot, the indexes do not: keys first, so an index never
          // lists less than is stored (readers skip an id whose rollout is gone).
          await this.#redis.del(...this.keys.allOf(id))
          await this.#index.forget(id, state)
          deleted.push(id)
        }
        offset += kept
      }
    }
    return deleted
  }

  /** Ids listed in one state's index, newest first, at most `max` (callers check the state they read). */
  async idsIn (state: RolloutState, max: number): Promise<string[]> {
    return await this.#redis.zrevrangebylex(this.keys.index(state), '+', '-', 'LIMIT', 0, max)
  }

  /**
   * Puts the indexes right after a crash between a script and its index writes (StateIndex): an
   * id listed under a state it is not in moves to its real one, an id whose rollout is gone is
   * dropped (unless so young that its create may still be running), a stored rollout missing from
   * the all-index or its state's is added. Looks at most `max` ids of each index. Returns the fixes.
   */
  async repairIndexes (now: number, max = 10_000): Promise<number> {
    const young = idPrefix(now - CREATE_GRACE_MS)
    let fixes = 0
    const states = (ids: string[]) => Promise.all(ids.map(async id => await this.#redis.hget(this.keys.rollout(id), 'state') as RolloutState | null))
    const all = await this.#redis.zrevrangebylex(this.keys.index(), '+', '-', 'LIMIT', 0, max)
    for (const [i, state] of (await states(all)).entries()) {
      const id = all[i]
      if (state === null) {
        if (id < young) { await this.#redis.zrem(this.keys.index(), id); fixes++ }
      } else if (await this.#redis.zadd(this.keys.index(state), 'NX', 0, id) === 1) {
        fixes++
      }
    }
    for (const listed of STATES) {
      const ids = await this.idsIn(listed, max)
      for (const [i, state] of (await states(ids)).entries()) {
        if (state === listed || (state === null && ids[i] >= young)) continue
        if (state !== null) await this.#index.beforeMove(ids[i], state)
        await this.#redis.zrem(this.keys.index(listed), ids[i])
        if (state === null) await this.#redis.zrem(this.keys.index(), ids[i])
        else await this.#redis.zadd(this.keys.index(), 'NX', 0, ids[i])
        fixes++
      }
    }
    return fixes
  }

  /**
   * Moves a rollout to `to` if its state is one of `from`, atomically, and then sets the
   * `fields` given (who cancelled it and why) and its `outbox` entry (what to tell) in the same step.
   * Returns whether it moved and the state it had (null for an unknown id).
   */
  async transition (
    id: string, to: RolloutState, from: RolloutState[], stamp: string, now: number, fields: Record<string, string> = {}, outbox?: OutboxEntry
  ): Promise<{ moved: boolean, state: RolloutState | null }> {
    await this.#index.beforeMove(id, to)
    const [moved, state] = await this.#redis.gonogoTransition(
      this.keys.rollout(id), this.keys.outbox(id), id, to, `,${from.join(',')},`, now, stamp,
      outbox?.id ?? '', outbox === undefined ? '' : JSON.stringify(outbox), ...Object.entries(fields).flat()
    ) as [number, string]
    const was = state === '' ? null : state as RolloutState
    await this.#index.after(id, moved === 1 ? to : was, moved === 1 && was !== null ? [was, to] : [to])
    return { moved: moved === 1, state: was }
  }

  /** The state, the pre-serialised latest recommendation and its value; null for an unknown id. */
  async latest (id: string): Promise<{ state: RolloutState, latest: string | null, recommendation: string | null } | null> {
    const [state, latest, recommendation] = await this.#redis.hmgetBuffer(this.keys.rollout(id), 'state', 'latest', 'recommendation')
    return state === null ? null : { state: state.toString() as RolloutState, latest: unpack(latest), recommendation: recommendation?.toString() ?? null }
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
