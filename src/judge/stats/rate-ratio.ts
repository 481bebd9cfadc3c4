/**
 * Point estimates and confidence bounds for comparing two event rates (errors or slow
 * transactions per transaction): the canary/baseline ratio and the absolute difference.
 */
import betaQuantile from '@stdlib/stats-base-dists-beta-quantile'
import type { RateCounts } from './e-process.ts'

export interface Interval { low: number, high: number }

/**
 * Exact (Clopper-Pearson) two-sided interval for a binomial proportion x/n.
 * Conservative: coverage is at least `conf` for every true p.
 */
export function clopperPearson (x: number, n: number, conf = 0.95): Interval {
  if (n <= 0) return { low: 0, high: 1 }
  const a = (1 - conf) / 2
  const low = x <= 0 ? 0 : betaQuantile(a, x, n - x + 1)
  const high = x >= n ? 1 : betaQuantile(1 - a, x + 1, n - x)
  return { low, high }
}

/** One-sided upper bound of a proportion at level `conf` (the exact binomial bound). */
export function upperBound (x: number, n: number, conf: number): number {
  if (n <= 0) return 1
  return x >= n ? 1 : betaQuantile(conf, x + 1, n - x)
}

/** One-sided lower bound of a proportion at level `conf`. */
export function lowerBound (x: number, n: number, conf: number): number {
  if (n <= 0 || x <= 0) return 0
  return betaQuantile(1 - conf, x, n - x + 1)
}

/** Summary of a two-rate comparison; every number is finite or null (JSON-safe). */
export interface RateComparison {
  canaryRate: number | null
  baselineRate: number | null
  /** canaryRate / baselineRate; null when the baseline rate is 0 (see `unbounded`). */
  ratio: number | null
  /** True when the canary has events and the baseline none: the ratio is unbounded. */
  unbounded: boolean
  /**
   * 95% CI of the ratio: the exact conditional Clopper-Pearson interval of the canary's
   * share of events, p, mapped to λ = p/(1-p) · N_b/N_c. It is a fixed-sample interval on
   * the cumulative counts (pooling the hourly increments), not an anytime-valid one; we
   * use it to describe the effect and to decide "too little traffic to tell", never to FAIL.
   * High is null when unbounded (no baseline events).
   */
  ci: { low: number, high: number | null } | null
  /** canaryRate - baselineRate. */
  absDiff: number | null
  /**
   * Upper 95% bound of canaryRate - baselineRate: upper 97.5% bound of the canary rate minus
   * lower 97.5% bound of the baseline rate (Bonferroni, so jointly at least 95%).
   */
  absDiffUpper: number | null
}

/** Compares canary and baseline rates of one kind of event. */
export function compareRates (c: RateCounts, conf = 0.95): RateComparison {
  const canaryRate = c.canaryN > 0 ? c.canaryX / c.canaryN : null
  const baselineRate = c.baselineN > 0 ? c.baselineX / c.baselineN : null
  if (canaryRate === null || baselineRate === null) {
    return { canaryRate, baselineRate, ratio: null, unbounded: false, ci: null, absDiff: null, absDiffUpper: null }
  }
  const unbounded = baselineRate === 0 && canaryRate > 0
  const ratio = baselineRate > 0 ? canaryRate / baselineRate : null
  const half = (1 + conf) / 2
  const absDiffUpper = Math.max(-1, upperBound(c.canaryX, c.canaryN, half) - lowerBound(c.baselineX, c.baselineN, half))
  return { canaryRate, baselineRate, ratio, unbounded, ci: ratioCi(c, conf), absDiff: canaryRate - baselineRate, absDiffUpper }
}

/** The conditional exact CI of the rate ratio (see RateComparison.ci); null without events. */
export function ratioCi (c: RateCounts, conf = 0.95): { low: number, high: number | null } | null {
  const x = c.canaryX + c.baselineX
  if (x <= 0 || c.canaryN <= 0 || c.baselineN <= 0) return null
  const p = clopperPearson(c.canaryX, x, conf)
  const scale = c.baselineN / c.canaryN
  const toLambda = (q: number): number | null => (q >= 1 ? null : q / (1 - q) * scale)
  return { low: toLambda(p.low) ?? 0, high: toLambda(p.high) }
}

/**
 * Rough canary traffic needed before the data can rule out a regression: the smallest
 * canary transaction count N_c at which, with both sides at the baseline's current rate
 * and the current traffic split, `excludes` would hold. Null when no amount would do (or
 * more than 1e12).
 */
export function neededCanaryN (baselineRate: number, canaryShare: number, excludes: (c: RateCounts) => boolean, start = 16): number | null {
  if (!(canaryShare > 0 && canaryShare < 1) || !(baselineRate >= 0)) return null
  const counts = (n: number): RateCounts => {
    const nb = n * (1 - canaryShare) / canaryShare
    return { canaryN: n, canaryX: n * baselineRate, baselineN: nb, baselineX: nb * baselineRate }
  }
  let hi = Math.max(16, start)
  while (!excludes(counts(hi))) {
    hi *= 2
    if (hi > 1e12) return null
  }
  // "~N" is all we print: 5% precision keeps this to a handful of quantile calls.
  let lo = hi / 2
  while (hi - lo > Math.max(1, lo * 0.05)) {
    const mid = (lo + hi) / 2
    if (excludes(counts(mid))) hi = mid
    else lo = mid
  }
  return Math.ceil(hi)
}
