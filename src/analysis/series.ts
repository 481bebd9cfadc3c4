/**
 * Each app's series, canary against baseline, bucket by bucket, for the board's charts: summed
 * from the per-host series the judge read. A side's p95 in a bucket is the traffic-weighted mean
 * of its hosts' p95s there (percentiles do not add up; this is for eyes, not for the verdict).
 * `perHost` is what the throughput verdict compares ("x0.6 of a typical existing host"): a new
 * host's traffic (the mean of the new hosts reporting in the bucket) against the median existing
 * host's, so the chart and the verdict tell the same story whatever the pool's size. An existing
 * host the verdict left out of the error-rate or latency baseline (a sick one, `left`) is left out
 * of the baseline's error-rate or p95 line too, or the chart would show the mix the verdict refused.
 * With several new hosts each also gets a series of its own (`newHosts`), since the judge judges each on
 * its own and a chart of the pool would dilute the one bad host the verdict names.
 */
import type { CheckpointData } from '../judge/input.ts'
import { hostKey } from '../judge/hosts.ts'
import { MAX_NEW_HOST_SERIES, type AppSeries } from '../schemas/board.ts'

/** Per app, the existing hosts left out of the error-rate and of the latency baseline (AppResult.excludedBaselineHosts). */
export type LeftOut = Map<string, { errorRate: Set<string>, latency: Set<string> }>

/** The hosts each app's result left out of a baseline, keyed for seriesOf. */
export function leftOutOf (apps: Array<{ app: string, excludedBaselineHosts?: Array<{ host: string, checks: string[] }> }>): LeftOut {
  const out: LeftOut = new Map()
  for (const a of apps) {
    if (a.excludedBaselineHosts === undefined || a.excludedBaselineHosts.length === 0) continue
    const sets = { errorRate: new Set<string>(), latency: new Set<string>() }
    for (const x of a.excludedBaselineHosts) {
      if (x.checks.includes('errorRate')) sets.errorRate.add(hostKey(x.host))
      if (x.checks.includes('latency')) sets.latency.add(hostKey(x.host))
    }
    out.set(a.app, sets)
  }
  return out
}

export function seriesOf (data: CheckpointData, left: LeftOut = new Map()): Record<string, AppSeries> {
  const canaries = new Set((data.canaryHosts ?? []).map(hostKey))
  // Each new host's place in an app's `hosts` below, in the rollout's own order and spelling (a host that reports
  // under another case keeps the spelling it reports).
  const canaryKeys = [...canaries]
  const canarySpelling = canaryKeys.map(key => (data.canaryHosts ?? []).find(h => hostKey(h) === key) ?? key)
  const perNewHost = canaryKeys.length >= 2
  const canaryAt = new Map<string, number>()
  const baseline = data.baselineHosts === null || data.baselineHosts === undefined ? null : new Set(data.baselineHosts.map(hostKey))
  const bucketMs = Math.max(1, data.bucketMinutes) * 60_000
  // A host's side once per host, not once per point: a 200-app checkpoint has ~360,000 points.
  const sideOf = new Map<string, 0 | 1 | 2>()
  const side = (host: string): 0 | 1 | 2 => {
    let s = sideOf.get(host)
    if (s === undefined) {
      const key = hostKey(host)
      sideOf.set(host, s = canaries.has(key) ? 1 : (baseline === null || baseline.has(key)) ? 2 : 0)
      if (s === 1) canaryAt.set(host, canaryKeys.indexOf(key))
    }
    return s
  }
  const out: Record<string, AppSeries> = {}
  for (const app of data.apps) {
    const points = app.window.series
    if (points.length === 0) continue
    const seen = new Set<number>()
    for (const p of points) seen.add(p.startMs)
    const starts = Array.from(seen).sort((a, b) => a - b)
    const at = new Map<number, number>()
    for (let i = 0; i < starts.length; i++) at.set(starts[i], i)
    const c = newAcc(starts.length)
    const b = newAcc(starts.length)
    const canaryHosts = new Uint32Array(starts.length)
    const baselineCounts: number[][] = []
    const gone = left.get(app.app)
    const hosts = perNewHost ? canaryKeys.map(() => newAcc(starts.length)) : null
    const names = canarySpelling.slice()
    for (const p of points) {
      const s = side(p.host)
      const i = at.get(p.startMs)
      if (s === 0 || i === undefined || !(p.count > 0)) continue
      const acc = s === 1 ? c : b
      acc.count[i] += p.count
      const p95 = p.p95S !== null && Number.isFinite(p.p95S)
      if (s === 1) {
        canaryHosts[i]++
        if (hosts !== null) {
          const k = canaryAt.get(p.host) ?? 0
          const one = hosts[k]
          if (one.count[i] === 0) names[k] = p.host
          one.count[i] += p.count
          one.errors[i] += p.errors
          one.rateN[i] += p.count
          if (p95) {
            one.p95w[i] += (p.p95S as number) * p.count
            one.p95n[i] += p.count
          }
        }
      } else (baselineCounts[i] ??= []).push(p.count)
      const key = gone === undefined || s === 1 ? '' : hostKey(p.host)
      if (gone === undefined || s === 1 || !gone.errorRate.has(key)) {
        acc.errors[i] += p.errors
        acc.rateN[i] += p.count
      }
      if (p95 && (gone === undefined || s === 1 || !gone.latency.has(key))) {
        acc.p95w[i] += (p.p95S as number) * p.count
        acc.p95n[i] += p.count
      }
    }
    for (let i = 0; i < starts.length; i++) {
      c.perHost[i] = canaryHosts[i] > 0 ? c.count[i] / canaryHosts[i] : null
      b.perHost[i] = median(baselineCounts[i])
      if (hosts !== null) for (const one of hosts) one.perHost[i] = one.count[i] > 0 ? one.count[i] : null
    }
    const newHosts = hosts === null ? undefined : worst(hosts.map((acc, k) => ({ host: names[k], acc })))
    out[app.app] = thin({ bucketMinutes: Math.round(bucketMs / 60_000), start: starts, canary: c, baseline: b, newHosts })
  }
  return out
}

