/**
 * Latency: the share of transactions slower than the app's threshold (baseline p95 before
 * the rollout), tested with the same e-process as errors; the window's p95 ratio as the
 * effect; Mann-Whitney and Hodges-Lehmann on per-bucket p95s as a second opinion.
 */
import type { Status } from '../../schemas/common.ts'
import { confidenceSequence, type ConfidenceBounds } from '../stats/confidence-sequence.ts'
import { DEFAULT_GRID, DEFAULT_WEIGHTS, anytimeP, type EProcessState, type RateCounts } from '../stats/e-process.ts'
import { compareRates, neededCanaryN, type RateComparison } from '../stats/rate-ratio.ts'
import { hodgesLehmannSorted, mannWhitneySorted, sorted } from '../stats/mann-whitney.ts'
import { CI_LEVEL, MW_WARN_P, grossRatio } from '../constants.ts'
import type { AppData } from '../input.ts'
import type { BaselineOutlier } from '../outliers.ts'
import type { AppSides } from '../sides.ts'
import { currentLogE, currentlyHigher, measureRate, sequenceOf, sequentialStatus, type RateMeasure } from './sequential.ts'
import type { CheckContext, Finding } from './types.ts'

/** Cumulative slow counts, or null when the fetcher could not count them against `thresholdOk`. */
export function slowCounts (data: AppData, thresholdOk: boolean): RateCounts | null {
  const { canary, baseline } = data.window
  if (!thresholdOk || canary.slow === null || baseline.slow === null) return null
  return { canaryN: canary.count, canaryX: canary.slow, baselineN: baseline.count, baselineX: baseline.slow }
}

/** Feeds this look's slow counts into the app's latency e-process. */
export function measureLatency (prev: EProcessState, data: AppData, thresholdOk: boolean, alpha: number, rebase = false): RateMeasure {
  const counts = slowCounts(data, thresholdOk)
  // The latency baseline lost an outlier host this look: the counts mean something else than
  // last look's, so this look only re-bases the e-process, as the error rate does.
  if (rebase && counts !== null && prev.last !== null) {
    const cmp = compareRates(counts, CI_LEVEL)
    return { counts, cmp, state: { ...prev, last: counts }, pValue: anytimeP(prev), cs: sequenceOf(prev, alpha), logE: currentLogE(prev) }
  }
  return measureRate(prev, counts, alpha)
}

/** Per-bucket p95s of each side, for Mann-Whitney. */
export function bucketP95s (data: AppData, sides: AppSides): { canary: number[], baseline: number[] } {
  const canary: number[] = []
  const baseline: number[] = []
  for (const pt of data.window.series) {
    if (pt.p95S === null || !Number.isFinite(pt.p95S) || !(pt.count > 0)) continue
    if (sides.isCanary(pt.host)) canary.push(pt.p95S)
    else if (sides.isBaseline(pt.host)) baseline.push(pt.p95S)
  }
  return { canary, baseline }
}

export interface SecondOpinion {
  p: number
  /** Hodges-Lehmann shift (s) of canary bucket p95s over baseline ones. */
  shiftS: number
  /** Shift relative to the baseline's median bucket p95. */
  relShift: number | null
  nCanary: number
  nBaseline: number
}

/** Mann-Whitney (two-sided, tie- and continuity-corrected) and Hodges-Lehmann on bucket p95s. */
export function secondOpinion (data: AppData, sides: AppSides): SecondOpinion | null {
  const buckets = bucketP95s(data, sides)
  const canary = sorted(buckets.canary)
  const sortedBase = sorted(buckets.baseline)
  const mw = mannWhitneySorted(canary, sortedBase, 'two-sided')
  const shift = hodgesLehmannSorted(canary, sortedBase)
  if (mw === null || shift === null) return null
  const median = sortedBase.length % 2 === 1
    ? sortedBase[(sortedBase.length - 1) / 2]
    : (sortedBase[sortedBase.length / 2 - 1] + sortedBase[sortedBase.length / 2]) / 2
  return { p: mw.p, shiftS: shift, relShift: median > 0 ? shift / median : null, nCanary: canary.length, nBaseline: sortedBase.length }
}

