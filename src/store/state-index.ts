import type { Redis } from 'ioredis'
import type { RolloutState } from '../schemas/rollout.ts'
import type { Keys } from './keys.ts'

/**
 * The sorted-set indexes of rollouts (all, and one per state). They sit in other cluster slots
 * than the rollouts they list, so no script can update them with the rollout: the writers here
 * run around the script, in an order that never hides a rollout. An id is added to the index of
 * the state it is about to enter before the script moves it, and removed from the old one after;
 * a crash in between leaves an id in one index too many, never in none. Readers check each
 * member's real state (RolloutStore.list), and the reconcile sweep repairs what a crash left
 * (RolloutStore.repairIndexes).
 */
export class StateIndex {
  readonly #redis: Redis
  readonly #keys: Keys

  constructor (redis: Redis, keys: Keys) {
    this.#redis = redis
    this.#keys = keys
  }

  /** Before a rollout is stored: listed in all and in `scheduled` first, so it is never stored unlisted. */
  async beforeCreate (id: string): Promise<void> {
    await Promise.all([this.#redis.zadd(this.#keys.index(), 0, id), this.#redis.zadd(this.#keys.index('scheduled'), 0, id)])
  }

  /** Before a script that may move a rollout into `to`. */
  async beforeMove (id: string, to: RolloutState): Promise<void> {
    await this.#redis.zadd(this.#keys.index(to), 0, id)
  }

  /**
   * After the script: `now` is the state the rollout is in (null: none, it is gone), `stale` the
   * states whose index it may still be in (the one it left, the one added for a move that did not
   * happen).
   */
  async after (id: string, now: RolloutState | null, stale: RolloutState[]): Promise<void> {
    const drop = [...new Set(stale)].filter(s => s !== now)
    await Promise.all(drop.map(async s => await this.#redis.zrem(this.#keys.index(s), id)))
  }

  /** After a rollout's keys were deleted. */
  async forget (id: string, state: RolloutState): Promise<void> {
    await Promise.all([this.#redis.zrem(this.#keys.index(state), id), this.#redis.zrem(this.#keys.index(), id)])
  }
}
