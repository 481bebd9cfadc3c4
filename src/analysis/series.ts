/**
 * Each app's series, canary against baseline, bucket by bucket, for the board's charts: summed
 * from the per-host series the judge read. A side's p95 in a bucket is the traffic-weighted mean
 * of its hosts' p95s there (percentiles do not add up; this is for eyes, not for the verdict).
 * `perHost` is what the throughput verdict compares ("x0.6 of a typical existing host"): a new
 * host's traffic (the mean of the new hosts reporting in the bucket) against the median existing
 * host's, so the chart and the verdict tell the same story whatever the pool's size.
 */
import type { CheckpointData } from '../judge/input.ts'
import { hostKey } from '../judge/hosts.ts'
import type { AppSeries } from '../schemas/board.ts'

export function seriesOf (data: CheckpointData): Record<string, AppSeries> {
  const canaries = new Set((data.canaryHosts ?? []).map(hostKey))
  const baseline = data.baselineHosts === null || data.baselineHosts === undefined ? null : new Set(data.baselineHosts.map(hostKey))
  const bucketMs = Math.max(1, data.bucketMinutes) * 60_000
  const out: Record<string, AppSeries> = {}
  for (const app of data.apps) {
    if (app.window.series.length === 0) continue
    const starts = [...new Set(app.window.series.map(p => p.startMs))].sort((a, b) => a - b)
    const at = new Map(starts.map((s, i) => [s, i]))
    const side = (): Acc => ({
      count: starts.map(() => 0), errors: starts.map(() => 0), p95w: starts.map(() => 0), p95n: starts.map(() => 0), perHost: starts.map(() => null)
    })
    const c = side()
    const b = side()
    const canaryHosts = starts.map(() => 0)
    const baselineCounts: number[][] = starts.map(() => [])
    for (const p of app.window.series) {
      const key = hostKey(p.host)
      const acc = canaries.has(key) ? c : (baseline === null || baseline.has(key)) ? b : null
      const i = at.get(p.startMs)
      if (acc === null || i === undefined || !(p.count > 0)) continue
      acc.count[i] += p.count
      acc.errors[i] += p.errors
      if (acc === c) canaryHosts[i]++
      else baselineCounts[i].push(p.count)
      if (p.p95S !== null && Number.isFinite(p.p95S)) {
        acc.p95w[i] += p.p95S * p.count
        acc.p95n[i] += p.count
      }
    }
    c.perHost = c.count.map((n, i) => canaryHosts[i] > 0 ? n / canaryHosts[i] : null)
    b.perHost = baselineCounts.map(median)
    out[app.app] = thin({ bucketMinutes: Math.round(bucketMs / 60_000), start: starts, canary: c, baseline: b })
  }
  return out
}

/** A chart needs no more points than this; longer series merge neighbouring buckets. */
const MAX_POINTS = 120

function thin (s: { bucketMinutes: number, start: number[], canary: Acc, baseline: Acc }): AppSeries {
  const factor = Math.max(1, Math.ceil(s.start.length / MAX_POINTS))
  if (factor === 1) return { bucketMinutes: s.bucketMinutes, start: s.start, canary: finish(s.canary), baseline: finish(s.baseline) }
  const merge = (a: Acc): Acc => {
    const out: Acc = { count: [], errors: [], p95w: [], p95n: [], perHost: [] }
    for (let i = 0; i < a.count.length; i += factor) {
      const sum = (xs: number[]): number => xs.slice(i, i + factor).reduce((x, y) => x + y, 0)
      out.count.push(sum(a.count))
      out.errors.push(sum(a.errors))
      out.p95w.push(sum(a.p95w))
      out.p95n.push(sum(a.p95n))
      // A host's traffic over the merged span: the sum of its buckets (a bucket nobody reported adds nothing).
      const reported = a.perHost.slice(i, i + factor).filter((v): v is number => v !== null)
      out.perHost.push(reported.length === 0 ? null : reported.reduce((x, y) => x + y, 0))
    }
    return out
  }
  const start = s.start.filter((_, i) => i % factor === 0)
  return { bucketMinutes: s.bucketMinutes * factor, start, canary: finish(merge(s.canary)), baseline: finish(merge(s.baseline)) }
}

interface Acc { count: number[], errors: number[], p95w: number[], p95n: number[], perHost: Array<number | null> }

function median (xs: number[]): number | null {
  if (xs.length === 0) return null
  const s = [...xs].sort((x, y) => x - y)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

function finish (a: Acc): AppSeries['canary'] {
  return {
    count: a.count,
    perHost: a.perHost.map(v => v === null ? null : round(v)),
    errorRate: a.count.map((n, i) => n > 0 ? round(a.errors[i] / n) : null),
    p95: a.p95n.map((n, i) => n > 0 ? round(a.p95w[i] / n) : null)
  }
}

/** Six significant digits: plenty for a chart, a third of the bytes. */
function round (v: number): number {
  return Number(v.toPrecision(6))
}
