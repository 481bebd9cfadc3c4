/**
 * Error rate: canary errors per transaction against the baseline's, with the anytime-valid
 * conditional-binomial e-process (e-process.ts), a rate-ratio CI, and practical margins.
 */
import { anytimeP, type EProcessState, type RateCounts } from '../e-process.ts'
import { hostKey } from '../hosts.ts'
import type { HostStats } from '../input.ts'
import { clean } from '../sides.ts'
import { compareRates, neededCanaryN, type RateComparison } from '../rate-ratio.ts'
import { CI_LEVEL, grossRatio } from '../constants.ts'
import { formatCount, formatHosts, formatP, formatPercent, formatPoints, formatRatio, formatRatioCi, plural } from '../format.ts'
import type { AppSides } from '../sides.ts'
import { currentlyHigher, measureRate, roughCount, sequentialStatus, type RateMeasure } from './sequential.ts'
import type { CheckContext, CheckOutcome } from './types.ts'

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
 * baseline hosts just changed, the cumulative counts mean something else than last look's:
 * this look only re-bases the e-process (no evidence), so no increment mixes the two.
 */
export function measureErrorRate (prev: EProcessState, sides: AppSides, hosts: HostStats[] = [], excluded: ReadonlySet<string> = new Set(), rebase = false): RateMeasure {
  const counts = errorCounts(sides, hosts, excluded)
  if (rebase && prev.last !== null) {
    const cmp = compareRates(counts, CI_LEVEL)
    return { counts, cmp, state: { ...prev, last: counts }, pValue: anytimeP(prev) }
  }
  return measureRate(prev, counts)
}

/** Does the data rule out an error-rate regression that matters? */
export function excludesErrorRegression (cmp: RateComparison, margin: { ratio: number, minAbsDiff: number }): boolean {
  if (cmp.absDiffUpper !== null && cmp.absDiffUpper < margin.minAbsDiff) return true
  return cmp.ci !== null && cmp.ci.high !== null && cmp.ci.high < grossRatio(margin.ratio)
}

