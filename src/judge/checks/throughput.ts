/**
 * Throughput: the canary's share of the app's traffic against the share its weight
 * should get. A slow or failing host often gets less from a least-connections balancer.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import { formatCount, formatP, formatPercent, formatRatio } from '../format.ts'
import { clean } from '../sides.ts'
import type { CheckContext, CheckOutcome } from './types.ts'

/**
 * Expected canary share with the hosts that reported: w·n_c / (w·n_c + n_b).
 */
export function expectedShare (canaryHosts: number, baselineHosts: number, canaryWeight: number): number {
  const c = canaryWeight * canaryHosts
  return c + baselineHosts > 0 ? c / (c + baselineHosts) : 0
}

/** The traffic the share is computed over. */
export interface TrafficSplit {
  canary: number
  baseline: number
  /** Expected canary share. */
  expected: number
  /** Start of the span compared (epoch ms), later than the window start when the canary joined late. */
  sinceMs: number | null
}

/**
 * Canary and baseline traffic from the canary's first reported minute on, so a host that
 * joined the pool after the rollout started is not short of traffic it could not serve.
 * The expected share gives each canary host `canaryWeight` times the traffic of the median
 * baseline host: a pool whose existing hosts carry unequal weights (one big old server)
 * does not make an equal-weight canary look starved, and one degraded baseline host does
 * not move the bar. With equal baseline hosts this is w·n_c / (w·n_c + n_b).
 */
export function trafficSplit (ctx: CheckContext): TrafficSplit {
  const { sides, data } = ctx
  const weight = ctx.thresholds.throughput.canaryWeight
  const nCanary = sides.canary.hosts.length
  let sinceMs: number | null = null
  for (const p of data.window.series) {
    if (clean(p.count) > 0 && sides.isCanary(p.host) && (sinceMs === null || p.startMs < sinceMs)) sinceMs = p.startMs
  }
  const perBaseline = new Map<string, number>()
  let canary = 0
  if (sinceMs !== null) {
    for (const p of data.window.series) {
      if (p.startMs < sinceMs) continue
      const c = clean(p.count)
      if (sides.isCanary(p.host)) canary += c
      else if (sides.isBaseline(p.host)) perBaseline.set(p.host, (perBaseline.get(p.host) ?? 0) + c)
    }
  }
  if (sinceMs === null || perBaseline.size === 0) {
    // No series (or no baseline in them): whole-window totals, equal weights.
    return { canary: sides.canary.count, baseline: sides.baseline.count, expected: expectedShare(nCanary, sides.baseline.hosts.length, weight), sinceMs: null }
  }
  const counts = [...perBaseline.values()].filter(c => c > 0)
  const baseline = counts.reduce((a, b) => a + b, 0)
  const typical = median(counts) * weight * nCanary
  const expected = typical + baseline > 0 ? typical / (typical + baseline) : 0
  return { canary, baseline, expected, sinceMs: sinceMs > data.window.series.reduce((m, p) => Math.min(m, p.startMs), Infinity) ? sinceMs : null }
}

function median (xs: number[]): number {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/**
 * FAIL when the canary gets at most minShareRatio of its expected share and that is not
 * noise: a one-sided binomial test rejects a share halfway between the margin and the
 * expected share (x0.85 by default) at alpha / (number of apps). This check is outside the
 * Holm family yet can NO_GO the rollout, so it gets its own Bonferroni budget; testing
 * against the halfway share rather than the expected one keeps a healthy canary at low
 * traffic (where x0.7 happens by chance) from failing at every hourly look, which a test
 * against the expected share did in about 1 clean rollout in 40. Real balancers are
 * overdispersed, so the test only screens out small counts; the margin is what decides.
 * WARN for a moderate shortfall (under the halfway share, significant against the
 * expected share). INCONCLUSIVE when even a canary with no traffic would not be significant.
 * The reported pValue is the test against the expected share.
 */
export function checkThroughput (ctx: CheckContext): CheckOutcome {
  const { minShareRatio } = ctx.thresholds.throughput
  const base = { metric: 'throughput' as const, pValue: null, ci: null }
  if (!ctx.canaryReports) return { result: { ...base, status: 'NO_DATA', canary: 0, baseline: ctx.sides.baseline.count, effect: null, detail: `no traffic reported by ${ctx.canaryLabel}` }, short: '' }
  const split = trafficSplit(ctx)
  const canary = { count: split.canary }
  const baseline = { count: split.baseline }
  const total = canary.count + baseline.count
  const expected = split.expected
  if (baseline.count === 0 || expected <= 0 || expected >= 1) {
    return { result: { ...base, status: 'INCONCLUSIVE', canary: canary.count, baseline: baseline.count, effect: null, detail: `${ctx.canaryLabel} served ${formatCount(canary.count)} transactions; no baseline traffic to compare with` }, short: 'no baseline to compare with' }
  }
  const observed = canary.count / total
  const effect = observed / expected
  const p = binomialCdf(canary.count, total, expected)
  const halfway = (1 + minShareRatio) / 2
  const level = ctx.alpha / Math.max(1, ctx.nApps)
  const detectable = (1 - expected * halfway) ** total < level
  let status: 'PASS' | 'WARN' | 'FAIL' | 'INCONCLUSIVE'
  if (!detectable) status = 'INCONCLUSIVE'
  else if (effect <= minShareRatio && binomialCdf(canary.count, total, expected * halfway) <= level) status = 'FAIL'
  else if (effect <= halfway && p <= level) status = 'WARN'
  else status = 'PASS'
  const since = split.sinceMs === null ? '' : ` since it first reported at ${new Date(split.sinceMs).toISOString().slice(11, 16)}Z`
  let detail = `${ctx.canaryLabel} served ${formatPercent(observed)} of ${formatCount(total)} transactions${since}, expected ${formatPercent(expected)} (x${formatRatio(effect)} of its share, ${formatP(p)})`
  if (status === 'INCONCLUSIVE') detail = `too little traffic to tell: ${formatCount(total)} transactions in all; ${detail}`
  if (status === 'FAIL') detail += `: under the x${formatRatio(minShareRatio)} margin, as when the balancer sends a slow or failing host less`
  return { result: { ...base, status, canary: observed, baseline: expected, effect, pValue: p, detail }, short: `traffic share x${formatRatio(effect)}` }
}
