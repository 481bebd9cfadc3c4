/**
 * The latency sentence: "p95 412 ms on PRDIIS09 vs 258 ms on 4 existing hosts (x1.60); slow
 * share (> 390 ms) 12% vs 5.0% (...); per-minute p95 +150 ms (Mann-Whitney ...)".
 */
import type { LatencyCompared, LatencyFacts } from '../checks/latency.ts'
import type { Numbers } from '../checks/types.ts'
import {
  notSignificant, perBucket, ratioLabel, ratioWithBounds, NOT_ENOUGH_EVIDENCE, SHORT_NO_BASELINE, SHORT_NO_LATENCY_TEST,
  SHORT_NOT_SETTLED, SHORT_TOO_FEW_EVENTS, SHORT_TOO_LITTLE, TOO_FEW_EVENTS, TOO_LITTLE_TRAFFIC
} from './common.ts'
import { formatCount, formatP, formatPercent, formatPoints, formatRatio, formatSeconds, roughCount } from './format.ts'

export function explainLatency (result: Numbers, facts: LatencyFacts): { detail: string, short: string } {
  if (facts.kind === 'no-data') return { detail: `no latency data from ${facts.canaryLabel}`, short: '' }
  if (facts.kind === 'no-baseline') {
    return {
      detail: `p95 ${formatSeconds(result.canary)} on ${facts.canaryLabel}; no baseline traffic to compare with`,
      short: SHORT_NO_BASELINE
    }
  }
  const parts = sentences(result, facts)
  const detail = parts.join('; ') + note(facts) + byHost(facts) + outliersOf(facts)
  return { detail, short: short(result, facts) }
}

function sentences (result: Numbers, f: LatencyCompared): string[] {
  const p95 = `p95 ${formatSeconds(result.canary)} on ${f.canaryLabel} vs ${formatSeconds(result.baseline)} on ${f.baselineLabel}` +
    (result.effect !== null ? ` (x${formatRatio(result.effect)})` : '')
  const parts = [p95]
  if (f.slow !== null) {
    const { cmp } = f.slow
    const bound = f.slow.passByDifference && cmp.absDiffUpper !== null
      ? `${ratioLabel(cmp)}, at most +${formatPoints(Math.max(0, cmp.absDiffUpper))} higher`
      : ratioWithBounds(cmp, f.slow.cs, f.slow.level)
    parts.push(`slow share (> ${formatSeconds(f.slow.thresholdS)}) ${formatPercent(cmp.canaryRate)} vs ${formatPercent(cmp.baselineRate)}` +
      ` (${bound}, ${formatP(f.slow.pValue)})`)
  } else {
    parts.push(f.thresholdNote ?? 'no slow-transaction counts this checkpoint')
  }
  const op = f.secondOpinion
  if (op !== null) {
    const sign = op.shiftS >= 0 ? '+' : '-'
    parts.push(`${perBucket(f.bucketMinutes)} p95 ${sign}${formatSeconds(Math.abs(op.shiftS))} ` +
      `(Mann-Whitney ${formatP(op.p)}, ${op.nCanary} vs ${op.nBaseline} buckets)`)
  }
  const open = f.inconclusive
  if (open !== null) {
    const would = open.need !== null ? `, would need ${roughCount(open.need)}` : ''
    parts.unshift(settledByCount(open)
      ? NOT_ENOUGH_EVIDENCE
      : open.served !== null
        ? `${TOO_FEW_EVENTS}: ${formatCount(open.canaryN)} kept of ${roughCount(open.served)} canary transactions (agent sampling)${would}`
        : `${TOO_LITTLE_TRAFFIC}: ${formatCount(open.canaryN)} canary transactions${would}`)
  }
  return parts
}

function note (f: LatencyCompared): string {
  switch (f.note) {
    case 'under-margin': return `: slower, but under the x${formatRatio(f.margin)} margin`
    case 'not-significant': return notSignificant(f.nTests, f.adjustedPValue)
    // Without slow counts the per-bucket p95s are the only evidence, not a second opinion.
    case 'second-opinion': return `: ${perBucket(f.bucketMinutes)} p95s are clearly higher${f.slow !== null ? ' (second opinion)' : ''}`
    default: return ''
  }
}

/** Say which existing host was left out of the latency baseline and why. */
function outliersOf (f: LatencyCompared): string {
  return f.outliers.map(o =>
    `; ${o.host} left out of the latency baseline: its slow share ${formatPercent(o.rate)} is an outlier among the existing hosts ` +
    `(others ${formatPercent(o.restRate)})`
  ).join('')
}

/** Several canaries are one side; name each one's mean duration so a single slow host shows. */
function byHost (f: LatencyCompared): string {
  if (f.byHost.length < 2) return ''
  return `; mean duration by new host: ${f.byHost.map(h => `${h.host} ${formatSeconds(h.meanS)}`).join(', ')}`
}

/** The canary has the transactions the test needs: what is missing is evidence, not traffic. */
function settledByCount (open: NonNullable<LatencyCompared['inconclusive']>): boolean {
  return open.need !== null && open.need <= open.canaryN
}

function short (result: Numbers, f: LatencyCompared): string {
  if (result.status === 'INCONCLUSIVE') {
    const open = f.inconclusive
    if (open === null) return SHORT_NO_LATENCY_TEST
    return settledByCount(open) ? SHORT_NOT_SETTLED : open.served !== null ? SHORT_TOO_FEW_EVENTS : SHORT_TOO_LITTLE
  }
  const slowLabel = f.slow === null ? null : ratioLabel(f.slow.cmp)
  const p95Ratio = result.effect
  return p95Ratio !== null && (slowLabel === null || p95Ratio >= f.margin)
    ? `p95 x${formatRatio(p95Ratio)}`
    : `slow share ${slowLabel ?? 'n/a'}`
}
