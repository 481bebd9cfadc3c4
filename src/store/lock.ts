import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { Keys } from './keys.ts'
import { withScripts, type ScriptedRedis } from './scripts.ts'

/** A held lock: its token (checked again by the record script) and whether it is still ours. */
export interface HeldLock {
  readonly token: string
  /** False once a renewal found the lock gone or taken: stop and let the holder work. */
  readonly held: boolean
}

/**
 * The per-rollout lock that makes one worker at a time advance a rollout:
 * SET NX PX to take it, renewed on a timer while working, released by
 * compare-and-delete so a worker never frees a lock that expired and was taken
 * by another. Writes are fenced too: the record script checks the token.
 */
export class RolloutLock {
  readonly #redis: ScriptedRedis
  readonly #keys: Keys
  readonly #ttlMs: number

  constructor (redis: Redis, prefix: string, ttlMs = 30_000) {
    this.#redis = withScripts(redis)
    this.#keys = new Keys(prefix)
    this.#ttlMs = ttlMs
  }

  /**
   * Runs `fn` holding the rollout's lock; returns `{ acquired: false }` at once
   * when another worker holds it.
   */
  async withLock<T> (rolloutId: string, fn: (lock: HeldLock) => Promise<T>): Promise<{ acquired: true, value: T } | { acquired: false }> {
    const key = this.#keys.lock(rolloutId)
    const token = randomUUID()
    const ok = await this.#redis.set(key, token, 'PX', this.#ttlMs, 'NX')
    if (ok === null) return { acquired: false }
    const state = { token, held: true }
    const timer = setInterval(() => {
      this.#redis.gonogoLockRenew(key, token, this.#ttlMs)
        .then(r => { if (r !== 1) state.held = false })
        // A failed renewal is not a lost lock yet; the next tick tries again before the TTL runs out.
        .catch(() => {})
    }, Math.floor(this.#ttlMs / 3))
    try {
      return { acquired: true, value: await fn(state) }
    } finally {
      clearInterval(timer)
      await this.#redis.gonogoLockRelease(key, token).catch(() => {})
    }
  }
}
