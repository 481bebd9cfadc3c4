/**
 * Anytime-valid one-sided test that the canary's rate of some event (errors, slow
 * transactions) is higher than the baseline's, continued across hourly looks.
 *
 * Model (comparison of two Poisson rates): given an increment's total events X, the
 * canary's share X_c ~ Binomial(X, p(λ)) with p(λ) = λN_c / (λN_c + N_b), where λ is the
 * canary/baseline rate ratio. The null is λ <= 1. For each λ_k on a fixed grid the
 * likelihood ratio p(λ_k) vs p(1) is a test supermartingale under the null (it is
 * increasing in the true p, and exactly a martingale at λ = 1), and products over
 * disjoint increments stay one. A mixture over the grid is still one, so by Ville's
 * inequality P(sup_t E_t >= 1/α) <= α however often we look. The anytime p-value is
 * min(1, 1 / max_t E_t).
 *
 * Conditioning on X makes the test exact for Poisson counts; for binomial counts
 * (errors out of transactions) it approximates the hypergeometric and is conservative
 * when rates are not small.
 */

/** Cumulative (or incremental) counts of one rate comparison. */
export interface RateCounts {
  canaryN: number
  canaryX: number
  baselineN: number
  baselineX: number
}

/** Serialisable state of one e-process, kept between checkpoints. */
export interface EProcessState {
  /** Alternatives λ_k (rate ratios > 1). Stored so a code change cannot mix grids. */
  grid: number[]
  /** Prior weights of the alternatives (sum 1). */
  weights: number[]
  /** Σ over increments of log LR(λ_k). */
  logLR: number[]
  /** Running maximum of log E_t over looks (0 = E of 1 at the start). */
  maxLogE: number
  /** Cumulative counts at the last look the process was updated with. */
  last: RateCounts | null
  /**
   * The increments used, one per look that carried events: what the confidence sequence
   * (confidence-sequence.ts) is computed from. Absent in evidence stored before it existed.
   */
  steps?: RateCounts[]
}

/**
 * Default alternatives and weights. The grid starts at the smallest ratio we would act on
 * (the 1.25 margin: evidence for smaller effects could only ever WARN) and runs to gross
 * breakage; most mass sits on 1.5-3, where hourly looks at moderate traffic can find a
 * regression within a few looks, and some on 5-20, which is all that low-traffic apps can
 * show. A discrete prior keeps the state a short vector of log LRs that each look extends
 * exactly, even though every increment has its own p0 (a conjugate mixture would not).
 * Compared with a flat grid over 1.1-10 this gains 2-5 points of power at moderate traffic
 * (bench/judge.md).
 */
export const DEFAULT_GRID = [1.25, 1.5, 1.75, 2, 2.5, 3, 5, 10, 20]
export const DEFAULT_WEIGHTS = normalise([0.1, 0.15, 0.15, 0.15, 0.15, 0.1, 0.08, 0.07, 0.05])

/** A fresh e-process (E = 1). */
export function newEProcess (grid: number[] = DEFAULT_GRID, weights: number[] = DEFAULT_WEIGHTS): EProcessState {
  return { grid: [...grid], weights: [...weights], logLR: grid.map(() => 0), maxLogE: 0, last: null, steps: [] }
}

/**
 * log LR(λ) of one increment for each λ on the grid: x_c·ln λ − X·ln(1 + (λ−1)·p0).
 * An increment without traffic on either side or without events carries no information (0).
 */
export function incrementLogLR (grid: number[], inc: RateCounts): number[] {
  const n = inc.canaryN + inc.baselineN
  const x = inc.canaryX + inc.baselineX
  if (inc.canaryN <= 0 || inc.baselineN <= 0 || x <= 0) return grid.map(() => 0)
  const p0 = inc.canaryN / n
  return grid.map(lambda => inc.canaryX * Math.log(lambda) - x * Math.log1p((lambda - 1) * p0))
}

/** log Σ_k w_k exp(l_k), without overflow. */
export function logMixture (weights: number[], logLR: number[]): number {
  let top = -Infinity
  for (let k = 0; k < logLR.length; k++) if (weights[k] > 0 && logLR[k] > top) top = logLR[k]
  if (top === -Infinity) return -Infinity
  let sum = 0
  for (let k = 0; k < logLR.length; k++) if (weights[k] > 0) sum += weights[k] * Math.exp(logLR[k] - top)
  return top + Math.log(sum)
}

/** Result of feeding one look into an e-process. */
export interface EProcessUpdate {
  state: EProcessState
  /** log E_t after this look. */
  logE: number
  /** The increment that was used (zeros when the counts went backwards). */
  increment: RateCounts
}

/**
 * Continues the e-process with the increment from the last look's cumulative counts to
 * these cumulative counts. Counts that went backwards (data revised or hosts dropped out
 * of the facet) give no evidence for this look; the new counts become the reference so the
 * next increment is again disjoint from what was used.
 */
export function updateEProcess (prev: EProcessState, cumulative: RateCounts): EProcessUpdate {
  const cur = sanitize(cumulative)
  const last = prev.last ?? { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
  let increment: RateCounts = {
    canaryN: cur.canaryN - last.canaryN,
    canaryX: cur.canaryX - last.canaryX,
    baselineN: cur.baselineN - last.baselineN,
    baselineX: cur.baselineX - last.baselineX
  }
  const backwards = increment.canaryN < 0 || increment.canaryX < 0 || increment.baselineN < 0 || increment.baselineX < 0 ||
    increment.canaryX > increment.canaryN || increment.baselineX > increment.baselineN
  if (backwards) increment = { canaryN: 0, canaryX: 0, baselineN: 0, baselineX: 0 }
  const inc = incrementLogLR(prev.grid, increment)
  const logLR = prev.logLR.map((l, k) => l + inc[k])
  const logE = logMixture(prev.weights, logLR)
  // Evidence kept before steps existed: its cumulative counts so far stand for one step.
  const before = prev.steps ?? (prev.last === null ? [] : [prev.last])
  const steps = increment.canaryX + increment.baselineX > 0 ? [...before, increment] : before
  const state: EProcessState = { grid: prev.grid, weights: prev.weights, logLR, maxLogE: Math.max(prev.maxLogE, logE), last: cur, steps }
  return { state, logE, increment }
}

/** Anytime-valid p-value of an e-process: min(1, 1 / max_t E_t). */
export function anytimeP (state: EProcessState): number {
  return Math.min(1, Math.exp(-state.maxLogE))
}

/** Non-negative finite integers, events capped at transactions: bad input must not poison the state. */
function sanitize (c: RateCounts): RateCounts {
  const clean = (v: number): number => (Number.isFinite(v) && v > 0 ? Math.round(v) : 0)
  const canaryN = clean(c.canaryN)
  const baselineN = clean(c.baselineN)
  return { canaryN, canaryX: Math.min(clean(c.canaryX), canaryN), baselineN, baselineX: Math.min(clean(c.baselineX), baselineN) }
}

function normalise (w: number[]): number[] {
  const s = w.reduce((a, b) => a + b, 0)
  return w.map(v => v / s)
}
