import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { NotifyTarget } from '../../schemas/notify.ts'

/**
 * Where delivery jobs find their targets. Jobs carry a reference, not the
 * target: a Slack or Teams URL and a webhook secret are credentials, and job
 * data is what queue dashboards show and what lingers in completed and failed
 * job lists. One hash per rollout, `<prefix>:notify-targets:<rolloutId>`,
 * field = fingerprint of the target, value = the target as JSON; its expiry is
 * pushed forward on every publish so pending retries always find it.
 * Fingerprints rather than list positions: a job queued before the rollout's
 * targets changed still reaches the target it was rendered for.
 */
export class TargetStore {
  readonly #client: Redis
  readonly #prefix: string
  readonly #ttlSeconds: number

  constructor (client: Redis, prefix: string, ttlSeconds: number) {
    this.#client = client
    this.#prefix = prefix
    this.#ttlSeconds = ttlSeconds
  }

  /** Stores a rollout's targets; returns their fingerprints in list order. */
  async save (rolloutId: string, targets: readonly NotifyTarget[]): Promise<string[]> {
    const fingerprints = targets.map(fingerprint)
    if (targets.length === 0) return fingerprints
    const key = this.#key(rolloutId)
    const fields: Record<string, string> = {}
    targets.forEach((t, i) => { fields[fingerprints[i]] = JSON.stringify(t) })
    const replies = await this.#client.multi().hset(key, fields).expire(key, this.#ttlSeconds).exec()
    const failed = replies?.find(([err]) => err !== null)?.[0]
    if (failed !== undefined && failed !== null) throw failed
    return fingerprints
  }

  /** The target with this fingerprint, or undefined when it is gone (rollout forgotten or expired). */
  async get (rolloutId: string, fp: string): Promise<NotifyTarget | undefined> {
    const raw = await this.#client.hget(this.#key(rolloutId), fp)
    return raw === null ? undefined : JSON.parse(raw) as NotifyTarget
  }

  /** Drops a rollout's stored targets; its pending deliveries then fail permanently. */
  async forget (rolloutId: string): Promise<void> {
    await this.#client.del(this.#key(rolloutId))
  }

  #key (rolloutId: string): string {
    return `${this.#prefix}:notify-targets:${rolloutId}`
  }
}

/** A short stable id of a target (kind, URL and secret), safe to keep in job data. */
export function fingerprint (target: NotifyTarget): string {
  const secret = target.kind === 'webhook' ? target.secret : ''
  return createHash('sha256').update(`${target.kind}\0${target.url}\0${secret}`).digest('hex').slice(0, 24)
}
