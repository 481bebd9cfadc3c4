/**
 * The error-rate sentence: "error rate 2.9% on PRDIIS09 vs 0.98% on 4 existing hosts
 * (x3.0, 95% CI 2.7-3.3, p<0.001)", with what the status adds to it.
 */
import type { ErrorRateCompared, ErrorRateFacts } from '../checks/error-rate.ts'
import type { Numbers } from '../checks/types.ts'
import {
  notSignificant, ratioLabel, ratioWithBounds, SHORT_NO_BASELINE, SHORT_NOT_SETTLED, SHORT_TOO_LITTLE, TOO_LITTLE_TRAFFIC,
  NOT_ENOUGH_EVIDENCE
} from './common.ts'
import { formatCount, formatHosts, formatP, formatPercent, formatPoints, formatRatio, plural, roughCount } from './format.ts'

export function explainErrorRate (result: Numbers, facts: ErrorRateFacts): { detail: string, short: string } {
  if (facts.kind === 'no-data') return { detail: `no error data from ${facts.canaryLabel}`, short: '' }
  if (facts.kind === 'no-baseline') {
    return {
      detail: `error rate ${formatPercent(facts.canaryRate)} on ${facts.canaryLabel}; no baseline traffic to compare with`,
      short: SHORT_NO_BASELINE
    }
  }
  let detail = compared(result, facts)
  // Several canaries are judged as one side; say which of them carries the errors, so a
  // single bad host among good ones is named even when pooling dilutes it.
  if (facts.byHost.length > 0) detail += `; by new host: ${facts.byHost.map(h => `${h.host} ${formatPercent(h.rate)}`).join(', ')}`
  // Say which existing host was left out and why, so nobody wonders where its errors went.
  for (const o of facts.outliers) {
    detail += `; ${o.host} left out of the baseline: its error rate ${formatPercent(o.rate)} ` +
      `is an outlier among the existing hosts (others ${formatPercent(o.restRate)})`
  }
  if (result.status !== 'INCONCLUSIVE') return { detail, short: `error rate ${ratioLabel(facts.cmp)}` }
  return { detail, short: facts.need !== null && facts.need <= facts.counts.canaryN ? SHORT_NOT_SETTLED : SHORT_TOO_LITTLE }
}

function compared (result: Numbers, f: ErrorRateCompared): string {
  const { counts, cmp, margin } = f
  const baselineLabel = f.baselineKept === null ? f.baselineLabel : formatHosts(f.baselineKept, 'existing')
  const core = `error rate ${formatPercent(cmp.canaryRate)} on ${f.canaryLabel} vs ${formatPercent(cmp.baselineRate)} on ${baselineLabel}`
  // A PASS on the absolute difference alone shows that bound: the ratio's may still be wide.
  const bound = f.passByDifference && cmp.absDiffUpper !== null
    ? `${ratioLabel(cmp)}, at most +${formatPoints(Math.max(0, cmp.absDiffUpper))} higher`
    : ratioWithBounds(cmp, f.cs, f.level)
  const stats = `(${bound}, ${formatP(f.pValue)})`
  const detail = counts.canaryX === 0 && counts.baselineX === 0
    ? `no errors on ${f.canaryLabel} (${formatCount(counts.canaryN)} transactions) ` +
      `nor on ${baselineLabel} (${formatCount(counts.baselineN)})`
    : `${core} ${stats}`
  const ratioMargin = `the x${formatRatio(margin.ratio)}`
  const diffMargin = `+${formatPoints(margin.minAbsDiff)}`
  switch (result.status) {
    case 'WARN':
      if (!f.evidence) return detail + notSignificant(f.nTests, f.adjustedPValue)
      if (f.under.ratio && f.under.diff) return `${detail}: higher, but under ${ratioMargin} and ${diffMargin} margins`
      return `${detail}: higher, but under ${f.under.ratio ? `${ratioMargin} margin` : `the ${diffMargin} margin`}`
    case 'PASS':
      return result.ci !== null && result.ci !== undefined && result.ci.low > 1
        ? `${detail}: higher, but under ${ratioMargin} margin`
        : detail
    case 'INCONCLUSIVE':
      if (f.need !== null && f.need <= counts.canaryN) return `${NOT_ENOUGH_EVIDENCE}: ${core} ${stats}`
      return `${TOO_LITTLE_TRAFFIC}: ${formatCount(counts.canaryN)} canary transactions ` +
        `(${plural(counts.canaryX, 'error')}, ${formatPercent(cmp.canaryRate)})` +
        ` vs ${formatPercent(cmp.baselineRate)} on ${baselineLabel}` + (f.need !== null ? `, would need ${roughCount(f.need)}` : '')
    default:
      return detail
  }
}
