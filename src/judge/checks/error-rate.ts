/**
 * Error rate: canary errors per transaction against the baseline's, with the anytime-valid
 * conditional-binomial e-process (stats/e-process.ts), a rate-ratio CI, and practical margins.
 */
import { confidenceSequence, type ConfidenceBounds } from '../stats/confidence-sequence.ts'
import { DEFAULT_GRID, DEFAULT_WEIGHTS, anytimeP, type EProcessState, type RateCounts } from '../stats/e-process.ts'
import { compareRates, neededCanaryN, type RateComparison } from '../stats/rate-ratio.ts'
import { hostKey } from '../hosts.ts'
import type { HostStats } from '../input.ts'
import { clean, type AppSides } from '../sides.ts'
import { CI_LEVEL, grossRatio } from '../constants.ts'
import type { BaselineOutlier } from '../outliers.ts'
import { currentLogE, currentlyHigher, measureRate, sequenceOf, sequentialStatus, type RateMeasure } from './sequential.ts'
import type { CheckContext, Finding } from './types.ts'

/** Cumulative error counts of the window, without the excluded (outlier) baseline hosts. */
export function errorCounts (sides: AppSides, hosts: HostStats[] = [], excluded: ReadonlySet<string> = new Set()): RateCounts {
  let baselineN = sides.baseline.count
  let baselineX = sides.baseline.errors
  for (const h of hosts) {
    if (!excluded.has(hostKey(h.host)) || !sides.isBaseline(h.host)) continue
    const n = clean(h.count)
    baselineN -= n
    baselineX -= Math.min(clean(h.errors), n)
  }
  return { canaryN: sides.canary.count, canaryX: sides.canary.errors, baselineN: Math.max(0, baselineN), baselineX: Math.max(0, baselineX) }
}

/**
 * Feeds this look's errors into the app's error-rate e-process. When the set of excluded
 * baseline hosts changed, the counts mean something else than last look's: this look only
 * re-bases the e-process (no evidence), so no increment mixes the two.
 */
export function measureErrorRate (
  prev: EProcessState, sides: AppSides, alpha: number, hosts: HostStats[] = [], excluded: ReadonlySet<string> = new Set(), rebase = false
): RateMeasure {
  const counts = errorCounts(sides, hosts, excluded)
  if (rebase && prev.last !== null) {
    const cmp = compareRates(counts, CI_LEVEL)
    return { counts, cmp, state: { ...prev, last: counts }, pValue: anytimeP(prev), cs: sequenceOf(prev, alpha), logE: currentLogE(prev) }
  }
  return measureRate(prev, counts, alpha)
}

/**
 * Does the data rule out an error-rate regression that matters? Either the absolute
 * difference is bounded under minAbsDiff, or the confidence sequence's high end is under
 * the gross ratio (constants.GROSS_FACTOR).
 */
export function excludesErrorRegression (
  cmp: RateComparison, cs: ConfidenceBounds, margin: { ratio: number, minAbsDiff: number }
): boolean {
  return boundsDifference(cmp, margin) || boundsRatio(cs, margin)
}

function boundsDifference (cmp: RateComparison, margin: { minAbsDiff: number }): boolean {
  return cmp.absDiffUpper !== null && cmp.absDiffUpper < margin.minAbsDiff
}

function boundsRatio (cs: ConfidenceBounds, margin: { ratio: number }): boolean {
  return cs.high !== null && cs.high < grossRatio(margin.ratio)
}

/** Would these counts, seen in one look, rule out a regression? For "would need ~N transactions". */
function wouldExclude (c: RateCounts, margin: { ratio: number, minAbsDiff: number }, alpha: number): boolean {
  return excludesErrorRegression(compareRates(c, CI_LEVEL), confidenceSequence([c], DEFAULT_GRID, DEFAULT_WEIGHTS, alpha), margin)
}

export type ErrorRateFacts =
  | { kind: 'no-data', canaryLabel: string }
  | { kind: 'no-baseline', canaryRate: number, canaryLabel: string }
  | ErrorRateCompared