interface HostAcc { host: string, acc: Acc }

/** The new hosts a chart draws: at most MAX_NEW_HOST_SERIES, the highest error rates over the window, by name. */
function worst (hosts: HostAcc[]): HostAcc[] {
  const byName = (x: HostAcc, y: HostAcc): number => {
    const [a, b] = [hostKey(x.host), hostKey(y.host)]
    return a < b ? -1 : a > b ? 1 : 0
  }
  if (hosts.length <= MAX_NEW_HOST_SERIES) return hosts.sort(byName)
  const rate = new Map<HostAcc, number>()
  for (const h of hosts) {
    let errors = 0
    let n = 0
    for (let i = 0; i < h.acc.count.length; i++) {
      errors += h.acc.errors[i]
      n += h.acc.rateN[i]
    }
    // A host that sent nothing has no rate to rank: last.
    rate.set(h, n > 0 ? errors / n : -1)
  }
  return hosts.sort((x, y) => (rate.get(y) ?? -1) - (rate.get(x) ?? -1) || byName(x, y)).slice(0, MAX_NEW_HOST_SERIES).sort(byName)
}

/** A chart needs no more points than this; longer series merge neighbouring buckets. */
const MAX_POINTS = 120

function thin (s: { bucketMinutes: number, start: number[], canary: Acc, baseline: Acc, newHosts: HostAcc[] | undefined }): AppSeries {
  const factor = Math.max(1, Math.ceil(s.start.length / MAX_POINTS))
  const hostsOf = (merge: (a: Acc) => Acc): Pick<AppSeries, 'newHosts'> => s.newHosts === undefined
    ? {}
    : { newHosts: s.newHosts.map(h => ({ host: h.host, ...finishHost(merge(h.acc)) })) }
  if (factor === 1) {
    return { bucketMinutes: s.bucketMinutes, start: s.start, canary: finish(s.canary), baseline: finish(s.baseline), ...hostsOf(a => a) }
  }
  const n = Math.ceil(s.start.length / factor)
  // Sums in bucket order from 0, as before, so the numbers are the same to the bit.
  const merge = (a: Acc): Acc => {
    const out = newAcc(n)
    for (let k = 0; k < n; k++) {
      // A host's traffic over the merged span: the sum of its buckets (a bucket nobody reported adds nothing).
      let perHost: number | null = null
      const end = Math.min(a.count.length, (k + 1) * factor)
      for (let i = k * factor; i < end; i++) {
        out.count[k] += a.count[i]
        out.errors[k] += a.errors[i]
        out.rateN[k] += a.rateN[i]
        out.p95w[k] += a.p95w[i]
        out.p95n[k] += a.p95n[i]
        const v = a.perHost[i]
        if (v !== null) perHost = (perHost ?? 0) + v
      }
      // The last span may hold fewer buckets than the others (a window not a multiple of the
      // factor): scaled to a whole span, so the chart's rate does not fall at its last point.
      const short = end - k * factor
      out.perHost[k] = perHost === null || short === factor ? perHost : perHost * factor / short
    }
    return out
  }
  const start = s.start.filter((_, i) => i % factor === 0)
  return {
    bucketMinutes: s.bucketMinutes * factor, start, canary: finish(merge(s.canary)), baseline: finish(merge(s.baseline)), ...hostsOf(merge)
  }
}

interface Acc {
  count: Float64Array
  /** Errors and transactions of the hosts the error-rate line counts (not a host left out of that baseline). */
  errors: Float64Array
  rateN: Float64Array
  p95w: Float64Array
  p95n: Float64Array
  perHost: Array<number | null>
}

function newAcc (n: number): Acc {
  return {
    count: new Float64Array(n),
    errors: new Float64Array(n),
    rateN: new Float64Array(n),
    p95w: new Float64Array(n),
    p95n: new Float64Array(n),
    perHost: new Array(n).fill(null)
  }
}

function median (xs: number[] | undefined): number | null {
  if (xs === undefined || xs.length === 0) return null
  const s = xs.sort((x, y) => x - y)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function finish (a: Acc): AppSeries['canary'] {
  // Loops, not Array.from: that goes through the typed array's iterator, an object per bucket.
  const out = { count: [] as number[], perHost: [] as Array<number | null>, errorRate: [] as Array<number | null>, p95: [] as Array<number | null> }
  for (let i = 0; i < a.count.length; i++) {
    const n = a.count[i]
    const perHost = a.perHost[i]
    out.count.push(n)
    out.perHost.push(perHost === null ? null : round(perHost))
    out.errorRate.push(a.rateN[i] > 0 ? round(a.errors[i] / a.rateN[i]) : null)
    out.p95.push(a.p95n[i] > 0 ? round(a.p95w[i] / a.p95n[i]) : null)
  }
  return out
}

/** One new host: its own transactions are its perHost (the sum is the same numbers again). */
function finishHost (a: Acc): Omit<NonNullable<AppSeries['newHosts']>[number], 'host'> {
  const { perHost, errorRate, p95 } = finish(a)
  return { perHost: perHost ?? [], errorRate, p95 }
}

/** Six significant digits: plenty for a chart, a third of the bytes. */
function round (v: number): number {
  return Number(v.toPrecision(6))
}
