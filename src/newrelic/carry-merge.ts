/**
 * Merging carried New Relic data (carry.ts) with what a checkpoint reads of the new interval.
 * Everything here adds up: counts, sums of durations, kept error events, slow counts, and
 * per-bucket series (disjoint buckets on the rollout's grid).
 */
import type { ErrorClassCount, HostStats, SeriesPoint } from '../judge/input.ts'
import type { CarriedHost, CarriedSeries } from './carry.ts'
import { seriesSince, type Interval } from './checkpoint-plan.ts'

export function addHosts (into: Map<string, CarriedHost>, rows: HostStats[] | undefined): Map<string, CarriedHost> {
  for (const r of rows ?? []) {
    const h = into.get(r.host) ?? { count: 0, errors: 0, durationSumS: 0 }
    const durationSumS = h.durationSumS + (r.durationAvgS ?? 0) * r.count
    into.set(r.host, { count: h.count + r.count, errors: h.errors + r.errors, durationSumS })
  }
  return into
}

export function hostStatsOf (hosts: Map<string, CarriedHost>): HostStats[] {
  return [...hosts].map(([host, h]) => ({
    host, count: h.count, errors: h.errors, durationAvgS: h.count > 0 ? h.durationSumS / h.count : null
  }))
}

export function copyErrors (m: Map<string, Map<string, number>>): Map<string, Map<string, number>> {
  return new Map([...m].map(([host, classes]) => [host, new Map(classes)]))
}

export function addErrors (into: Map<string, Map<string, number>>, rows: ErrorClassCount[] | undefined): Map<string, Map<string, number>> {
  for (const r of rows ?? []) {
    let m = into.get(r.host)
    if (m === undefined) into.set(r.host, m = new Map())
    m.set(r.errorClass, (m.get(r.errorClass) ?? 0) + r.count)
  }
  return into
}

export function errorRowsOf (m: Map<string, Map<string, number>>): ErrorClassCount[] {
  const out: ErrorClassCount[] = []
  for (const [host, classes] of m) for (const [errorClass, count] of classes) out.push({ host, errorClass, count })
  return out
}

export function addCounts (into: Map<string, number>, add: Map<string, number> | undefined): Map<string, number> {
  for (const [k, v] of add ?? []) into.set(k, (into.get(k) ?? 0) + v)
  return into
}

/** The carried series with the settled buckets appended (each host on the grid from its first bucket). */
export function mergeSeries (
  carried: Map<string, CarriedSeries>, points: SeriesPoint[] | undefined, bucketMs: number
): Map<string, CarriedSeries> {
  if (points === undefined || points.length === 0) return carried
  const byHost = new Map<string, SeriesPoint[]>()
  for (const p of points) {
    const list = byHost.get(p.host)
    if (list === undefined) byHost.set(p.host, [p])
    else list.push(p)
  }
  const out = new Map(carried)
  for (const [host, list] of byHost) {
    const old = carried.get(host)
    const first = Math.min(old?.startMs ?? Infinity, ...list.map(p => p.startMs))
    const last = Math.max(...list.map(p => p.startMs), old === undefined ? -Infinity : old.startMs + (old.count.length - 1) * bucketMs)
    const n = Math.round((last - first) / bucketMs) + 1
    const s: CarriedSeries = {
      startMs: first, count: new Uint32Array(n), errors: new Uint32Array(n), p95S: new Float64Array(n).fill(Number.NaN)
    }
    if (old !== undefined) {
      const at = Math.round((old.startMs - first) / bucketMs)
      s.count.set(old.count, at)
      s.errors.set(old.errors, at)
      s.p95S.set(old.p95S, at)
    }
    for (const p of list) {
      const i = Math.round((p.startMs - first) / bucketMs)
      s.count[i] = p.count
      s.errors[i] = p.errors
      s.p95S[i] = p.p95S ?? Number.NaN
    }
    out.set(host, s)
  }
  return out
}

/** Bucket starts a full read of the window returns (on the grid): the grid up to settledUntil, then the fresh query's. */
export function gridStarts (from: number, settledUntil: number, fresh: Interval | null, bucketMinutes: number): number[] {
  const bucketMs = bucketMinutes * 60_000
  const starts: number[] = []
  for (let s = from; s < settledUntil; s += bucketMs) starts.push(s)
  if (fresh !== null) {
    for (let s = seriesSince(fresh, bucketMinutes); s < fresh.until; s += bucketMs) if (s >= fresh.since) starts.push(s)
  }
  return starts
}

/**
 * The window's series of one app as SeriesPoints: every host that has a bucket gets a point in
 * every bucket of the window (count 0 where it had no traffic), as a TIMESERIES facet does.
 */
export function windowSeries (
  carried: Map<string, CarriedSeries>, fresh: SeriesPoint[] | undefined, starts: number[], bucketMs: number
): SeriesPoint[] {
  const hosts = new Set(carried.keys())
  // Fresh points by host, then by bucket start: no string key per host and bucket (a 200-app
  // checkpoint looks up ~360,000 of them).
  const freshAt = new Map<string, Map<number, SeriesPoint>>()
  for (const p of fresh ?? []) {
    hosts.add(p.host)
    let m = freshAt.get(p.host)
    if (m === undefined) freshAt.set(p.host, m = new Map())
    m.set(p.startMs, p)
  }
  if (hosts.size === 0) return []
  const out: SeriesPoint[] = new Array(hosts.size * starts.length)
  let k = 0
  for (const host of hosts) {
    const s = carried.get(host)
    const f = freshAt.get(host)
    for (const startMs of starts) {
      const p = f?.get(startMs)
      if (p !== undefined) {
        out[k++] = p
        continue
      }
      const i = s === undefined ? -1 : Math.round((startMs - s.startMs) / bucketMs)
      if (s !== undefined && i >= 0 && i < s.count.length && (startMs - s.startMs) % bucketMs === 0) {
        const p95 = s.p95S[i]
        out[k++] = { host, startMs, count: s.count[i], errors: s.errors[i], p95S: Number.isNaN(p95) ? null : p95 }
      } else {
        out[k++] = { host, startMs, count: 0, errors: 0, p95S: null }
      }
    }
  }
  return out
}
