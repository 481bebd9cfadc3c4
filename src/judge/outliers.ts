/**
 * Existing hosts whose error rate stands far above the rest of the pool. One bad old
 * server inflates a pooled baseline enough to hide a real regression on the new one, so
 * the error-rate test leaves such hosts out, and says so. Only baseline data decides
 * (never the canary's), and only a clear minority can be left out.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import { hostKey } from './hosts.ts'
import type { AppData, HostStats } from './input.ts'
import { clean, type AppSides } from './sides.ts'

/** A host must be worse than this many times the others' error rate... */
export const OUTLIER_RATIO = 1.5
/** ...with this much evidence (one-sided conditional binomial tail against that ratio). */
export const OUTLIER_P = 1e-4
/** Fewer existing hosts than this leaves no majority to call one an outlier. */
const MIN_BASELINE_HOSTS = 3

export interface BaselineOutlier {
  host: string
  rate: number
  /** Error rate of the other existing hosts. */
  restRate: number
}

/**
 * Baseline hosts whose error rate is significantly above OUTLIER_RATIO x that of the
 * other baseline hosts, worst first, at most a minority (floor((k - 1) / 2) of k hosts).
 * A host already an outlier in the pre-window counts from the first look when the window
 * does not contradict it (its rate there still OUTLIER_RATIO x the others'): an hour of a
 * 200 rpm app rarely proves a x4 host on its own, and until it is out, its errors hide a
 * regression on the new host. A host that recovered is not left out on its past.
 */
export function baselineOutliers (hosts: HostStats[], isBaseline: (host: string) => boolean, pre: HostStats[] = []): BaselineOutlier[] {
  const errors = (h: HostStats): number => clean(h.errors)
  const found = outliersOf(hosts, isBaseline, errors)
  const now = new Map(found.map(o => [hostKey(o.host), o]))
  for (const o of outliersOf(pre, isBaseline, errors)) {
    const w = windowRates(hosts, isBaseline, o.host, errors)
    if (now.has(hostKey(o.host)) || w === null || w.rate < OUTLIER_RATIO * w.restRate || w.rate === 0) continue
    now.set(hostKey(o.host), w)
    found.push(w)
  }
  return minority(found, hosts.filter(h => isBaseline(h.host) && clean(h.count) > 0).length)
}

/** One baseline host's rate of `events` in these rows and that of the other baseline hosts; null when it did not report. */
function windowRates (
  hosts: HostStats[], isBaseline: (host: string) => boolean, host: string, events: (h: HostStats) => number
): BaselineOutlier | null {
  const key = hostKey(host)
  const base = hosts.filter(h => isBaseline(h.host) && clean(h.count) > 0)
  const me = base.find(h => hostKey(h.host) === key)
  const rest = base.filter(h => hostKey(h.host) !== key)
  const restN = rest.reduce((a, h) => a + clean(h.count), 0)
  if (me === undefined || restN === 0) return null
  const restX = rest.reduce((a, h) => a + Math.min(events(h), clean(h.count)), 0)
  return { host: me.host, rate: Math.min(events(me), clean(me.count)) / clean(me.count), restRate: restX / restN }
}

/** Worst first, at most a minority (floor((k - 1) / 2) of k baseline hosts). */
function minority (found: BaselineOutlier[], k: number): BaselineOutlier[] {
  if (k < MIN_BASELINE_HOSTS) return []
  return [...found].sort((a, b) => b.rate - a.rate).slice(0, Math.floor((k - 1) / 2))
}

/**
 * The same for latency: existing hosts whose share of slow transactions is significantly above
 * OUTLIER_RATIO x that of the others (a sick old server inflates the latency baseline and hides
 * a slower new host). Needs each host's slow count.
 */
export function latencyOutliers (hosts: HostStats[], isBaseline: (host: string) => boolean): BaselineOutlier[] {
  const base = hosts.filter(h => isBaseline(h.host) && clean(h.count) > 0)
  if (base.some(h => h.slow === undefined || h.slow === null)) return []
  return minority(outliersOf(hosts, isBaseline, h => clean(h.slow)), base.length)
}

