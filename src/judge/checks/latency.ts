/**
 * Latency: the share of transactions slower than the app's threshold (baseline p95 before
 * the rollout), tested with the same e-process as errors; the window's p95 ratio as the
 * effect; Mann-Whitney and Hodges-Lehmann on per-bucket p95s as a second opinion.
 */
import type { EProcessState, RateCounts } from '../e-process.ts'
import { compareRates, neededCanaryN, type RateComparison } from '../rate-ratio.ts'
import { hodgesLehmannSorted, mannWhitneySorted, sorted } from '../mann-whitney.ts'
import { CI_LEVEL, MW_WARN_P, grossRatio } from '../constants.ts'
import { formatCount, formatP, formatPercent, formatRatio, formatRatioCi, formatSeconds } from '../format.ts'
import type { AppData } from '../input.ts'
import type { AppSides } from '../sides.ts'
import { currentlyHigher, measureRate, roughCount, sequentialStatus, type RateMeasure } from './sequential.ts'
import type { CheckContext, CheckOutcome } from './types.ts'

/** Cumulative slow counts, or null when the fetcher could not count them against `thresholdOk`. */
export function slowCounts (data: AppData, thresholdOk: boolean): RateCounts | null {
  const { canary, baseline } = data.window
  if (!thresholdOk || canary.slow === null || baseline.slow === null) return null
  return { canaryN: canary.count, canaryX: canary.slow, baselineN: baseline.count, baselineX: baseline.slow }
}

