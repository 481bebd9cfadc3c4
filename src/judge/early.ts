/**
 * Early decisions (policy.earlyDecision): whether this look may already be the decision.
 *
 * NO_GO comes as soon as a critical app's error-rate or latency FAIL stands. Those FAILs
 * rest on Holm-adjusted anytime-valid p-values and are sticky (checks/sticky.ts), so the
 * scheduled decision would be NO_GO too: deciding early changes when, not what, and the
 * false NO_GO rate is the one of the fixed-time decision.
 *
 * GO comes once every app PASSes every check and each of its error-rate and latency tests
 * (pooled and per new host) is bounded under the margin itself, not under the gross ratio a
 * PASS needs. The bound is the anytime-valid confidence sequence of the ratio, which holds
 * at every look at once, so stopping on it keeps P(a regressed app is called settled) <= alpha
 * whenever the rollout stops; or, for rare events where no ratio can be bounded, a fixed-sample
 * bound on the absolute difference at alpha / looks (Bonferroni over the rollout's planned
 * looks: valid whichever look stops). Latency is bounded on the slow-share ratio against the
 * p95 margin: for lognormal durations with sigma up to ~2 a p95 moved by the margin moves the
 * slow share by more, so the bound is conservative.
 */
import type { Recommendation } from '../schemas/common.ts'
import type { ResolvedPolicy, ResolvedThresholds } from '../schemas/thresholds.ts'
import type { RateMeasure } from './checks/sequential.ts'
import type { Measured } from './measure.ts'
import { compareRates } from './stats/rate-ratio.ts'
import type { JudgedApp } from './verdict.ts'

/** Slow-share excess too small to matter whatever the ratio (as in checks/latency.ts). */
const SLOW_SHARE_MIN_ABS_DIFF = 0.005

export interface EarlyCall {
  recommendation: Extract<Recommendation, 'GO' | 'NO_GO'>
  /** Why the look decides, in a sentence that goes first in the decision's reasons. */
  reason: string
  /** The apps it rests on: the critical FAILs for a NO_GO, every app for a GO. */
  apps: string[]
}

/** One app as the early rule sees it. */
export interface EarlyApp {
  app: string
  critical: boolean
  /** The app's error-rate or latency FAIL (sticky: it stands for the rest of the rollout). */
  standingFail: boolean
  /** Every check PASS and every ratio bounded under its margin. */
  settled: boolean
}

/** Each test bounded under its margin: pooled, and each new host's own. */
export function settledApp (m: Measured, app: JudgedApp, thresholds: ResolvedThresholds, alpha: number, looks: number): boolean {
  if (app.result.verdict !== 'PASS' || app.result.metrics.some(x => x.status !== 'PASS')) return false
  const errorMargin = thresholds.errorRate
  const latencyMargin = { ratio: thresholds.latency.ratio, minAbsDiff: SLOW_SHARE_MIN_ABS_DIFF }
  const tests: Array<[RateMeasure | null, { ratio: number, minAbsDiff: number }]> = [
    [m.errors, errorMargin],
    [m.latency, latencyMargin],
    ...m.hosts.flatMap(h => [[h.errors, errorMargin], [h.latency, latencyMargin]] as Array<[RateMeasure, typeof errorMargin]>)
  ]
  return tests.every(([measure, margin]) => measure !== null && bounded(measure, margin, alpha, looks))
}

function bounded (m: RateMeasure, margin: { ratio: number, minAbsDiff: number }, alpha: number, looks: number): boolean {
  if (m.cs.high !== null && m.cs.high < margin.ratio) return true
  if (m.counts === null) return false
  const upper = compareRates(m.counts, 1 - alpha / Math.max(1, looks)).absDiffUpper
  return upper !== null && upper < margin.minAbsDiff
}

/** The early call of this look, or null when it must wait for the scheduled decision. */
export function earlyCall (apps: EarlyApp[], recommendation: Recommendation, policy: ResolvedPolicy): EarlyCall | null {
  if (!policy.earlyDecision || apps.length === 0) return null
  const failing = apps.filter(a => a.critical && a.standingFail)
  if (failing.length > 0 && policy.noGoOn.includes('FAIL')) {
    const names = failing.map(a => a.app)
    const reason = `decided early: the FAIL of critical ${plural(names, 'app')} ${names.join(', ')} stands`
    return { recommendation: 'NO_GO', reason, apps: names }
  }
  if (recommendation === 'GO' && apps.every(a => a.settled)) {
    return {
      recommendation: 'GO',
      reason: `decided early: ${apps.length === 1 ? 'the app passes' : `all ${apps.length} apps pass`} ` +
        'with every confidence bound under its margins',
      apps: apps.map(a => a.app)
    }
  }
  return null
}

function plural (names: string[], word: string): string {
  return names.length === 1 ? word : `${word}s`
}
