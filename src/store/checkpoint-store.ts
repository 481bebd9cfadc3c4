import type { Redis } from 'ioredis'
import type { CheckpointResult } from '../schemas/result.ts'
import { Keys, orderMember } from './keys.ts'
import { OutboxStore } from './outbox-store.ts'
import { withScripts, type ScriptedRedis } from './scripts.ts'
import type { OutboxEntry } from '../rollout/outbox.ts'
import type { CheckpointRecord } from '../rollout/types.ts'

/** What recording one checkpoint writes; see RECORD in scripts.ts. */
export interface RecordInput {
  rolloutId: string
  record: CheckpointRecord
  /** Status character for plan entries; '' for manual checkpoints, which are not in the plan. */
  statusChar: string
  /** The judge's evidence after this checkpoint (JSON); '' when it failed. */
  evidence: string
  /** Pre-serialised latest recommendation to publish; '' to keep the current one. */
  latest: string
  recommendation: string
  decision: boolean
  now: number
  lockToken: string
  /** Compact cells for the matrix (JSON), '' for none. */
  cells?: string
  /** "<index>|<app>" -> one app at this checkpoint (JSON). */
  appCheckpoints?: Array<[string, string]>
  /** app -> series (JSON); replaces the stored series when this record becomes the latest. */
  series?: Array<[string, string]>
  /** What to notify, written only if the record is (mark the outbox before: OutboxStore.mark). */
  outbox?: OutboxEntry
}

/** One page of checkpoint records, by time, and the index of the last one when more follow. */
export interface CheckpointPage {
  items: CheckpointRecord[]
  next: number | null
}

export type RecordOutcome = 'ok' | 'duplicate' | 'lost-lock' | 'decided' | 'cancelled' | 'missing'

/** Checkpoint records, evidence, retry bookkeeping and manual requests of rollouts. */
export class CheckpointStore {
  readonly keys: Keys
  /** The notifications recorded with checkpoints and cancels, until they are queued. */
  readonly outbox: OutboxStore
  readonly #redis: ScriptedRedis

  constructor (redis: Redis, prefix: string) {
    this.#redis = withScripts(redis)
    this.keys = new Keys(prefix)
    this.outbox = new OutboxStore(redis, prefix)
  }

