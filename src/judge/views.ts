/**
 * Views of one app's data that the checks read as if they were the whole of it: the latency
 * baseline without the existing hosts left out as outliers, and each new host on its own against
 * the existing hosts over that host's own span. The checks stay the same; only what they see is
 * narrowed.
 */
import { hostKey } from './hosts.ts'
import type { AppData, HostStats, SeriesPoint } from './input.ts'
import { appSides, clean, type AppSides } from './sides.ts'

/**
 * The app's data with the excluded existing hosts taken out of the latency baseline: its count
 * and slow count, its p95 (the traffic-weighted mean of the kept hosts' p95s) and its series.
 */
export function latencyView (data: AppData, sides: AppSides, excluded: readonly string[]): AppData {
  if (excluded.length === 0) return data
  const out = new Set(excluded.map(hostKey))
  const gone = data.window.hosts.filter(h => out.has(hostKey(h.host)) && sides.isBaseline(h.host))
  const kept = data.window.hosts.filter(h => !out.has(hostKey(h.host)) && sides.isBaseline(h.host) && clean(h.count) > 0)
  const b = data.window.baseline
  const goneCount = gone.reduce((a, h) => a + clean(h.count), 0)
  const goneSlow = gone.reduce((a, h) => a + clean(h.slow), 0)
  return {
    ...data,
    window: {
      ...data.window,
      baseline: {
        ...b,
        count: Math.max(0, b.count - goneCount),
        slow: b.slow === null ? null : Math.max(0, b.slow - goneSlow),
        p95S: weightedP95(kept) ?? b.p95S
      },
      series: data.window.series.filter(p => !out.has(hostKey(p.host)))
    }
  }
}

/** One new host's view: that host as the canary side, the existing hosts over the same span. */
export interface HostView {
  host: string
  data: AppData
  sides: AppSides
  /** The host's first reported bucket (epoch ms), when series tell it. */
  since: number | null
}

/**
 * Each reporting new host on its own, when several share the canary side (with one, the pooled
 * test is the host's). The baseline counts over the host's own span (from its first reported
 * bucket), so a host that joined late is compared with the same hours of the pool.
 */
export function hostViews (data: AppData, sides: AppSides, baselineHosts: string[] | null): HostView[] {
  if (sides.canary.hosts.length < 2) return []
  return sides.canary.hosts.map(host => {
    const key = hostKey(host)
    const own = data.window.series.filter(p => hostKey(p.host) === key && clean(p.count) > 0)
    const since = own.length === 0 ? null : Math.min(...own.map(p => p.startMs))
    const series = since === null ? data.window.series : data.window.series.filter(p => p.startMs >= since)
    const stats = data.window.hosts.find(h => hostKey(h.host) === key) as HostStats
    const hosts: HostStats[] = [stats, ...baselineStats(data, sides, series, since)]
    const view: AppData = {
      ...data,
      window: {
        ...data.window,
        hosts,
        canary: { count: clean(stats.count), p50S: null, p95S: stats.p95S ?? null, p99S: null, slow: stats.slow ?? null },
        series: series.filter(p => hostKey(p.host) === key || sides.isBaseline(p.host))
      }
    }
    return { host, data: view, sides: appSides(view, [host], baselineHosts), since }
  })
}

/** The existing hosts' counts and errors over the span (from the series), or over the window without series. */
function baselineStats (data: AppData, sides: AppSides, series: SeriesPoint[], since: number | null): HostStats[] {
  const base = data.window.hosts.filter(h => sides.isBaseline(h.host))
  if (since === null || series.length === 0) return base
  const sums = new Map<string, { count: number, errors: number }>()
  for (const p of series) {
    if (!sides.isBaseline(p.host)) continue
    const s = sums.get(p.host) ?? { count: 0, errors: 0 }
    s.count += clean(p.count)
    s.errors += clean(p.errors)
    sums.set(p.host, s)
  }
  return base.map(h => ({ ...h, count: sums.get(h.host)?.count ?? 0, errors: sums.get(h.host)?.errors ?? 0 }))
}

function weightedP95 (hosts: HostStats[]): number | null {
  let w = 0
  let sum = 0
  for (const h of hosts) {
    if (h.p95S === undefined || h.p95S === null || !Number.isFinite(h.p95S)) return null
    w += clean(h.count)
    sum += clean(h.count) * h.p95S
  }
  return w > 0 ? sum / w : null
}