export interface ErrorRateCompared {
  kind: 'compared'
  counts: RateCounts
  cmp: RateComparison & { canaryRate: number, baselineRate: number }
  pValue: number
  adjustedPValue: number
  /** The Holm-adjusted p-value is within alpha. */
  evidence: boolean
  nTests: number
  margin: { ratio: number, minAbsDiff: number }
  /** Which margins the effect is under. */
  under: { ratio: boolean, diff: boolean }
  /** Canary transactions that would settle an INCONCLUSIVE, when known. */
  need: number | null
  /** The confidence sequence of the ratio and its level (1 - alpha). */
  cs: ConfidenceBounds
  level: number
  /** A PASS that rests on the absolute difference alone: its bound is what the sentence shows. */
  passByDifference: boolean
  canaryLabel: string
  baselineLabel: string
  /** The existing hosts compared with when outliers were left out (else all of them: baselineLabel). */
  baselineKept: string[] | null
  /** Each canary host's error rate, when several canaries share the side and any erred. */
  byHost: Array<{ host: string, rate: number }>
  outliers: BaselineOutlier[]
}

/** Status of the error-rate check, given the Holm-adjusted p-value and whether e-BH selected it for a WARN. */
export function judgeErrorRate (ctx: CheckContext, m: RateMeasure, adjustedPValue: number, warn: boolean): Finding<ErrorRateFacts> {
  const margin = ctx.thresholds.errorRate
  const base = { metric: 'errorRate' as const, pValue: m.pValue, adjustedPValue }
  const counts = m.counts ?? errorCounts(ctx.sides)
  const cmp = m.cmp ?? compareRates(counts, CI_LEVEL)
  const { canaryRate: canary, baselineRate: baseline } = cmp
  if (!ctx.canaryReports) {
    return {
      result: { ...base, status: 'NO_DATA', canary: null, baseline, effect: null, ci: null },
      facts: { kind: 'no-data', canaryLabel: ctx.canaryLabel }
    }
  }
  if (canary === null || baseline === null) {
    return {
      result: { ...base, status: 'INCONCLUSIVE', canary, baseline, effect: null, ci: null },
      facts: { kind: 'no-baseline', canaryRate: canary ?? 0, canaryLabel: ctx.canaryLabel }
    }
  }
  const diff = canary - baseline
  const marginMet = diff >= margin.minAbsDiff && (cmp.unbounded || (cmp.ratio !== null && cmp.ratio >= margin.ratio))
  const evidence = adjustedPValue <= ctx.alpha
  const status = sequentialStatus({
    evidence,
    suggestive: warn && m.pValue <= ctx.alpha && currentlyHigher(cmp),
    marginMet,
    excluded: excludesErrorRegression(cmp, m.cs, margin)
  })
  const share = counts.canaryN / (counts.canaryN + counts.baselineN)
  const need = status !== 'INCONCLUSIVE' ? null : neededCanaryN(baseline, share, c => wouldExclude(c, margin, ctx.alpha), counts.canaryN)
  const outliers = ctx.baselineOutliers ?? []
  const ci = m.cs.high !== null ? { low: m.cs.low, high: m.cs.high } : null
  const ciFixed = cmp.ci !== null && cmp.ci.high !== null ? { low: cmp.ci.low, high: cmp.ci.high } : null
  const facts: ErrorRateCompared = {
    kind: 'compared',
    counts,
    cmp: { ...cmp, canaryRate: canary, baselineRate: baseline },
    pValue: m.pValue,
    adjustedPValue,
    evidence,
    nTests: ctx.nTests,
    margin,
    under: { ratio: !cmp.unbounded && (cmp.ratio === null || cmp.ratio < margin.ratio), diff: diff < margin.minAbsDiff },
    need,
    cs: m.cs,
    level: 1 - ctx.alpha,
    passByDifference: status === 'PASS' && !boundsRatio(m.cs, margin),
    canaryLabel: ctx.canaryLabel,
    baselineLabel: ctx.baselineLabel,
    baselineKept: outliers.length === 0 ? null : ctx.sides.baseline.hosts.filter(h => !outliers.some(o => hostKey(o.host) === hostKey(h))),
    byHost: ctx.sides.canary.hosts.length > 1 && counts.canaryX > 0 ? canaryHostRates(ctx) : [],
    outliers
  }
  return { result: { ...base, status, canary, baseline, effect: cmp.ratio, ci, ciFixed }, facts }
}

/** Each canary host's error rate, worst first. */
function canaryHostRates (ctx: CheckContext): Array<{ host: string, rate: number }> {
  return ctx.data.window.hosts
    .filter(h => ctx.sides.isCanary(h.host) && h.count > 0)
    .map(h => ({ host: h.host, rate: h.errors / h.count }))
    .sort((a, b) => b.rate - a.rate)
}