/** Status and explanation of the error-rate check, given the Holm-adjusted p-value. */
export function judgeErrorRate (ctx: CheckContext, m: RateMeasure, adjustedPValue: number): CheckOutcome {
  const margin = ctx.thresholds.errorRate
  const base = { metric: 'errorRate' as const, pValue: m.pValue, adjustedPValue }
  const counts = m.counts ?? errorCounts(ctx.sides)
  const outliers = ctx.baselineOutliers ?? []
  const baselineLabel = outliers.length === 0 ? ctx.baselineLabel : formatHosts(ctx.sides.baseline.hosts.filter(h => !outliers.some(o => hostKey(o.host) === hostKey(h))), 'existing')
  const cmp = m.cmp ?? compareRates(counts, CI_LEVEL)
  const canary = cmp.canaryRate
  const baseline = cmp.baselineRate
  if (!ctx.canaryReports) {
    return { result: { ...base, status: 'NO_DATA', canary: null, baseline, effect: null, ci: null, detail: `no error data from ${ctx.canaryLabel}` }, short: '' }
  }
  if (canary === null || baseline === null) {
    return {
      result: { ...base, status: 'INCONCLUSIVE', canary, baseline, effect: null, ci: null, detail: `error rate ${formatPercent(canary ?? 0)} on ${ctx.canaryLabel}; no baseline traffic to compare with` },
      short: 'no baseline to compare with'
    }
  }
  const ratioLabel = cmp.unbounded ? 'x inf' : cmp.ratio === null ? 'x n/a' : `x${formatRatio(cmp.ratio)}`
  const diff = canary - baseline
  const marginMet = diff >= margin.minAbsDiff && (cmp.unbounded || (cmp.ratio !== null && cmp.ratio >= margin.ratio))
  const excluded = excludesErrorRegression(cmp, margin)
  const status = sequentialStatus({ evidence: adjustedPValue <= ctx.alpha, suggestive: m.pValue <= ctx.alpha && currentlyHigher(cmp), marginMet, excluded })
  const ci = cmp.ci !== null && cmp.ci.high !== null ? { low: cmp.ci.low, high: cmp.ci.high } : null
  const ciText = ci !== null ? `, ${formatRatioCi(ci)}` : cmp.ci !== null ? `, 95% CI ${formatRatio(cmp.ci.low)}-inf` : ''
  const core = `error rate ${formatPercent(canary)} on ${ctx.canaryLabel} vs ${formatPercent(baseline)} on ${baselineLabel}`
  const stats = `(${ratioLabel}${ciText}, ${formatP(m.pValue)})`
  let detail: string
  if (counts.canaryX === 0 && counts.baselineX === 0) {
    detail = `no errors on ${ctx.canaryLabel} (${formatCount(counts.canaryN)} transactions) nor on ${baselineLabel} (${formatCount(counts.baselineN)})`
  } else {
    detail = `${core} ${stats}`
  }
  if (status === 'WARN' && adjustedPValue <= ctx.alpha) {
    const ratioUnder = !cmp.unbounded && (cmp.ratio === null || cmp.ratio < margin.ratio)
    const diffUnder = diff < margin.minAbsDiff
    const under = ratioUnder && diffUnder
      ? `the x${formatRatio(margin.ratio)} and +${formatPoints(margin.minAbsDiff)} margins`
      : ratioUnder ? `the x${formatRatio(margin.ratio)} margin` : `the +${formatPoints(margin.minAbsDiff)} margin`
    detail += `: higher, but under ${under}`
  } else if (status === 'WARN') {
    detail += `: not significant across ${ctx.nTests} tests (adjusted ${formatP(adjustedPValue)})`
  } else if (status === 'PASS' && ci !== null && ci.low > 1) {
    detail += `: higher, but under the x${formatRatio(margin.ratio)} margin`
  } else if (status === 'INCONCLUSIVE') {
    const share = counts.canaryN / (counts.canaryN + counts.baselineN)
    const need = neededCanaryN(baseline, share, c => excludesErrorRegression(compareRates(c, CI_LEVEL), margin), counts.canaryN)
    detail = need !== null && need <= counts.canaryN
      ? `not enough evidence either way yet: ${core} ${stats}`
      : `too little traffic to tell: ${formatCount(counts.canaryN)} canary transactions (${plural(counts.canaryX, 'error')}, ${formatPercent(canary)}) vs ${formatPercent(baseline)} on ${baselineLabel}` +
        (need !== null ? `, would need ${roughCount(need)}` : '')
  }
  // Several canaries are judged as one side; say which of them carries the errors, so a
  // single bad host among good ones is named even when pooling dilutes it.
  if (ctx.sides.canary.hosts.length > 1 && counts.canaryX > 0) detail += `; by new host: ${perHostRates(ctx)}`
  // Say which existing host was left out and why, so nobody wonders where its errors went.
  for (const o of outliers) {
    detail += `; ${o.host} left out of the baseline: its error rate ${formatPercent(o.rate)} is an outlier among the existing hosts (others ${formatPercent(o.restRate)})`
  }
  const effect = cmp.ratio
  const short = status === 'INCONCLUSIVE' ? 'too little traffic' : `error rate ${ratioLabel}`
  return { result: { ...base, status, canary, baseline, effect, ci, detail }, short }
}

/** "PRDIIS09 3.9%, PRDIIS10 1.0%": each canary host's error rate, worst first. */
function perHostRates (ctx: CheckContext): string {
  return ctx.data.window.hosts
    .filter(h => ctx.sides.isCanary(h.host) && h.count > 0)
    .map(h => ({ host: h.host, rate: h.errors / h.count }))
    .sort((a, b) => b.rate - a.rate)
    .map(h => `${h.host} ${formatPercent(h.rate)}`)
    .join(', ')
}