  /**
   * Records a checkpoint and its consequences (status, evidence, latest
   * recommendation, state, its outbox entry, its place in the order) in one atomic script.
   * Only 'ok' means it was written.
   */
  async record (input: RecordInput): Promise<RecordOutcome> {
    const k = this.keys
    const id = input.rolloutId
    return await this.#redis.gonogoRecordCheckpoint(
      k.rollout(id), k.checkpoints(id), k.evidence(id), k.attempts(id), k.manual(id), k.lock(id), ...k.stateIndexes(),
      k.cells(id), k.appCheckpoints(id), k.series(id), k.outbox(id), k.checkpointOrder(id),
      id, input.record.index, JSON.stringify(input.record), input.statusChar, input.evidence, input.latest,
      input.recommendation, input.decision ? '1' : '0', input.now, input.lockToken, Date.parse(input.record.at),
      input.cells ?? '', input.outbox?.id ?? '', input.outbox === undefined ? '' : JSON.stringify(input.outbox),
      orderMember(input.record.index), (input.appCheckpoints ?? []).length, ...(input.appCheckpoints ?? []).flat(), ...(input.series ?? []).flat()
    ) as RecordOutcome
  }

  /** Every recorded checkpoint of a rollout, by time (plan before manual on a tie). */
  async list (rolloutId: string): Promise<CheckpointRecord[]> {
    const values = await this.#redis.hvals(this.keys.checkpoints(rolloutId))
    return values.map(v => JSON.parse(v) as CheckpointRecord).sort(byTime)
  }

  /**
   * `limit` records by time, starting after the record `after` (from the first when absent);
   * null when `after` is not a recorded checkpoint. Reads the order index and then only the
   * page's records, so a page costs the same whatever the rollout's length. Records written
   * before the index existed are not in it: such a rollout is read whole, as before.
   */
  async page (rolloutId: string, limit: number, after?: number): Promise<CheckpointPage | null> {
    const order = this.keys.checkpointOrder(rolloutId)
    const [[, indexed], [, recorded]] = await this.#redis.multi()
      .zcard(order).hlen(this.keys.checkpoints(rolloutId)).exec() as [[null, number], [null, number]]
    if (indexed !== recorded) return pageOf(await this.list(rolloutId), limit, after)
    let start = 0
    if (after !== undefined) {
      const rank = await this.#redis.zrank(order, orderMember(after))
      if (rank === null) return null
      start = rank + 1
    }
    // One more than the page, to know whether another follows.
    const members = await this.#redis.zrange(order, start, start + limit)
    const fields = members.slice(0, limit).map(m => String(Number(m)))
    const values = fields.length === 0 ? [] : await this.#redis.hmget(this.keys.checkpoints(rolloutId), ...fields)
    const items = values.flatMap(v => v === null ? [] : [JSON.parse(v) as CheckpointRecord])
    return { items, next: members.length > limit ? items[items.length - 1].index : null }
  }

  async get (rolloutId: string, index: number): Promise<CheckpointRecord | null> {
    const v = await this.#redis.hget(this.keys.checkpoints(rolloutId), String(index))
    return v === null ? null : JSON.parse(v) as CheckpointRecord
  }

  /** The evidence (JSON) stored with a checkpoint, null when none. */
  async evidence (rolloutId: string, index: number): Promise<string | null> {
    return await this.#redis.hget(this.keys.evidence(rolloutId), String(index))
  }

  /** The result behind the current recommendation, null when there is none. */
  async latestResult (rolloutId: string): Promise<CheckpointResult | null> {
    const latest = await this.#redis.hget(this.keys.rollout(rolloutId), 'latest')
    if (latest === null) return null
    return (JSON.parse(latest) as { result: CheckpointResult | null }).result
  }

  /** Counts one more try of a checkpoint; returns the count including this one. */
  async addAttempt (rolloutId: string, index: number): Promise<number> {
    return await this.#redis.hincrby(this.keys.attempts(rolloutId), String(index), 1)
  }

  /** Tries so far and the earliest time of the next one (0 when it may run now). */
  async attempts (rolloutId: string, index: number): Promise<{ count: number, notBefore: number }> {
    const [count, notBefore] = await this.#redis.hmget(this.keys.attempts(rolloutId), String(index), `${index}:notBefore`)
    return { count: Number(count ?? 0), notBefore: Number(notBefore ?? 0) }
  }

  async setNotBefore (rolloutId: string, index: number, at: number): Promise<void> {
    await this.#redis.hset(this.keys.attempts(rolloutId), `${index}:notBefore`, at)
  }

  /**
   * Asks for a manual checkpoint at `now`, numbered after the plan; a request
   * still pending is returned instead of making another.
   */
  async requestManual (rolloutId: string, now: number, planLength: number): Promise<
  { outcome: 'new' | 'pending', index: number, at: number } | { outcome: 'state', state: string }
  > {
    const reply = await this.#redis.gonogoRequestManual(this.keys.rollout(rolloutId), this.keys.manual(rolloutId), now, planLength) as [string, number | string, number]
    if (reply[0] === 'state') return { outcome: 'state', state: String(reply[1]) }
    return { outcome: reply[0] as 'new' | 'pending', index: Number(reply[1]), at: Number(reply[2]) }
  }

  /** Manual checkpoints asked for and not yet recorded, by time. */
  async pendingManual (rolloutId: string): Promise<Array<{ index: number, at: number }>> {
    const all = await this.#redis.hgetall(this.keys.manual(rolloutId))
    return Object.entries(all).map(([index, at]) => ({ index: Number(index), at: Number(at) })).sort((a, b) => a.at - b.at)
  }
}

function byTime (a: CheckpointRecord, b: CheckpointRecord): number {
  return Date.parse(a.at) - Date.parse(b.at) || a.index - b.index
}

function pageOf (all: CheckpointRecord[], limit: number, after?: number): CheckpointPage | null {
  let start = 0
  if (after !== undefined) {
    start = all.findIndex(c => c.index === after) + 1
    if (start === 0) return null
  }
  const items = all.slice(start, start + limit)
  return { items, next: start + limit < all.length ? items[items.length - 1].index : null }
}
