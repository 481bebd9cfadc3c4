import type { Redis } from 'ioredis'

/** Longer than any rollout lives (GONOGO_MAX_WINDOW_HOURS is at most 31 days), so a mark never expires under a live rollout. */
const MARK_TTL_MS = 40 * 86_400_000

/**
 * Which overdue plan entries were announced: one SET NX key per (rollout, plan index), so any
 * number of workers sweeping at once send checkpoint.overdue once. The key expires on its own
 * (it is not one of the rollout's keys that the retention purge deletes).
 */
export class OverdueMarks {
  readonly #redis: Redis
  readonly #prefix: string

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
  }

  #key (rolloutId: string, index: number): string { return `${this.#prefix}:rollout:${rolloutId}:overdue:${index}` }

  /** True for the one caller that gets to announce this entry. */
  async claim (rolloutId: string, index: number, now: number): Promise<boolean> {
    return await this.#redis.set(this.#key(rolloutId, index), String(now), 'PX', MARK_TTL_MS, 'NX') === 'OK'
  }

  /** Gives the claim back when the announcement could not be queued, so the next sweep tries again. */
  async release (rolloutId: string, index: number): Promise<void> {
    await this.#redis.del(this.#key(rolloutId, index))
  }
}
