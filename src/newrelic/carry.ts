/**
 * The carried state of an incremental checkpoint (fetch-incremental.ts): what New Relic said
 * about [from, settledUntil) that adds up, so the next checkpoint reads only from settledUntil
 * on. It travels inside the judge's evidence JSON (field `carry`), which the record script
 * writes atomically with the checkpoint, so a checkpoint and the state it leaves are one.
 *
 * In memory the series are typed arrays (a 200-app rollout carries about a million buckets);
 * in JSON they are plain number arrays, rows of arrays rather than objects to keep it small.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib'
import type { ErrorClassCount, HostStats } from '../judge/input.ts'

export const CARRY_VERSION = 1

/** Counts of one host over the settled interval (metric data: they add up). */
export interface CarriedHost {
  count: number
  errors: number
  /** Sum of durations (average x count): averages are merged through it. */
  durationSumS: number
}

/** One host's per-bucket series on the rollout's grid, from `startMs` on. */
export interface CarriedSeries {
  startMs: number
  count: Uint32Array
  errors: Uint32Array
  /** NaN where the bucket had no p95. */
  p95S: Float64Array
}

export interface CarriedApp {
  hosts: Map<string, CarriedHost>
  /** Kept TransactionError events per host and class; scaled to occurrences once merged. */
  errorEvents: Map<string, Map<string, number>>
  /** Slow counts per host against `thresholdS`; null until the app has a threshold. */
  slow: { thresholdS: number, byHost: Map<string, number> } | null
  series: Map<string, CarriedSeries>
  /** The pre-window, read once per rollout. */
  pre: {
    hosts: HostStats[]
    errorClasses: ErrorClassCount[]
    /** The baseline's p95 before the rollout (slow threshold); undefined when it was not read. */
    baselineP95S?: number | null
  }
}

export interface CarriedState {
  from: number
  /** [from, settledUntil) is in the state; later data is read again by the next checkpoint. */
  settledUntil: number
  preFrom: number
  bucketMinutes: number
  canaryHosts: string[]
  baselineHosts: string[] | null
  apps: Map<string, CarriedApp>
}

/** What the state must match to be continued. */
export interface CarryKey {
  from: number
  until: number
  preFrom: number
  bucketMinutes: number
  apps: string[]
  canaryHosts: string[]
  baselineHosts: string[] | null
}

export function emptyApp (): CarriedApp {
  return { hosts: new Map(), errorEvents: new Map(), slow: null, series: new Map(), pre: { hosts: [], errorClasses: [] } }
}

type HostRow = [string, number, number, number]
type ErrorRow = [string, string, number]
type SeriesRow = [string, number, number[], number[], Array<number | null>]
type PreHostRow = [string, number, number, number | null, number | null]
type PreErrorRow = [string, string, number, number | null]
interface AppJson {
  h: HostRow[]
  e: ErrorRow[]
  s: [number, Array<[string, number]>] | null
  t: SeriesRow[]
  p: { h: PreHostRow[], e: PreErrorRow[], b?: number | null }
}
interface CarryJson {
  v: number
  from: number
  settledUntil: number
  preFrom: number
  bucketMinutes: number
  canaryHosts: string[]
  baselineHosts: string[] | null
  apps: Record<string, AppJson>
}

/**
 * The state as the evidence stores it: its JSON, deflated and base64'd. Series of counts and
 * durations compress about 4x, and the latest evidence is what Redis keeps and a worker parses.
 */
export interface PackedCarry {
  v: number
  z: string
}

export function packCarry (state: CarriedState): PackedCarry {
  return { v: CARRY_VERSION, z: deflateRawSync(carryText(state), { level: 6 }).toString('base64') }
}

/**
 * JSON.stringify(encodeCarry(state)), written without turning ~a million typed-array buckets into
 * number arrays first: Array.from on a typed array goes through its iterator, an object per
 * bucket, ~75 MB of garbage per 200-app checkpoint. A typed array's join writes each number as
 * JSON does (NaN, which JSON writes null, aside).
 */
export function carryText (state: CarriedState): string {
  const { from, settledUntil, preFrom, bucketMinutes, canaryHosts, baselineHosts } = state
  const head = JSON.stringify({ v: CARRY_VERSION, from, settledUntil, preFrom, bucketMinutes, canaryHosts, baselineHosts })
  const apps: string[] = []
  for (const [app, a] of state.apps) {
    const { t: _, ...rest } = encodeApp({ ...a, series: new Map() })
    const series: string[] = []
    for (const [host, s] of a.series) {
      const p95 = s.p95S.join(',').replace(/NaN|-?Infinity/g, 'null')
      series.push(`[${JSON.stringify(host)},${JSON.stringify(s.startMs)},[${s.count.join(',')}],[${s.errors.join(',')}],[${p95}]]`)
    }
    const { h, e, s: slow, p } = rest
    apps.push(`${JSON.stringify(app)}:{"h":${JSON.stringify(h)},"e":${JSON.stringify(e)},"s":${JSON.stringify(slow)},` +
      `"t":[${series.join(',')}],"p":${JSON.stringify(p)}}`)
  }
  return `${head.slice(0, -1)},"apps":{${apps.join(',')}}}`
}

