import type { Redis } from 'ioredis'

/** How often a worker beats, how long one beat lasts, and how long without one means no worker. */
export const HEARTBEAT = { everyMs: 10_000, ttlMs: 30_000, deadAfterMs: 30_000 } as const

/** Beats older than this are dropped from the set: a worker gone for a day is history. */
const FORGET_AFTER_MS = 86_400_000

/** What /readyz reports of the workers. */
export interface WorkerLiveness {
  /** Workers that beat within HEARTBEAT.deadAfterMs. */
  alive: number
  /** Milliseconds since the newest beat of any worker; null when none was ever recorded (or all left cleanly a day ago). */
  sinceLastMs: number | null
}

/**
 * Worker heartbeats, so a process without a worker (the API role) can tell that no worker is
 * left: `<prefix>:{workers}:<id>` with a TTL for each live worker (what an operator lists), and a
 * sorted set `<prefix>:{workers}` of the time of each worker's latest beat (what readiness reads:
 * one command, no SCAN). Times are the workers' own clocks; hosts of one deployment agree
 * within seconds, far below the 30 s that counts.
 */
export class HeartbeatStore {
  readonly #redis: Redis
  readonly #prefix: string

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.#prefix = prefix
  }

  // One hash tag: a beat writes the three keys in one MULTI, which a Redis Cluster allows only within one slot.
  #set (): string { return `${this.#prefix}:{workers}` }
  #key (id: string): string { return `${this.#prefix}:{workers}:${id}` }
  #latest (): string { return `${this.#prefix}:{workers}:latest-beat` }

  /** Records a beat of worker `id` at `now` (what it is: host and pid, for people reading the key). */
  async beat (id: string, now: number, about: Record<string, unknown> = {}): Promise<void> {
    await this.#redis.multi()
      .set(this.#key(id), JSON.stringify({ ...about, at: new Date(now).toISOString() }), 'PX', HEARTBEAT.ttlMs)
      .zadd(this.#set(), now, id)
      .set(this.#latest(), String(now))
      .zremrangebyscore(this.#set(), '-inf', now - FORGET_AFTER_MS)
      .exec()
  }

  /** A worker that stops cleanly leaves at once: readiness need not wait for its beat to age. */
  async leave (id: string): Promise<void> {
    await this.#redis.multi().del(this.#key(id)).zrem(this.#set(), id).exec()
  }

  /** How many workers are alive and how long since any beat. */
  async liveness (now: number): Promise<WorkerLiveness> {
    const replies = await this.#redis.multi()
      .zcount(this.#set(), now - HEARTBEAT.deadAfterMs, '+inf')
      .get(this.#latest())
      .exec()
    const alive = Number(replies?.[0]?.[1] ?? 0)
    const latest = replies?.[1]?.[1] as string | null | undefined
    return { alive, sinceLastMs: latest === null || latest === undefined ? null : Math.max(0, now - Number(latest)) }
  }
}
