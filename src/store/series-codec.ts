/**
 * A stored series (AppSeries JSON), smaller and read back the same: its bucket starts as a first
 * start and a step when they are evenly spaced (as on a rollout's grid: 120 epoch-ms starts are
 * a third of a series' bytes), and each side's error rates as error counts when every rate comes
 * back exactly from its count (small integers deflate to a quarter of six-digit rates); each new
 * host's own series (`newHosts`) the same way, its rates as errors of its own transactions. Series
 * stored before are plain AppSeries and read as they are; packed ones without `hosts` read back
 * without `newHosts`.
 */
import type { AppSeries } from '../schemas/board.ts'

type Side = AppSeries['canary']
type Host = NonNullable<AppSeries['newHosts']>[number]
interface StoredSide { count: number[], errorRate?: Side['errorRate'], errors?: Array<number | null>, perHost?: Side['perHost'] }
interface StoredHost { host: string, perHost: Host['perHost'], errorRate?: Host['errorRate'], errors?: Array<number | null>, p95: Host['p95'] }
interface Stepped {
  bucketMinutes: number
  /** First start (ms), step (ms), count. */
  steps: [number, number, number]
  canary: StoredSide
  baseline: StoredSide
  p95: [Side['p95'], Side['p95']]
  hosts?: StoredHost[]
}

/** As analysis/series.ts rounds a rate; a rate rounded otherwise is kept as a rate (the check below). */
function rateOf (errors: number, count: number): number {
  return Number((errors / count).toPrecision(6))
}

/** Error counts that give `rates` back exactly from `counts`, or null when one does not. */
function errorsOf (rates: Array<number | null>, counts: Array<number | null>): Array<number | null> | null {
  const errors = rates.map((r, i) => r === null ? null : Math.round(r * (counts[i] ?? NaN)))
  // A null rate is a bucket without traffic; every other rate must come back exactly.
  const exact = rates.every((r, i) => {
    const n = counts[i] ?? 0
    return r === null ? !(n > 0) : n > 0 && rateOf(errors[i] ?? NaN, n) === r
  })
  return exact ? errors : null
}

function ratesOf (errors: Array<number | null>, counts: Array<number | null>): Array<number | null> {
  return errors.map((e, i) => e === null ? null : rateOf(e, counts[i] ?? NaN))
}

function packSide (side: Side): StoredSide {
  const errors = errorsOf(side.errorRate, side.count)
  const perHost = side.perHost === undefined ? {} : { perHost: side.perHost }
  return errors !== null ? { count: side.count, errors, ...perHost } : { count: side.count, errorRate: side.errorRate, ...perHost }
}

/** A new host's transactions are its perHost (scaled on a short last span: then its rates stay rates). */
function packHost (h: Host): StoredHost {
  const errors = errorsOf(h.errorRate, h.perHost)
  return errors !== null ? { host: h.host, perHost: h.perHost, errors, p95: h.p95 } : { host: h.host, perHost: h.perHost, errorRate: h.errorRate, p95: h.p95 }
}

function unpackHost (h: StoredHost): Host {
  const errorRate = h.errors === undefined ? h.errorRate ?? [] : ratesOf(h.errors, h.perHost)
  return { host: h.host, perHost: h.perHost, errorRate, p95: h.p95 }
}

function unpackSide (side: StoredSide): Side {
  const perHost = side.perHost === undefined ? {} : { perHost: side.perHost }
  if (side.errors === undefined) return { count: side.count, errorRate: side.errorRate ?? [], p95: [], ...perHost }
  return { count: side.count, errorRate: ratesOf(side.errors, side.count), p95: [], ...perHost }
}

export function packSeries (json: string): string {
  const s = JSON.parse(json) as AppSeries
  const { start } = s
  if (start.length < 2) return json
  const step = start[1] - start[0]
  if (!start.every((t, i) => t === start[0] + i * step)) return json
  const stepped: Stepped = {
    bucketMinutes: s.bucketMinutes,
    steps: [start[0], step, start.length],
    canary: packSide(s.canary),
    baseline: packSide(s.baseline),
    p95: [s.canary.p95, s.baseline.p95],
    ...(s.newHosts === undefined ? {} : { hosts: s.newHosts.map(packHost) })
  }
  return JSON.stringify(stepped)
}

export function unpackSeries (json: string): AppSeries {
  const s = JSON.parse(json) as AppSeries | Stepped
  if (!('steps' in s)) return s
  const [first, step, n] = s.steps
  const canary = unpackSide(s.canary)
  const baseline = unpackSide(s.baseline)
  return {
    bucketMinutes: s.bucketMinutes,
    start: Array.from({ length: n }, (_, i) => first + i * step),
    canary: { ...canary, p95: s.p95[0] },
    baseline: { ...baseline, p95: s.p95[1] },
    ...(s.hosts === undefined ? {} : { newHosts: s.hosts.map(unpackHost) })
  }
}
