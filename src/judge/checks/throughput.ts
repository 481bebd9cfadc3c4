/**
 * Throughput: does each canary host get the traffic of a typical existing host (times its
 * weight)? A slow or failing host often gets less from a least-connections balancer.
 *
 * The effect is per host, "x0.6 of a typical existing host", which is what a person
 * compares and does not depend on how many hosts share the pool (a share of the pool's
 * traffic moves less the fewer hosts there are). The test still uses all the baseline's
 * traffic: it is a binomial test of the canary's count given canary + baseline, with the
 * share that a given per-host ratio implies.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import { hostKey } from '../hosts.ts'
import { clean } from '../sides.ts'
import type { CheckContext, Finding } from './types.ts'

/** One canary host's traffic against the existing hosts' over the same span. */
export interface HostTraffic {
  host: string
  /** Transactions of the canary host over the span. */
  canary: number
  /** Transactions of all baseline hosts over the span. */
  baseline: number
  /** What the canary host should have served: canaryWeight x the median baseline host. */
  expected: number
  /** Span start (epoch ms) when it is later than the window's first bucket: the host joined late. */
  sinceMs: number | null
  /** Span length in minutes, when series give it (null: whole-window totals). */
  minutes: number | null
}

/**
 * Per canary host, the span it reported in (first to last reported bucket), so a host that
 * joined after the rollout started is not short of traffic it could not serve, and a host
 * that went quiet (coverage's finding) is not called starved for it. The baseline counts
 * over the same span; the typical existing host is the median one, so one big old server
 * or one degraded host does not move the bar. Without series: whole-window totals.
 */
export function hostTraffic (ctx: CheckContext): HostTraffic[] {
  const { sides, data } = ctx
  const weight = ctx.thresholds.throughput.canaryWeight
  const series = data.window.series
  const bucketMs = Math.max(1, ctx.bucketMinutes) * 60_000
  const spans = new Map<string, { first: number, last: number }>()
  let windowStart = Infinity
  for (const p of series) {
    windowStart = Math.min(windowStart, p.startMs)
    if (clean(p.count) <= 0 || !sides.isCanary(p.host)) continue
    const s = spans.get(p.host)
    if (s === undefined) spans.set(p.host, { first: p.startMs, last: p.startMs })
    else { s.first = Math.min(s.first, p.startMs); s.last = Math.max(s.last, p.startMs) }
  }
  const out: HostTraffic[] = []
  for (const [host, span] of spans) {
    // A host that joined late joined inside its first bucket: that bucket is partial, and against
    // the existing hosts' whole one it read as a shortfall (x0.63 for a host 100 s in). Counted from
    // its first whole bucket; a host whose only bucket is that one is not judged on traffic yet.
    const late = span.first > windowStart
    const from = late ? span.first + bucketMs : span.first
    if (from > span.last) continue
    const perBaseline = new Map<string, number>()
    let canary = 0
    for (const p of series) {
      if (p.startMs < from || p.startMs > span.last) continue
      const c = clean(p.count)
      if (p.host === host) canary += c
      else if (sides.isBaseline(p.host)) perBaseline.set(p.host, (perBaseline.get(p.host) ?? 0) + c)
    }
    const counts = [...perBaseline.values()].filter(c => c > 0)
    if (counts.length === 0) continue
    out.push({
      host,
      canary,
      baseline: counts.reduce((a, b) => a + b, 0),
      expected: median(counts) * weight,
      sinceMs: late ? span.first : null,
      minutes: (span.last - from + bucketMs) / 60_000
    })
  }
  if (out.length > 0 || series.some(p => sides.isBaseline(p.host) && clean(p.count) > 0)) return out.sort(byHost)
  // No series: whole-window totals per host.
  const baselineCounts = data.window.hosts.filter(h => sides.isBaseline(h.host) && clean(h.count) > 0).map(h => clean(h.count))
  if (baselineCounts.length === 0) return []
  const typical = median(baselineCounts) * weight
  const baseline = baselineCounts.reduce((a, b) => a + b, 0)
  return data.window.hosts
    .filter(h => sides.isCanary(h.host) && clean(h.count) > 0)
    .map(h => ({ host: h.host, canary: clean(h.count), baseline, expected: typical, sinceMs: null, minutes: null }))
    .sort(byHost)
}

function byHost (a: HostTraffic, b: HostTraffic): number {
  return hostKey(a.host) < hostKey(b.host) ? -1 : hostKey(a.host) > hostKey(b.host) ? 1 : 0
}

