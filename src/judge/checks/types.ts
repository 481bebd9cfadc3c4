/**
 * What every check sees and returns. A check decides: it returns a status, the numbers
 * of its metric result and the facts behind them; explain/ turns the facts into words.
 */
import type { MetricResult } from '../../schemas/result.ts'
import type { ResolvedThresholds } from '../../schemas/thresholds.ts'
import type { AppData } from '../input.ts'
import type { AppSides } from '../sides.ts'
import type { BaselineOutlier } from '../outliers.ts'

export interface CheckContext {
  app: string
  data: AppData
  sides: AppSides
  thresholds: ResolvedThresholds
  /** Family-wise alpha of the policy. */
  alpha: number
  /** Apps in this checkpoint (Bonferroni for checks outside the Holm family). */
  nApps: number
  /** Size of the Holm family (error-rate and latency tests of all apps). */
  nTests: number
  /** "PRDIIS09" or "2 new hosts". */
  canaryLabel: string
  /** "4 existing hosts". */
  baselineLabel: string
  /** Existing hosts left out of the error-rate baseline (outliers.ts), with this look's rates. */
  baselineOutliers?: BaselineOutlier[]
  /** Existing hosts left out of the latency baseline, with this look's slow shares. */
  latencyOutliers?: BaselineOutlier[]
  /** Length of a series bucket in minutes. */
  bucketMinutes: number
  /** False when coverage is NO_DATA: no other check may PASS. */
  canaryReports: boolean
}

/** A metric result without its sentence. */
export type Numbers = Omit<MetricResult, 'detail'>

/** A check's decision: the metric result's status and numbers, and the facts its sentence needs. */
export interface Finding<F> {
  result: Numbers
  facts: F
}

/** A metric result plus a few words for the recommendation's reasons ("error rate x3.1"). */
export interface CheckOutcome {
  result: MetricResult
  short: string
}

/** A finding with its words: detail and short placed into the result. */
export function outcome (numbers: Numbers, words: { detail: string, short: string }): CheckOutcome {
  return { result: { ...numbers, detail: words.detail }, short: words.short }
}