/** decodeCarry of a packed state; null when it is not one. */
export function unpackCarry (packed: unknown, key: CarryKey): CarriedState | null {
  const p = packed as PackedCarry | null | undefined
  if (typeof p !== 'object' || p === null || p.v !== CARRY_VERSION || typeof p.z !== 'string') return null
  try {
    return decodeCarry(JSON.parse(inflateRawSync(Buffer.from(p.z, 'base64')).toString('utf8')), key)
  } catch {
    return null
  }
}

/** The JSON form of the state. */
export function encodeCarry (state: CarriedState): CarryJson {
  const apps: Record<string, AppJson> = {}
  for (const [app, a] of state.apps) apps[app] = encodeApp(a)
  const { from, settledUntil, preFrom, bucketMinutes, canaryHosts, baselineHosts } = state
  return { v: CARRY_VERSION, from, settledUntil, preFrom, bucketMinutes, canaryHosts, baselineHosts, apps }
}

/**
 * The state to continue from, or null (then the checkpoint reads the whole window): absent,
 * another version, window, pre-window, grid, app list or host split, or anything malformed.
 * A state newer than `until` (a manual checkpoint's, or a clock gone back) is not used either.
 */
export function decodeCarry (json: unknown, key: CarryKey): CarriedState | null {
  try {
    const c = json as CarryJson
    if (typeof c !== 'object' || c === null || c.v !== CARRY_VERSION) return null
    if (c.from !== key.from || c.preFrom !== key.preFrom || c.bucketMinutes !== key.bucketMinutes) return null
    if (!Number.isSafeInteger(c.settledUntil) || c.settledUntil < c.from || c.settledUntil > key.until) return null
    if (!sameList(c.canaryHosts, key.canaryHosts) || !sameList(c.baselineHosts, key.baselineHosts)) return null
    if (typeof c.apps !== 'object' || c.apps === null) return null
    const apps = new Map<string, CarriedApp>()
    for (const app of key.apps) {
      const a = c.apps[app]
      if (a === undefined) return null
      apps.set(app, decodeApp(a))
    }
    return { ...c, apps }
  } catch {
    return null
  }
}

function encodeApp (a: CarriedApp): AppJson {
  const e: ErrorRow[] = []
  for (const [host, classes] of a.errorEvents) for (const [cls, n] of classes) e.push([host, cls, n])
  return {
    h: [...a.hosts].map(([host, h]) => [host, h.count, h.errors, h.durationSumS]),
    e,
    s: a.slow === null ? null : [a.slow.thresholdS, [...a.slow.byHost]],
    t: [...a.series].map(([host, s]) => [
      host, s.startMs, Array.from(s.count), Array.from(s.errors), Array.from(s.p95S, v => Number.isFinite(v) ? v : null)
    ]),
    p: {
      h: a.pre.hosts.map(h => [h.host, h.count, h.errors, h.durationAvgS, h.p95S ?? null]),
      e: a.pre.errorClasses.map(c => [c.host, c.errorClass, c.count, c.events ?? null]),
      ...(a.pre.baselineP95S === undefined ? {} : { b: a.pre.baselineP95S })
    }
  }
}

function decodeApp (a: AppJson): CarriedApp {
  const errorEvents = new Map<string, Map<string, number>>()
  for (const [host, cls, n] of a.e) {
    let m = errorEvents.get(host)
    if (m === undefined) errorEvents.set(host, m = new Map())
    m.set(cls, num(n))
  }
  return {
    hosts: new Map(a.h.map(([host, count, errors, durationSumS]) => [
      str(host), { count: num(count), errors: num(errors), durationSumS: num(durationSumS) }
    ])),
    errorEvents,
    slow: a.s === null ? null : { thresholdS: num(a.s[0]), byHost: new Map(a.s[1].map(([h, n]) => [str(h), num(n)])) },
    series: new Map(a.t.map(([host, startMs, count, errors, p95]) => [str(host), {
      startMs: num(startMs),
      count: Uint32Array.from(count),
      errors: Uint32Array.from(errors),
      p95S: p95Of(p95)
    }])),
    pre: {
      hosts: a.p.h.map(([host, count, errors, durationAvgS, p95S]) => ({ host: str(host), count, errors, durationAvgS, p95S })),
      errorClasses: a.p.e.map(([host, errorClass, count, events]) => ({
        host: str(host), errorClass: str(errorClass), count, ...(events === null ? {} : { events })
      })),
      ...(a.p.b === undefined ? {} : { baselineP95S: a.p.b })
    }
  }
}

/** Float64Array.from with a mapping goes through the array's iterator: an object per bucket. */
function p95Of (list: Array<number | null>): Float64Array {
  const out = new Float64Array(list.length)
  for (let i = 0; i < list.length; i++) out[i] = list[i] ?? Number.NaN
  return out
}

function sameList (a: unknown, b: string[] | null): boolean {
  if (b === null || a === null) return a === b
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i])
}

/** Malformed state throws here and is dropped by decodeCarry: never half-trusted. */
function num (v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError('bad number in carried state')
  return v
}

function str (v: unknown): string {
  if (typeof v !== 'string') throw new TypeError('bad name in carried state')
  return v
}
