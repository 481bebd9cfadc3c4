/**
 * Shared by the error-rate and latency checks: feeding a look into an e-process and
 * turning evidence, margin and precision into a status.
 */
import type { Status } from '../../schemas/common.ts'
import { confidenceSequence, type ConfidenceBounds } from '../stats/confidence-sequence.ts'
import { anytimeP, logMixture, updateEProcess, type EProcessState, type RateCounts } from '../stats/e-process.ts'
import { compareRates, type RateComparison } from '../stats/rate-ratio.ts'
import { CI_LEVEL } from '../constants.ts'

export interface RateMeasure {
  /** Cumulative counts of the window (null when not available this look). */
  counts: RateCounts | null
  cmp: RateComparison | null
  state: EProcessState
  /** Anytime-valid p-value, min(1, 1/max_t E_t). */
  pValue: number
  /** The anytime-valid confidence sequence of the ratio, from the same e-process. */
  cs: ConfidenceBounds
  /** log E_t at this look: an e-value at a stopping time, for the WARNs' false discovery rate. */
  logE: number
}

/** Continues an e-process with this look's cumulative counts (unchanged when counts are null). */
export function measureRate (prev: EProcessState, counts: RateCounts | null, alpha: number): RateMeasure {
  if (counts === null) {
    return { counts, cmp: null, state: prev, pValue: anytimeP(prev), cs: sequenceOf(prev, alpha), logE: currentLogE(prev) }
  }
  const { state, logE } = updateEProcess(prev, counts)
  return { counts, cmp: compareRates(counts, CI_LEVEL), state, pValue: anytimeP(state), cs: sequenceOf(state, alpha), logE }
}

/** log E_t of the process as it stands (0 for a fresh one). */
export function currentLogE (state: EProcessState): number {
  return logMixture(state.weights, state.logLR)
}

/** The confidence sequence of an e-process's steps so far, each end at level alpha. */
export function sequenceOf (state: EProcessState, alpha: number): ConfidenceBounds {
  const steps = state.steps ?? (state.last === null ? [] : [state.last])
  return confidenceSequence(steps, state.grid, state.weights, alpha)
}

/**
 * The current look's data still shows the canary higher (the fixed-sample CI excludes 1).
 * Raw anytime p-values are running minima: without this, one noisy early hour of a
 * low-traffic app would keep a WARN up at every later look after the data washed it out.
 */
export function currentlyHigher (cmp: RateComparison | null): boolean {
  return cmp !== null && cmp.ci !== null && cmp.ci.low > 1
}

export interface SequentialFacts {
  /** Holm-adjusted anytime p-value <= alpha. */
  evidence: boolean
  /**
   * Evidence too weak for the Holm family but selected by e-BH at the policy's warnFdr (so a
   * clean fleet of many apps does not light up with WARNs), with the raw anytime p-value
   * <= alpha (so the sequence shown excludes 1) and currentlyHigher.
   */
  suggestive: boolean
  /** The effect is over the practical margin. */
  marginMet: boolean
  /** The data rules out a regression that matters (see constants.GROSS_FACTOR). */
  excluded: boolean
}

/**
 * FAIL needs corrected evidence and the margin; corrected evidence below the margin, or an
 * effect over the margin that is significant only before correction, is WARN; no evidence
 * is PASS only when the data rules out a regression, else INCONCLUSIVE.
 */
export function sequentialStatus (f: SequentialFacts): Status {
  if (f.evidence && f.marginMet) return 'FAIL'
  if (f.evidence) return 'WARN'
  if (f.suggestive && f.marginMet) return 'WARN'
  if (f.excluded) return 'PASS'
  return 'INCONCLUSIVE'
}