/** Slow-share excess (fraction of transactions) too small to matter, whatever the ratio. */
const SLOW_SHARE_MIN_ABS_DIFF = 0.005

function excludesLatencyRegression (cmp: RateComparison, cs: ConfidenceBounds, margin: number): boolean {
  return boundsDifference(cmp) || boundsRatio(cs, margin)
}

/**
 * Durations that barely vary (sigma ~0) leave nothing above the baseline p95 on either
 * side: no ratio to bound, but a canary slow share provably under half a percentage point
 * above the baseline's rules out any regression a person would notice.
 */
function boundsDifference (cmp: RateComparison): boolean {
  return cmp.absDiffUpper !== null && cmp.absDiffUpper < SLOW_SHARE_MIN_ABS_DIFF
}

function boundsRatio (cs: ConfidenceBounds, margin: number): boolean {
  return cs.high !== null && cs.high < grossRatio(margin)
}

export type LatencyFacts =
  | { kind: 'no-data', canaryLabel: string }
  | { kind: 'no-baseline', canaryLabel: string }
  | LatencyCompared

export interface LatencyCompared {
  kind: 'compared'
  canaryLabel: string
  baselineLabel: string
  margin: number
  /** The slow-share test, when slow counts against the rollout's threshold came this look. */
  slow: {
    cmp: RateComparison & { canaryRate: number, baselineRate: number }
    thresholdS: number | null
    pValue: number
    cs: ConfidenceBounds
    level: number
    /** A PASS that rests on the absolute difference of slow shares alone. */
    passByDifference: boolean
  } | null
  /** Why there is no slow-share test this look (the threshold's note). */
  thresholdNote: string | null
  secondOpinion: SecondOpinion | null
  bucketMinutes: number
  /** What the status adds to the sentence. */
  note: 'under-margin' | 'not-significant' | 'second-opinion' | null
  nTests: number
  adjustedPValue: number
  /**
   * INCONCLUSIVE on the slow share: how many canary transactions would settle it. `served` is the
   * canary's traffic when its agents sampled (the slow share counts kept events, well under it).
   */
  inconclusive: { need: number | null, canaryN: number, served: number | null } | null
  /** Each canary host's mean duration, slowest first, when several share the side. */
  byHost: Array<{ host: string, meanS: number | null }>
  /** Existing hosts left out of the latency baseline, with this look's slow shares. */
  outliers: BaselineOutlier[]
}

