import type { Redis } from 'ioredis'
import type { CheckpointResult } from '../schemas/result.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { Keys, orderMember } from './keys.ts'
import { OutboxStore } from './outbox-store.ts'
import { StateIndex } from './state-index.ts'
import { withScripts, type ScriptedRedis } from './scripts.ts'
import { appendedAppCheckpoints, readAllAppCheckpoints, readAppCheckpoints } from './app-checkpoints.ts'
import { packEvidence, unpackEvidence } from './evidence-codec.ts'
import { pack, unpack } from './packed.ts'
import { abridge, unabridge } from '../rollout/abridge.ts'
import { packSeries } from './series-codec.ts'
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
  /** app -> that app at this checkpoint (JSON StoredAppCheckpoint); added to the app's stored checkpoints. */
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
  readonly #index: StateIndex

  constructor (redis: Redis, prefix: string) {
    this.#redis = withScripts(redis)
    this.keys = new Keys(prefix)
    this.outbox = new OutboxStore(redis, prefix)
    this.#index = new StateIndex(redis, this.keys)
  }

  /**
   * Records a checkpoint and its consequences (status, evidence, latest
   * recommendation, state, its outbox entry, its place in the order) in one atomic script.
   * Only 'ok' means it was written. The state indexes are in other slots: the state the record
   * may move the rollout into is listed before it, the one it left is unlisted after.
   */
  async record (input: RecordInput): Promise<RecordOutcome> {
    const k = this.keys
    const id = input.rolloutId
    const into: RolloutState = input.decision ? 'decided' : 'monitoring'
    await this.#index.beforeMove(id, into)
    const appCheckpoints = await appendedAppCheckpoints(this.#redis, k.appCheckpoints(id), input.record.index, input.appCheckpoints ?? [])
    const series = (input.series ?? []).map(([app, json]): [string, Buffer] => [app, pack(packSeries(json))])
    const reply = await this.#redis.gonogoRecordCheckpoint(
      k.rollout(id), k.checkpoints(id), k.evidence(id), k.attempts(id), k.manual(id), k.lock(id),
      k.cells(id), k.appCheckpoints(id), k.series(id), k.outbox(id), k.checkpointOrder(id),
      id, input.record.index, pack(JSON.stringify(abridge(input.record))), input.statusChar,
      input.evidence === '' ? '' : packEvidence(input.evidence), input.latest === '' ? '' : pack(input.latest),
      input.recommendation, input.decision ? '1' : '0', input.now, input.lockToken, Date.parse(input.record.at),
      input.cells === undefined || input.cells === '' ? '' : pack(input.cells), input.outbox?.id ?? '', input.outbox === undefined ? '' : JSON.stringify(input.outbox),
      orderMember(input.record.index), appCheckpoints.length, ...appCheckpoints.flat(), ...series.flat()
    ) as string | [string, RolloutState, RolloutState]
    if (Array.isArray(reply)) {
      const [, from, to] = reply
      // Recorded is recorded: a Redis hiccup now must not make the caller run the checkpoint again;
      // the reconcile sweep repairs what it leaves in the indexes.
      await this.#index.after(id, to, [from, into]).catch(() => {})
      return 'ok'
    }
    const outcome = reply as RecordOutcome
    // Not recorded: the state is what the reply names, or unknown ('duplicate', 'lost-lock').
    const state = outcome === 'missing'
      ? null
      : outcome === 'decided' || outcome === 'cancelled'
        ? outcome
        : await this.#redis.hget(k.rollout(id), 'state') as RolloutState | null
    await this.#index.after(id, state, [into])
    return outcome
  }

  /**
   * Every recorded checkpoint of a rollout, by time (plan before manual on a tie). Bounded Redis:
   * records are stored abridged; the latest checkpoint's (at the end, the decision's) full result
   * is the rollout's `latest`, and the others come back from the compact app checkpoints
   * (rollout/abridge.ts).
   */
  async list (rolloutId: string): Promise<CheckpointRecord[]> {
    const values = await this.#redis.hvalsBuffer(this.keys.checkpoints(rolloutId))
    const records = values.map(v => JSON.parse(unpack(v)) as CheckpointRecord).sort(byTime)
    if (!records.some(r => r.abridged === true)) return records
    const [latest, apps] = await Promise.all([this.#latest(rolloutId), readAllAppCheckpoints(this.#redis, this.keys.appCheckpoints(rolloutId))])
    return records.map(r => this.#full(r, latest) ?? unabridge(r, app => apps.get(app)?.get(r.index)))
  }

  /**
   * `limit` records by time, starting after the record `after` (from the first when absent);
   * null when `after` is not a recorded checkpoint. Reads the order index and then only the
   * page's records (and their apps' compact checkpoints), so a page costs the same whatever the
   * rollout's length. Records written before the index existed are not in it: such a rollout is
   * read whole, as before.
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
    const values = fields.length === 0 ? [] : await this.#redis.hmgetBuffer(this.keys.checkpoints(rolloutId), ...fields)
    const items = await this.#whole(rolloutId, values.flatMap(v => v === null ? [] : [JSON.parse(unpack(v)) as CheckpointRecord]))
    return { items, next: members.length > limit ? items[items.length - 1].index : null }
  }

  /** Abridged records whole again: the latest from the rollout's `latest`, the others from their apps' compact checkpoints. */
  async #whole (rolloutId: string, records: CheckpointRecord[]): Promise<CheckpointRecord[]> {
    if (!records.some(r => r.abridged === true)) return records
    const latest = await this.#latest(rolloutId)
    const wanted = records.filter(r => this.#full(r, latest) === null && r.abridged === true)
    const apps = [...new Set(wanted.flatMap(r => (r.result?.apps ?? []).map(a => a.app)))]
    const stored = await readAppCheckpoints(this.#redis, this.keys.appCheckpoints(rolloutId), apps, wanted.map(r => r.index))
    return records.map(r => this.#full(r, latest) ?? unabridge(r, app => stored.get(app)?.get(r.index)))
  }

  async get (rolloutId: string, index: number): Promise<CheckpointRecord | null> {
    const v = await this.#redis.hgetBuffer(this.keys.checkpoints(rolloutId), String(index))
    if (v === null) return null
    const record = JSON.parse(unpack(v)) as CheckpointRecord
    if (record.abridged !== true) return record
    const full = this.#full(record, await this.#latest(rolloutId))
    if (full !== null) return full
    const names = (record.result?.apps ?? []).map(a => a.app)
    const stored = await readAppCheckpoints(this.#redis, this.keys.appCheckpoints(rolloutId), names, [index])
    return unabridge(record, app => stored.get(app)?.get(index))
  }

  /** The latest checkpoint's index and full result, from the rollout hash. */
  async #latest (rolloutId: string): Promise<{ index: number, result: CheckpointResult | null } | null> {
    const [index, latest] = await this.#redis.hmgetBuffer(this.keys.rollout(rolloutId), 'latestIndex', 'latest')
    if (index === null || latest === null) return null
    return { index: Number(index.toString()), result: (JSON.parse(unpack(latest)) as { result: CheckpointResult | null }).result }
  }

  /** The abridged record of the latest checkpoint, whole again; null for any other. */
  #full (record: CheckpointRecord, latest: { index: number, result: CheckpointResult | null } | null): CheckpointRecord | null {
    if (record.abridged !== true || latest === null || latest.index !== record.index || latest.result === null) return null
    const { abridged: _, ...rest } = record
    return { ...rest, result: latest.result }
  }

  /** The evidence (JSON) stored with a checkpoint, null when none. */
  async evidence (rolloutId: string, index: number): Promise<string | null> {
    return unpackEvidence(await this.#redis.hgetBuffer(this.keys.evidence(rolloutId), String(index)))
  }

  /** The result behind the current recommendation, null when there is none. */
  async latestResult (rolloutId: string): Promise<CheckpointResult | null> {
    const latest = await this.#redis.hgetBuffer(this.keys.rollout(rolloutId), 'latest')
    if (latest === null) return null
    return (JSON.parse(unpack(latest)) as { result: CheckpointResult | null }).result
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