/** Baseline hosts whose count of `events` per transaction is an outlier among them (conditional binomial). */
function outliersOf (hosts: HostStats[], isBaseline: (host: string) => boolean, events: (h: HostStats) => number): BaselineOutlier[] {
  const rows = hosts.filter(h => isBaseline(h.host) && clean(h.count) > 0)
    .map(h => ({ host: h.host, n: clean(h.count), x: Math.min(events(h), clean(h.count)) }))
  if (rows.length < MIN_BASELINE_HOSTS) return []
  const totalN = rows.reduce((a, r) => a + r.n, 0)
  const totalX = rows.reduce((a, r) => a + r.x, 0)
  const found: BaselineOutlier[] = []
  for (const r of rows) {
    const restN = totalN - r.n
    const restX = totalX - r.x
    if (r.x === 0 || restN <= 0) continue
    // Conditional on all baseline events, the host's share of them if it had OUTLIER_RATIO x the
    // others' rate; a tail beyond that is an outlier. Conditioning keeps a handful of events (or
    // none elsewhere) from ever counting as proof.
    const share = OUTLIER_RATIO * r.n / (OUTLIER_RATIO * r.n + restN)
    const tail = 1 - binomialCdf(r.x - 1, r.x + restX, share)
    if (tail < OUTLIER_P) found.push({ host: r.host, rate: r.x / r.n, restRate: restX / restN })
  }
  return found
}

/** The sticky set of excluded baseline hosts: last look's, plus any new outliers. */
export function excludedBaseline (before: string[], found: BaselineOutlier[]): { hosts: string[], changed: boolean } {
  const keys = new Set(before.map(hostKey))
  const hosts = [...before]
  for (const o of found) {
    if (keys.has(hostKey(o.host))) continue
    keys.add(hostKey(o.host))
    hosts.push(o.host)
  }
  return { hosts, changed: hosts.length !== before.length }
}

/** This look's error rate of each excluded host and of the other existing hosts, for the detail. */
export function outlierRates (data: AppData, sides: AppSides, excluded: string[]): BaselineOutlier[] {
  if (excluded.length === 0) return []
  const keys = new Set(excluded.map(hostKey))
  const base = data.window.hosts.filter(h => sides.isBaseline(h.host) && h.count > 0)
  const rest = base.filter(h => !keys.has(hostKey(h.host)))
  const restN = rest.reduce((a, h) => a + h.count, 0)
  const restRate = restN > 0 ? rest.reduce((a, h) => a + Math.min(h.errors, h.count), 0) / restN : 0
  return base.filter(h => keys.has(hostKey(h.host))).map(h => ({ host: h.host, rate: Math.min(h.errors, h.count) / h.count, restRate }))
}

/** This look's slow share of each host left out of the latency baseline and of the other existing hosts. */
export function slowRates (data: AppData, sides: AppSides, excluded: string[]): BaselineOutlier[] {
  if (excluded.length === 0) return []
  const keys = new Set(excluded.map(hostKey))
  const base = data.window.hosts.filter(h => sides.isBaseline(h.host) && h.count > 0)
  const rest = base.filter(h => !keys.has(hostKey(h.host)))
  const restN = rest.reduce((a, h) => a + h.count, 0)
  const restRate = restN > 0 ? rest.reduce((a, h) => a + Math.min(clean(h.slow), h.count), 0) / restN : 0
  return base.filter(h => keys.has(hostKey(h.host)))
    .map(h => ({ host: h.host, rate: Math.min(clean(h.slow), h.count) / h.count, restRate }))
}

/** A host's p95 this far over the median of the others' makes it an outlier for the slow threshold... */
export const P95_OUTLIER_RATIO = 1.5
/** ...when it served at least this many transactions (a p95 of a handful means little). */
const P95_MIN_COUNT = 100

/**
 * Existing hosts whose p95 stands far above the others' (at most a minority of 3+ hosts): left
 * out when the slow threshold is taken from the existing hosts' p95 before the rollout.
 */
export function slowByP95 (hosts: HostStats[]): string[] {
  const rows = hosts.filter(h => clean(h.count) >= P95_MIN_COUNT && h.p95S !== undefined && h.p95S !== null && Number.isFinite(h.p95S))
  if (rows.length < MIN_BASELINE_HOSTS) return []
  const out: Array<{ host: string, ratio: number }> = []
  for (const r of rows) {
    const others = rows.filter(o => o !== r).map(o => o.p95S as number).sort((a, b) => a - b)
    const mid = others.length % 2 === 1 ? others[(others.length - 1) / 2] : (others[others.length / 2 - 1] + others[others.length / 2]) / 2
    const ratio = (r.p95S as number) / mid
    if (mid > 0 && ratio >= P95_OUTLIER_RATIO) out.push({ host: r.host, ratio })
  }
  return out.sort((a, b) => b.ratio - a.ratio).slice(0, Math.floor((rows.length - 1) / 2)).map(o => o.host)
}
