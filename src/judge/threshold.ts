/**
 * The slow-latency threshold of an app: fixed at the first look that knows one; later looks
 * keep it (the fetcher is told it). Counts taken against another threshold do not update the
 * evidence. Without any threshold, the baseline's current p95 becomes the threshold for the
 * next looks.
 */
import type { AppEvidence } from './evidence.ts'
import type { AppData } from './input.ts'

export type ThresholdFacts =
  | { kind: 'fixed' }
  | { kind: 'mismatch', given: number | null, fixed: number }
  | { kind: 'next', next: number | null }

export interface SlowThreshold {
  /** The threshold the slow counts are judged against; null until one is known. */
  slowThresholdS: number | null
  /** The counts this look were taken against it. */
  ok: boolean
  /** The threshold to remember for the next looks when none is fixed yet. */
  next: number | null
  facts: ThresholdFacts
}

export function chooseThreshold (prevApp: AppEvidence | undefined, data: AppData | null): SlowThreshold {
  const given = data !== null && isPositive(data.slowThresholdS) ? data.slowThresholdS : null
  const fixed = prevApp !== undefined && isPositive(prevApp.slowThresholdS) ? prevApp.slowThresholdS : null
  if (fixed !== null) {
    const ok = given !== null && Math.abs(given - fixed) <= 1e-9 * Math.max(1, fixed)
    return { slowThresholdS: fixed, ok, next: null, facts: ok ? { kind: 'fixed' } : { kind: 'mismatch', given, fixed } }
  }
  if (given !== null) return { slowThresholdS: given, ok: true, next: null, facts: { kind: 'fixed' } }
  const p95 = data?.window.baseline.p95S ?? null
  const next = isPositive(p95) ? p95 : null
  return { slowThresholdS: null, ok: false, next, facts: { kind: 'next', next } }
}

function isPositive (v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0
}
