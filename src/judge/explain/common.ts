/**
 * Sentences more than one check says, written once so they cannot drift apart.
 */
import type { RateComparison } from '../stats/rate-ratio.ts'
import type { ConfidenceBounds } from '../stats/confidence-sequence.ts'
import { formatP, formatRatio, formatRatioBounds } from './format.ts'

/** "x3.9", "x inf" (canary events, none on the baseline), "x n/a". */
export function ratioLabel (cmp: Pick<RateComparison, 'ratio' | 'unbounded'>): string {
  return cmp.unbounded ? 'x inf' : cmp.ratio === null ? 'x n/a' : `x${formatRatio(cmp.ratio)}`
}

/**
 * "x3.0, 95% CS 2.6-3.5": the ratio and its confidence sequence (the ends rounded outwards),
 * "x inf, 95% CS 2.1-inf" without baseline events, the ratio alone without a sequence.
 */
export function ratioWithBounds (cmp: Pick<RateComparison, 'ratio' | 'unbounded'>, cs: ConfidenceBounds | null, level: number): string {
  if (cs === null || (cs.low <= 0 && cs.high === null)) return ratioLabel(cmp)
  const label = `${formatLevel(level)} CS`
  const { estimate, bounds } = formatRatioBounds(cmp.ratio, cs, label)
  return `${cmp.unbounded ? 'x inf' : cmp.ratio === null ? 'x n/a' : `x${estimate}`}, ${bounds}`
}

/** 0.95 -> "95%", 0.99 -> "99%", 0.975 -> "97.5%". */
function formatLevel (level: number): string {
  return `${Number((level * 100).toFixed(1))}%`
}

/** ": not significant across 24 tests (adjusted p=0.31)": suggestive evidence the Holm family does not back. */
export function notSignificant (nTests: number, adjustedPValue: number): string {
  return `: not significant across ${nTests} tests (adjusted ${formatP(adjustedPValue)})`
}

/** "per-minute" or "per-5-minute": the series bucket, as a person reads it. */
export function perBucket (bucketMinutes: number): string {
  return bucketMinutes <= 1 ? 'per-minute' : `per-${bucketMinutes}-minute`
}

/** When the data can neither show nor rule out a regression, and whether more traffic would settle it. */
export const NOT_ENOUGH_EVIDENCE = 'not enough evidence either way yet'
export const TOO_LITTLE_TRAFFIC = 'too little traffic to tell'
export const SHORT_TOO_LITTLE = 'too little traffic'
/** The short form of NOT_ENOUGH_EVIDENCE: there is traffic enough, the numbers just do not decide yet. */
export const SHORT_NOT_SETTLED = 'not enough evidence yet'
/** Sampled agents: the events the latency test counts are too few, however busy the host. */
export const TOO_FEW_EVENTS = 'too few kept transaction events to tell'
export const SHORT_TOO_FEW_EVENTS = 'too few sampled events'
/** No slow-share test this look (no threshold or no slow counts yet): not a matter of traffic. */
export const SHORT_NO_LATENCY_TEST = 'no latency test yet'
export const SHORT_NO_BASELINE = 'no baseline to compare with'
