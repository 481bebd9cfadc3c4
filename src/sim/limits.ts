/**
 * New Relic's limits, for reliability tests: concurrent requests per API key
 * (HTTP 429 with Retry-After beyond them), NRQL queries per account per minute
 * (a sliding 60-second window; each nrql field counts one), and a simulated
 * duration per query, proportional to the events it scans, so that a big query
 * can run past its `timeout` (TIMEOUT) or go asynchronous. All off by default.
 */

export interface Limits {
  /** Most /graphql requests of one API key in flight at once; 0 or absent: no limit (New Relic: 25). */
  maxConcurrent?: number
  /** Most NRQL queries per account in any 60 seconds; 0 or absent: no limit (New Relic: 3,000). */
  maxNrqlPerMinute?: number
  /** Simulated query duration per million events scanned, in ms (default 0). */
  costPerMillionEventsMs?: number
  /** Simulated duration added to every NRQL query, in ms (default 0). */
  costPerQueryMs?: number
  /** Retry-After of a concurrency 429, in seconds (default 1). */
  retryAfterSeconds?: number
}

const KEYS = ['maxConcurrent', 'maxNrqlPerMinute', 'costPerMillionEventsMs', 'costPerQueryMs', 'retryAfterSeconds'] as const
const INTEGER_KEYS: ReadonlyArray<keyof Limits> = ['maxConcurrent', 'maxNrqlPerMinute']
const WINDOW_MS = 60_000

/** Bad limit settings (admin endpoint or command line). */
export class LimitsError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'LimitsError'
  }
}

/** Validates limit settings from untrusted JSON; returns a clean copy. */
export function parseLimits (v: unknown): Limits {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LimitsError('limits must be a JSON object')
  const o = v as Record<string, unknown>
  const out: Limits = {}
  for (const [k, x] of Object.entries(o)) {
    if (!(KEYS as readonly string[]).includes(k)) throw new LimitsError(`${k} is not a known limit (expected one of: ${KEYS.join(', ')})`)
    const key = k as keyof Limits
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new LimitsError(`${k} must be a number >= 0`)
    if (INTEGER_KEYS.includes(key) && !Number.isInteger(x)) throw new LimitsError(`${k} must be an integer`)
    out[key] = x
  }
  return out
}

/** A queue of instants, oldest first, pruned from the front. */
class Window {
  times: number[] = []
  head = 0

  prune (now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - WINDOW_MS) this.head++
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.head = 0
    }
    return this.times.length - this.head
  }
}

export interface LimitStats {
  /** Most /graphql requests in flight at once (all keys). */
  maxInFlight: number
  /** Most NRQL queries one account ran in any 60 seconds. */
  nrqlPerMinuteMax: number
}

/** The limits in force and what they have seen. */
export class LimitState {
  #limits: Limits = {}
  #inFlight = new Map<string, number>()
  #total = 0
  #nrql = new Map<number, Window>()
  readonly clock: () => number
  stats: LimitStats = { maxInFlight: 0, nrqlPerMinuteMax: 0 }

  constructor (limits: Limits = {}, clock: () => number = Date.now) {
    this.clock = clock
    this.set(limits)
  }

  /** Replaces the settings and forgets the NRQL window (requests in flight stay counted). */
  set (limits: Limits): void {
    this.#limits = parseLimits(limits)
    this.#nrql.clear()
  }

  get (): Limits { return { ...this.#limits } }

  get retryAfterSeconds (): number { return this.#limits.retryAfterSeconds ?? 1 }
  get maxConcurrent (): number { return this.#limits.maxConcurrent ?? 0 }
  get maxNrqlPerMinute (): number { return this.#limits.maxNrqlPerMinute ?? 0 }

  /**
   * Admits a request of `key`; false when that key already has maxConcurrent in flight.
   * An admitted request must call the returned `leave` exactly once when it ends.
   */
  enter (key: string): (() => void) | null {
    const mine = this.#inFlight.get(key) ?? 0
    if (this.maxConcurrent > 0 && mine >= this.maxConcurrent) return null
    this.#inFlight.set(key, mine + 1)
    this.#total++
    if (this.#total > this.stats.maxInFlight) this.stats.maxInFlight = this.#total
    let left = false
    return () => {
      if (left) return
      left = true
      this.#total--
      const n = (this.#inFlight.get(key) ?? 1) - 1
      if (n === 0) this.#inFlight.delete(key)
      else this.#inFlight.set(key, n)
    }
  }

  /** Requests in flight now (all keys). */
  get inFlight (): number { return this.#total }

  /**
   * Admits one NRQL query of `accountId`: null when admitted (and counted), otherwise
   * the number of queries already run in the last minute.
   */
  admitNrql (accountId: number): number | null {
    const now = this.clock()
    let w = this.#nrql.get(accountId)
    if (w === undefined) {
      w = new Window()
      this.#nrql.set(accountId, w)
    }
    const recent = w.prune(now)
    if (this.maxNrqlPerMinute > 0 && recent >= this.maxNrqlPerMinute) return recent
    w.times.push(now)
    if (recent + 1 > this.stats.nrqlPerMinuteMax) this.stats.nrqlPerMinuteMax = recent + 1
    return null
  }

  /** Simulated duration of a query that scanned `events` events, in ms. */
  costMs (events: number): number {
    return (this.#limits.costPerQueryMs ?? 0) + events / 1e6 * (this.#limits.costPerMillionEventsMs ?? 0)
  }

  resetStats (): void {
    this.stats = { maxInFlight: this.#total, nrqlPerMinuteMax: 0 }
  }
}