/** Feeds this look's slow counts into the app's latency e-process. */
export function measureLatency (prev: EProcessState, data: AppData, thresholdOk: boolean): RateMeasure {
  return measureRate(prev, slowCounts(data, thresholdOk))
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

function excludesLatencyRegression (cmp: RateComparison, margin: number): boolean {
  // Durations that barely vary (sigma ~0) leave nothing above the baseline p95 on either
  // side: no ratio to bound, but a canary slow share provably under half a percentage
  // point above the baseline's rules out any regression a person would notice.
  if (cmp.absDiffUpper !== null && cmp.absDiffUpper < SLOW_SHARE_MIN_ABS_DIFF) return true
  return cmp.ci !== null && cmp.ci.high !== null && cmp.ci.high < grossRatio(margin)
}

/** Status and explanation of the latency check, given the Holm-adjusted p-value of the slow-share test. */
export function judgeLatency (ctx: CheckContext, m: RateMeasure, adjustedPValue: number, threshold: { slowThresholdS: number | null, note: string | null }): CheckOutcome {
  const margin = ctx.thresholds.latency.ratio
  const { canary: cLat, baseline: bLat } = ctx.data.window
  const canary = finite(cLat.p95S)
  const baseline = finite(bLat.p95S)
  const p95Ratio = canary !== null && baseline !== null && baseline > 0 ? canary / baseline : null
  const base = { metric: 'latency' as const, pValue: m.pValue, adjustedPValue, canary, baseline, effect: p95Ratio, ci: null }
  if (!ctx.canaryReports) return { result: { ...base, status: 'NO_DATA', detail: `no latency data from ${ctx.canaryLabel}` }, short: '' }
  if (ctx.sides.baseline.count === 0) {
    return { result: { ...base, status: 'INCONCLUSIVE', detail: `p95 ${formatSeconds(canary)} on ${ctx.canaryLabel}; no baseline traffic to compare with` }, short: 'no baseline to compare with' }
  }
  const op = secondOpinion(ctx.data, ctx.sides)
  const parts = [`p95 ${formatSeconds(canary)} on ${ctx.canaryLabel} vs ${formatSeconds(baseline)} on ${ctx.baselineLabel}` + (p95Ratio !== null ? ` (x${formatRatio(p95Ratio)})` : '')]
  const cmp = m.counts !== null ? (m.cmp ?? compareRates(m.counts, CI_LEVEL)) : null
  let slowRatioLabel: string | null = null
  if (cmp !== null && cmp.canaryRate !== null && cmp.baselineRate !== null) {
    slowRatioLabel = cmp.unbounded ? 'x inf' : cmp.ratio === null ? 'x n/a' : `x${formatRatio(cmp.ratio)}`
    const ci = cmp.ci !== null && cmp.ci.high !== null ? `, ${formatRatioCi({ low: cmp.ci.low, high: cmp.ci.high })}` : ''
    parts.push(`slow share (> ${formatSeconds(threshold.slowThresholdS)}) ${formatPercent(cmp.canaryRate)} vs ${formatPercent(cmp.baselineRate)} (${slowRatioLabel}${ci}, ${formatP(m.pValue)})`)
  } else {
    parts.push(threshold.note ?? 'no slow-transaction counts this checkpoint')
  }
  if (op !== null) {
    const sign = op.shiftS >= 0 ? '+' : '-'
    const per = ctx.bucketMinutes <= 1 ? 'per-minute' : `per-${ctx.bucketMinutes}-minute`
    parts.push(`${per} p95 ${sign}${formatSeconds(Math.abs(op.shiftS))} (Mann-Whitney ${formatP(op.p)}, ${op.nCanary} vs ${op.nBaseline} buckets)`)
  }
  const mwWarn = op !== null && op.p < MW_WARN_P && op.shiftS > 0 && op.relShift !== null && op.relShift >= margin - 1 && (p95Ratio === null || p95Ratio >= margin)
  let status
  let note = ''
  if (cmp !== null && cmp.canaryRate !== null && cmp.baselineRate !== null) {
    // The margin is a p95 change a person would call a regression; the slow share is the
    // evidence. Slow-share ratios magnify small p95 shifts (x1.10 slow share is ~+3% p95 at
    // sigma 0.6), so they stand in for the margin only when a p95 is missing.
    const marginMet = p95Ratio !== null ? p95Ratio >= margin : (cmp.unbounded || (cmp.ratio !== null && cmp.ratio >= margin))
    status = sequentialStatus({ evidence: adjustedPValue <= ctx.alpha, suggestive: m.pValue <= ctx.alpha && currentlyHigher(cmp), marginMet, excluded: excludesLatencyRegression(cmp, margin) })
    if (status === 'WARN' && adjustedPValue <= ctx.alpha) note = `: slower, but under the x${formatRatio(margin)} margin`
    else if (status === 'WARN') note = `: not significant across ${ctx.nTests} tests (adjusted ${formatP(adjustedPValue)})`
    if ((status === 'PASS' || status === 'INCONCLUSIVE') && mwWarn) {
      status = 'WARN' as const
      note = `: ${ctx.bucketMinutes <= 1 ? 'per-minute' : `per-${ctx.bucketMinutes}-minute`} p95s are clearly higher (second opinion)`
    } else if (status === 'INCONCLUSIVE') {
      const c = m.counts as RateCounts
      const share = c.canaryN / (c.canaryN + c.baselineN)
      const need = neededCanaryN(cmp.baselineRate, share, x => excludesLatencyRegression(compareRates(x, CI_LEVEL), margin), c.canaryN)
      parts.unshift(need !== null && need <= c.canaryN
        ? 'not enough evidence either way yet'
        : `too little traffic to tell: ${formatCount(c.canaryN)} canary transactions` + (need !== null ? `, would need ${roughCount(need)}` : ''))
    }
  } else {
    status = mwWarn ? 'WARN' as const : 'INCONCLUSIVE' as const
    if (mwWarn) note = ': per-minute p95s are clearly higher'
  }
  // Several canaries are one side; name each one's mean duration so a single slow host shows.
  let byHost = ''
  if (ctx.sides.canary.hosts.length > 1) {
    const perHost = ctx.data.window.hosts
      .filter(h => ctx.sides.isCanary(h.host) && h.count > 0 && h.durationAvgS !== null && Number.isFinite(h.durationAvgS))
      .sort((a, b) => (b.durationAvgS ?? 0) - (a.durationAvgS ?? 0))
      .map(h => `${h.host} ${formatSeconds(h.durationAvgS)}`)
    if (perHost.length > 1) byHost = `; mean duration by new host: ${perHost.join(', ')}`
  }
  const short = status === 'INCONCLUSIVE'
    ? 'too little traffic'
    : p95Ratio !== null && (slowRatioLabel === null || p95Ratio >= margin) ? `p95 x${formatRatio(p95Ratio)}` : `slow share ${slowRatioLabel ?? 'n/a'}`
  return { result: { ...base, status, detail: parts.join('; ') + note + byHost }, short }
}

function finite (v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null
}
