import type { Redis } from 'ioredis'

/** Longer than any rollout lives (GONOGO_MAX_WINDOW_HOURS is at most 31 days), so a mark never expires under a live rollout. */
const MARK_TTL_MS = 40 * 86_400_000

/**
 * Which overdue plan entries were announced: one SET NX key per (rollout, plan index), set once
 * checkpoint.overdue is queued, so later sweeps of any worker leave it be. The key expires on its
 * own (it is not one of the rollout's keys that the retention purge deletes).
 */
export class OverdueMarks {
  readonly #redis: Redis
  readonly #prefix: string

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
  }

  #key (rolloutId: string, index: number): string { return `${this.#prefix}:rollout:{${rolloutId}}:overdue:${index}` }

  /** Whether this entry's checkpoint.overdue was queued already. */
  async announced (rolloutId: string, index: number): Promise<boolean> {
    return await this.#redis.exists(this.#key(rolloutId, index)) === 1
  }

  /** Marks it queued; true for the one caller that set the mark (the one that logs it). */
  async mark (rolloutId: string, index: number, now: number): Promise<boolean> {
    return await this.#redis.set(this.#key(rolloutId, index), String(now), 'PX', MARK_TTL_MS, 'NX') === 'OK'
  }
}
