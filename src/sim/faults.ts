/**
 * Fault injection for reliability tests: fixed latency, shares of requests
 * answered 429/500/503, NRQL timeouts or never answered, and a script of exact
 * outcomes for deterministic tests. The draws come from a seeded generator so
 * a run with the same settings and request order repeats itself.
 */
import { Rng } from './rng.ts'

export type FaultOutcome = 'ok' | '429' | '500' | '503' | 'timeout' | 'hang'

export interface Faults {
  /** Fixed extra latency added to every /graphql request. */
  latencyMs?: number
  /** Share (0..1) of requests answered HTTP 429 with Retry-After. */
  rate429?: number
  rate500?: number
  rate503?: number
  /** Share answered HTTP 200 with nrql null and errorClass TIMEOUT. */
  rateNrqlTimeout?: number
  /** Share never answered (held until the client gives up or the simulator closes). */
  rateHang?: number
  /** Retry-After on 429, in seconds (default 1). */
  retryAfterSeconds?: number
  /** The next requests take these outcomes in order, then the rates apply again. */
  script?: FaultOutcome[]
}

const OUTCOMES: FaultOutcome[] = ['ok', '429', '500', '503', 'timeout', 'hang']
const RATE_KEYS = ['rate429', 'rate500', 'rate503', 'rateNrqlTimeout', 'rateHang'] as const
const KNOWN_KEYS = ['latencyMs', 'retryAfterSeconds', 'script', ...RATE_KEYS]

/** Bad fault settings (from the admin endpoint or the command line). */
export class FaultsError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'FaultsError'
  }
}

/** Validates fault settings from untrusted JSON; returns a clean copy. */
export function parseFaults (v: unknown): Faults {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new FaultsError('faults must be a JSON object')
  const o = v as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!KNOWN_KEYS.includes(k)) throw new FaultsError(`${k} is not a known fault setting (expected one of: ${KNOWN_KEYS.join(', ')})`)
  }
  const out: Faults = {}
  for (const k of ['latencyMs', 'retryAfterSeconds'] as const) {
    const x = o[k]
    if (x === undefined) continue
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new FaultsError(`${k} must be a number >= 0`)
    out[k] = x
  }
  let total = 0
  for (const k of RATE_KEYS) {
    const x = o[k]
    if (x === undefined) continue
    if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw new FaultsError(`${k} must be a number between 0 and 1`)
    out[k] = x
    total += x
  }
  if (total > 1 + 1e-9) throw new FaultsError(`the fault rates add up to ${total}, more than 1`)
  if (o.script !== undefined) {
    if (!Array.isArray(o.script) || o.script.some(s => !OUTCOMES.includes(s as FaultOutcome))) {
      throw new FaultsError(`script must be an array of ${OUTCOMES.join(', ')}`)
    }
    out.script = [...o.script] as FaultOutcome[]
  }
  return out
}

/** Decides each request's outcome from the current settings. */
export class FaultPlan {
  #faults: Faults = {}
  #script: FaultOutcome[] = []
  #rng = new Rng([1, 2, 3, 4])

  constructor (faults: Faults = {}) {
    this.set(faults)
  }

  /** Replaces the settings (and restarts the random sequence). */
  set (faults: Faults): void {
    this.#faults = parseFaults(faults)
    this.#script = [...(this.#faults.script ?? [])]
    this.#rng = new Rng([0x5eed, 0xfa17, 0x0429, 0x0503])
  }

  /** The settings, with what is left of the script. */
  get (): Faults {
    const f = { ...this.#faults }
    if (f.script !== undefined) f.script = [...this.#script]
    return f
  }

  get latencyMs (): number { return this.#faults.latencyMs ?? 0 }
  get retryAfterSeconds (): number { return this.#faults.retryAfterSeconds ?? 1 }

  /** The outcome of the next request. */
  next (): FaultOutcome {
    const scripted = this.#script.shift()
    if (scripted !== undefined) return scripted
    const f = this.#faults
    if (RATE_KEYS.every(k => (f[k] ?? 0) === 0)) return 'ok'
    const u = this.#rng.next()
    let acc = 0
    const pairs: Array<[number | undefined, FaultOutcome]> = [
      [f.rate429, '429'], [f.rate500, '500'], [f.rate503, '503'], [f.rateNrqlTimeout, 'timeout'], [f.rateHang, 'hang']
    ]
    for (const [rate, outcome] of pairs) {
      acc += rate ?? 0
      if (u < acc) return outcome
    }
    return 'ok'
  }
}
