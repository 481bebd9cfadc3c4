import type { Redis } from 'ioredis'
import type { OutboxEntry } from '../rollout/outbox.ts'
import { Keys } from './keys.ts'

/**
 * The outbox's Redis side. Entries live in the rollout's own hash (`outbox(id)`), written by the
 * record and transition scripts; a queued entry is deleted, so the hash holds only what is still
 * to send. The global `outboxPending()` set says which rollouts to look at: no script may touch it
 * (Redis Cluster), so it is marked here before the script that writes entries runs.
 */
export class OutboxStore {
  readonly keys: Keys
  readonly #redis: Redis

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.keys = new Keys(prefix)
  }

  /** Says the rollout may have entries to send from `now` on; call before the script that may write them. */
  async mark (rolloutId: string, now: number): Promise<void> {
    await this.#redis.zadd(this.keys.outboxPending(), now, rolloutId)
  }

  /** The entries not yet queued, oldest first (by occurredAt). */
  async entries (rolloutId: string): Promise<OutboxEntry[]> {
    const all = await this.#redis.hvals(this.keys.outbox(rolloutId))
    return all.map(v => JSON.parse(v) as OutboxEntry).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
  }

  /** Drops entries that are in the notify queue. */
  async done (rolloutId: string, entryIds: string[]): Promise<void> {
    if (entryIds.length > 0) await this.#redis.hdel(this.keys.outbox(rolloutId), ...entryIds)
  }

  /** Rollouts marked at or before `markedBy` (ms), oldest mark first. */
  async pending (markedBy: number, limit: number): Promise<string[]> {
    return await this.#redis.zrangebyscore(this.keys.outboxPending(), '-inf', markedBy, 'LIMIT', 0, limit)
  }

  /**
   * Unmarks a rollout that can get no more entries: decided, cancelled or deleted, with nothing
   * left to send. The state is read before the entries: only a live rollout gets new ones, and
   * a finished one never comes back, so nothing can be written after this check. A live rollout
   * stays marked, which is what makes a concurrent mark and settle safe without a script.
   */
  async settle (rolloutId: string): Promise<boolean> {
    const state = await this.#redis.hget(this.keys.rollout(rolloutId), 'state')
    if (state === 'scheduled' || state === 'monitoring') return false
    if (await this.#redis.hlen(this.keys.outbox(rolloutId)) > 0) return false
    await this.#redis.zrem(this.keys.outboxPending(), rolloutId)
    return true
  }
}