/** Status of the latency check, given the Holm-adjusted p-value of the slow-share test. */
export function judgeLatency (
  ctx: CheckContext, m: RateMeasure, adjustedPValue: number, warn: boolean,
  threshold: { slowThresholdS: number | null, note: string | null }
): Finding<LatencyFacts> {
  const margin = ctx.thresholds.latency.ratio
  const canary = finite(ctx.data.window.canary.p95S)
  const baseline = finite(ctx.data.window.baseline.p95S)
  const p95Ratio = canary !== null && baseline !== null && baseline > 0 ? canary / baseline : null
  const base = { metric: 'latency' as const, pValue: m.pValue, adjustedPValue, canary, baseline, effect: p95Ratio, ci: null }
  if (!ctx.canaryReports) return { result: { ...base, status: 'NO_DATA' }, facts: { kind: 'no-data', canaryLabel: ctx.canaryLabel } }
  if (ctx.sides.baseline.count === 0) {
    return { result: { ...base, status: 'INCONCLUSIVE' }, facts: { kind: 'no-baseline', canaryLabel: ctx.canaryLabel } }
  }

  const op = secondOpinion(ctx.data, ctx.sides)
  const cmp = m.counts !== null ? (m.cmp ?? compareRates(m.counts, CI_LEVEL)) : null
  const slow = cmp !== null && cmp.canaryRate !== null && cmp.baselineRate !== null
    ? {
        cmp: { ...cmp, canaryRate: cmp.canaryRate, baselineRate: cmp.baselineRate },
        thresholdS: threshold.slowThresholdS,
        pValue: m.pValue,
        cs: m.cs,
        level: 1 - ctx.alpha,
        passByDifference: false
      }
    : null
  const mwWarn = op !== null && op.p < MW_WARN_P && op.shiftS > 0 && op.relShift !== null && op.relShift >= margin - 1 &&
    (p95Ratio === null || p95Ratio >= margin)
  let status: Status
  let note: LatencyCompared['note'] = null
  let inconclusive: LatencyCompared['inconclusive'] = null
  if (slow !== null) {
    // The margin is a p95 change a person would call a regression; the slow share is the
    // evidence. Slow-share ratios magnify small p95 shifts (x1.10 slow share is ~+3% p95 at
    // sigma 0.6), so they stand in for the margin only when a p95 is missing.
    const marginMet = p95Ratio !== null ? p95Ratio >= margin : (slow.cmp.unbounded || (slow.cmp.ratio !== null && slow.cmp.ratio >= margin))
    const evidence = adjustedPValue <= ctx.alpha
    status = sequentialStatus({
      evidence,
      suggestive: warn && m.pValue <= ctx.alpha && currentlyHigher(slow.cmp),
      marginMet,
      excluded: excludesLatencyRegression(slow.cmp, m.cs, margin)
    })
    slow.passByDifference = status === 'PASS' && !boundsRatio(m.cs, margin)
    if (status === 'WARN') note = evidence ? 'under-margin' : 'not-significant'
    if ((status === 'PASS' || status === 'INCONCLUSIVE') && mwWarn) {
      status = 'WARN'
      note = 'second-opinion'
    } else if (status === 'INCONCLUSIVE') {
      const c = m.counts as RateCounts
      const share = c.canaryN / (c.canaryN + c.baselineN)
      const wouldExclude = (x: RateCounts): boolean =>
        excludesLatencyRegression(compareRates(x, CI_LEVEL), confidenceSequence([x], DEFAULT_GRID, DEFAULT_WEIGHTS, ctx.alpha), margin)
      const need = neededCanaryN(slow.cmp.baselineRate, share, wouldExclude, c.canaryN)
      // Kept events under 90% of the traffic the host stats saw: the agents sampled.
      const served = ctx.sides.canary.count
      inconclusive = { need, canaryN: c.canaryN, served: c.canaryN < 0.9 * served ? served : null }
    }
  } else {
    status = mwWarn ? 'WARN' : 'INCONCLUSIVE'
    if (mwWarn) note = 'second-opinion'
  }
  const byHost = ctx.sides.canary.hosts.length > 1
    ? ctx.data.window.hosts
      .filter(h => ctx.sides.isCanary(h.host) && h.count > 0 && h.durationAvgS !== null && Number.isFinite(h.durationAvgS))
      .sort((a, b) => (b.durationAvgS ?? 0) - (a.durationAvgS ?? 0))
      .map(h => ({ host: h.host, meanS: h.durationAvgS }))
    : []
  const facts: LatencyCompared = {
    kind: 'compared',
    canaryLabel: ctx.canaryLabel,
    baselineLabel: ctx.baselineLabel,
    margin,
    slow,
    thresholdNote: threshold.note,
    secondOpinion: op,
    bucketMinutes: ctx.bucketMinutes,
    note,
    nTests: ctx.nTests,
    adjustedPValue,
    inconclusive,
    byHost,
    outliers: ctx.latencyOutliers ?? []
  }
  // For latency the sequence is the slow-share ratio's: that is what the evidence is about.
  const ci = slow !== null && slow.cs.high !== null ? { low: slow.cs.low, high: slow.cs.high } : null
  return { result: { ...base, status, ci }, facts }
}

function finite (v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null
}
