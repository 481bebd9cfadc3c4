import type { Redis } from 'ioredis'
import type { NotifyFailure } from '../schemas/rollout.ts'
import { Keys } from './keys.ts'

/** The notifications of each rollout that gave up after their retries, shown on the rollout. */
export class NotifyFailureStore {
  readonly keys: Keys
  readonly #redis: Redis

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.keys = new Keys(prefix)
  }

  /**
   * Records a notification that will not be retried any more. Keyed by event and
   * target id, so a delivery worker that crashes after recording cannot count it twice,
   * and two targets on one host (two Slack channels) keep a record each; nothing is
   * recorded for a rollout that is gone.
   */
  async record (id: string, failure: NotifyFailure): Promise<void> {
    const exists = await this.#redis.exists(this.keys.rollout(id))
    if (exists === 0) return
    await this.#redis.hset(this.keys.notifyFailures(id), `${failure.eventId}|${failure.targetId}`, JSON.stringify(failure))
  }

  /** The notifications of a rollout that gave up, oldest first. */
  async list (id: string): Promise<NotifyFailure[]> {
    const values = await this.#redis.hvals(this.keys.notifyFailures(id))
    // Records written before target ids were kept (keyed eventId|origin) have none.
    return values.map(v => JSON.parse(v) as NotifyFailure)
      .map(f => ({ ...f, targetId: (f as Partial<NotifyFailure>).targetId ?? 'unknown' }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.targetId.localeCompare(b.targetId))
  }
}
