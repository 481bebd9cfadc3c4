/**
 * Throughput: the canary's share of the app's traffic against the share its weight
 * should get. A slow or failing host often gets less from a least-connections balancer.
 */
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import { formatCount, formatP, formatPercent, formatRatio } from '../format.ts'
import type { CheckContext, CheckOutcome } from './types.ts'

/**
 * Expected canary share with the hosts that reported: w·n_c / (w·n_c + n_b).
 */
export function expectedShare (canaryHosts: number, baselineHosts: number, canaryWeight: number): number {
  const c = canaryWeight * canaryHosts
  return c + baselineHosts > 0 ? c / (c + baselineHosts) : 0
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
  const { canary, baseline } = ctx.sides
  const { minShareRatio, canaryWeight } = ctx.thresholds.throughput
  const base = { metric: 'throughput' as const, pValue: null, ci: null }
  if (!ctx.canaryReports) return { result: { ...base, status: 'NO_DATA', canary: 0, baseline: baseline.count, effect: null, detail: `no traffic reported by ${ctx.canaryLabel}` }, short: '' }
  const total = canary.count + baseline.count
  const expected = expectedShare(canary.hosts.length, baseline.hosts.length, canaryWeight)
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
  let detail = `${ctx.canaryLabel} served ${formatPercent(observed)} of ${formatCount(total)} transactions, expected ${formatPercent(expected)} (x${formatRatio(effect)} of its share, ${formatP(p)})`
  if (status === 'INCONCLUSIVE') detail = `too little traffic to tell: ${formatCount(total)} transactions in all; ${detail}`
  if (status === 'FAIL') detail += `: under the x${formatRatio(minShareRatio)} margin, as when the balancer sends a slow or failing host less`
  return { result: { ...base, status, canary: observed, baseline: expected, effect, pValue: p, detail }, short: `traffic share x${formatRatio(effect)}` }
}
