/**
 * Sentences more than one check says, written once so they cannot drift apart.
 */
import type { RateComparison } from '../stats/rate-ratio.ts'
import { formatP, formatRatio, formatRatioCi } from './format.ts'

/** "x3.9", "x inf" (canary events, none on the baseline), "x n/a". */
export function ratioLabel (cmp: Pick<RateComparison, 'ratio' | 'unbounded'>): string {
  return cmp.unbounded ? 'x inf' : cmp.ratio === null ? 'x n/a' : `x${formatRatio(cmp.ratio)}`
}

/**
 * ", 95% CI 3.1-4.8" for a comparison's interval, or "" without one. `openEnded` also
 * prints an interval with no upper bound (no baseline events) as ", 95% CI 2.1-inf".
 */
export function ciText (cmp: Pick<RateComparison, 'ci'>, openEnded: boolean): string {
  const ci = cmp.ci
  if (ci === null) return ''
  if (ci.high !== null) return `, ${formatRatioCi({ low: ci.low, high: ci.high })}`
  return openEnded ? `, 95% CI ${formatRatio(ci.low)}-inf` : ''
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
export const SHORT_NO_BASELINE = 'no baseline to compare with'
