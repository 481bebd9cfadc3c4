/**
 * Anytime-valid confidence sequences for a rate ratio λ (canary rate / baseline rate),
 * derived from the same mixture e-process that decides (e-process.ts).
 *
 * Testing λ = λ0 instead of λ = 1 only changes the canary's null share of an increment's
 * events from p(1) to p(λ0) = λ0·N_c / (λ0·N_c + N_b): the log likelihood ratio of the
 * alternative λ0·g is x_c·ln g − x·ln(1 + (g − 1)·p(λ0)). With the decision's grid g > 1
 * ("upper" alternatives) the mixture E_t(λ0) is large when λ0 is too small; with 1/g
 * ("lower" alternatives) when λ0 is too large. Each end of the sequence is where the
 * running maximum of its mixture crosses 1/α:
 *
 *   low_t  = inf { λ0 : max_{s<=t} E^upper_s(λ0) < 1/α }
 *   high_t = sup { λ0 : max_{s<=t} E^lower_s(λ0) < 1/α }
 *
 * By Ville's inequality each end holds at every look at once with probability >= 1 − α.
 * At λ0 = 1 the upper mixture is the decision's e-process, so a test that rejected
 * (p = 1/max E <= α) always shows a low end above 1, and the interval never contradicts
 * the p-value beside it. Taking the maximum over looks makes the sequence the running
 * intersection: once a value is out, it stays out.
 */
import type { RateCounts } from './e-process.ts'

export interface ConfidenceBounds {
  /** 0 when the data says nothing against small ratios. */
  low: number
  /** null when nothing bounds it (no baseline events). */
  high: number | null
}

/** Ratios searched; beyond these the data of a canary says nothing a person acts on. */
const MIN_RATIO = 1e-4
const MAX_RATIO = 1e4
/** Bisection steps in log space: 1e-4..1e4 to ~0.01% of the ratio. */
const STEPS = 42

/**
 * The confidence sequence of λ after the given disjoint increments (one per look, in
 * order), at level alpha for each end, with the e-process's grid (> 1) and weights.
 */
export function confidenceSequence (
  steps: readonly RateCounts[], grid: readonly number[], weights: readonly number[], alpha: number
): ConfidenceBounds {
  const bar = Math.log(1 / alpha)
  const usable = steps.filter(s => s.canaryN > 0 && s.baselineN > 0 && s.canaryX + s.baselineX > 0)
  if (usable.length === 0) return { low: 0, high: null }
  const up = grid.map(g => g)
  const down = grid.map(g => 1 / g)
  // Decreasing in λ0 (larger λ0 explains more canary events); increasing for the lower side.
  const upper = (lambda: number): number => maxLogE(usable, up, weights, lambda)
  const lower = (lambda: number): number => maxLogE(usable, down, weights, lambda)
  const low = upper(MIN_RATIO) < bar ? 0 : crossing(upper, bar, true)
  const high = lower(MAX_RATIO) < bar ? null : crossing(lower, bar, false)
  return { low, high }
}

/** The running intersection of two looks' bounds (the newer one may be wider). */
export function intersect (a: ConfidenceBounds | null | undefined, b: ConfidenceBounds): ConfidenceBounds {
  if (a === null || a === undefined) return b
  const high = a.high === null ? b.high : b.high === null ? a.high : Math.min(a.high, b.high)
  return { low: Math.max(a.low, b.low), high }
}

/** max over looks s of log E_s(λ0) for one side's alternatives λ0·m (m in multipliers). */
function maxLogE (steps: readonly RateCounts[], multipliers: readonly number[], weights: readonly number[], lambda: number): number {
  const logLR = multipliers.map(() => 0)
  let best = 0
  for (const s of steps) {
    const p = lambda * s.canaryN / (lambda * s.canaryN + s.baselineN)
    const x = s.canaryX + s.baselineX
    for (let k = 0; k < multipliers.length; k++) {
      const m = multipliers[k]
      logLR[k] += s.canaryX * Math.log(m) - x * Math.log1p((m - 1) * p)
    }
    best = Math.max(best, logMixture(weights, logLR))
  }
  return best
}

function logMixture (weights: readonly number[], logLR: readonly number[]): number {
  let top = -Infinity
  for (let k = 0; k < logLR.length; k++) if (weights[k] > 0 && logLR[k] > top) top = logLR[k]
  let sum = 0
  for (let k = 0; k < logLR.length; k++) if (weights[k] > 0) sum += weights[k] * Math.exp(logLR[k] - top)
  return top + Math.log(sum)
}

/** Where a monotone f crosses the bar, by bisection in log λ between MIN_RATIO and MAX_RATIO. */
function crossing (f: (lambda: number) => number, bar: number, decreasing: boolean): number {
  let lo = Math.log(MIN_RATIO)
  let hi = Math.log(MAX_RATIO)
  for (let i = 0; i < STEPS; i++) {
    const mid = (lo + hi) / 2
    const over = f(Math.exp(mid)) >= bar
    // For the low end: over the bar means mid is still excluded, so the bound is above it.
    if (over === decreasing) lo = mid
    else hi = mid
  }
  // The excluded side of the bracket: the reported interval is never narrower than the true one.
  return Math.exp(decreasing ? lo : hi)
}