function median (xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** The canary's share of canary + baseline traffic if it served `ratio` x its expected traffic. */
function shareAt (t: HostTraffic, ratio: number): number {
  const c = ratio * t.expected
  return c / (c + t.baseline)
}

export interface HostJudgement { t: HostTraffic, status: 'PASS' | 'WARN' | 'FAIL' | 'INCONCLUSIVE', effect: number, p: number }

/**
 * FAIL when the host serves at most minShareRatio of its expected traffic and that is not
 * noise: a one-sided binomial test rejects a ratio halfway between the margin and 1 (x0.85
 * by default) at alpha / (apps x canary hosts). This check is outside the Holm family yet
 * can NO_GO the rollout, so it gets its own Bonferroni budget; testing against the halfway
 * ratio rather than 1 keeps a healthy canary at low traffic (where x0.7 happens by chance)
 * from failing at every hourly look. Real balancers are overdispersed, so the test only
 * screens out small counts; the margin is what decides. WARN for a moderate shortfall
 * (under the halfway ratio, significant against 1). INCONCLUSIVE when even a host with no
 * traffic would not be significant. The reported pValue is the test against 1.
 */
function judgeHost (t: HostTraffic, minRatio: number, level: number): HostJudgement {
  const total = t.canary + t.baseline
  const effect = t.canary / t.expected
  const p = binomialCdf(t.canary, total, shareAt(t, 1))
  const halfway = (1 + minRatio) / 2
  const detectable = (1 - shareAt(t, halfway)) ** t.baseline < level
  let status: HostJudgement['status']
  if (!detectable) status = 'INCONCLUSIVE'
  else if (effect <= minRatio && binomialCdf(t.canary, total, shareAt(t, halfway)) <= level) status = 'FAIL'
  else if (effect <= halfway && p <= level) status = 'WARN'
  else status = 'PASS'
  return { t, status, effect, p }
}

const ORDER = ['FAIL', 'WARN', 'INCONCLUSIVE', 'PASS'] as const

export type ThroughputFacts =
  | { kind: 'no-data', canaryLabel: string }
  | { kind: 'no-baseline', canaryLabel: string, app: string, canaryCount: number }
  | { kind: 'judged', hosts: HostJudgement[], worst: HostJudgement, canaryWeight: number, minShareRatio: number }
  /** Every new host that reports joined inside the window's last bucket: no whole bucket of its traffic yet. */
  | { kind: 'too-new', canaryLabel: string, bucketMinutes: number }

export function checkThroughput (ctx: CheckContext): Finding<ThroughputFacts> {
  const { minShareRatio, canaryWeight } = ctx.thresholds.throughput
  const base = { metric: 'throughput' as const, pValue: null, ci: null }
  if (!ctx.canaryReports) {
    return {
      result: { ...base, status: 'NO_DATA', canary: 0, baseline: ctx.sides.baseline.count, effect: null },
      facts: { kind: 'no-data', canaryLabel: ctx.canaryLabel }
    }
  }
  const traffic = hostTraffic(ctx).filter(t => t.expected > 0)
  const reporting = ctx.data.window.series.some(p => clean(p.count) > 0 && ctx.sides.isCanary(p.host))
  const baselineReports = ctx.data.window.series.some(p => clean(p.count) > 0 && ctx.sides.isBaseline(p.host))
  if (traffic.length === 0 && reporting && baselineReports) {
    return {
      result: { ...base, status: 'INCONCLUSIVE', canary: ctx.sides.canary.count, baseline: ctx.sides.baseline.count, effect: null },
      facts: { kind: 'too-new', canaryLabel: ctx.canaryLabel, bucketMinutes: ctx.bucketMinutes }
    }
  }
  if (traffic.length === 0) {
    return {
      result: { ...base, status: 'INCONCLUSIVE', canary: ctx.sides.canary.count, baseline: ctx.sides.baseline.count, effect: null },
      facts: { kind: 'no-baseline', canaryLabel: ctx.canaryLabel, app: ctx.app, canaryCount: ctx.sides.canary.count }
    }
  }
  const level = ctx.alpha / Math.max(1, ctx.nApps * traffic.length)
  const judged = traffic.map(t => judgeHost(t, minShareRatio, level))
  // The host that decides the status; among equals, the one with the least traffic.
  const worst = [...judged].sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.effect - b.effect)[0]
  const rate = (n: number, t: HostTraffic): number => t.minutes !== null ? n / t.minutes : n
  return {
    result: {
      ...base,
      status: worst.status,
      canary: rate(worst.t.canary, worst.t),
      baseline: rate(worst.t.expected, worst.t),
      effect: worst.effect,
      pValue: worst.p,
      // Several new hosts: the numbers are the deciding host's, and say so.
      ...(judged.length > 1 ? { host: worst.t.host } : {})
    },
    facts: { kind: 'judged', hosts: judged, worst, canaryWeight, minShareRatio }
  }
}
