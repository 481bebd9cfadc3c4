/**
 * Fixed choices of the judge that are not per-rollout thresholds. Each says why.
 */

/**
 * "Too little traffic to tell" must not swallow every mid-traffic app for hours. An app
 * PASSes when, with no evidence of a regression, its 95% upper bound on the ratio is below
 * 1 + GROSS_FACTOR·(margin − 1) (x1.75 for the 1.25 error-rate margin, x1.30 for the 1.10
 * latency margin), i.e. the data rules out a regression three times the margin's size, or
 * (errors) the absolute difference is bounded below minAbsDiff. Requiring the margin itself
 * (factor 1) would keep a 200 rpm app at 1% errors INCONCLUSIVE for ~5 hours; with 3 it is
 * decided after the first hour. Smaller regressions are still caught by the e-process.
 */
export const GROSS_FACTOR = 3

/** Confidence of the intervals shown to people and used for "too little traffic to tell". */
export const CI_LEVEL = 0.95

/**
 * Mann-Whitney on per-bucket p95s is a second opinion: repeated hourly and not
 * anytime-valid, so it may only WARN, and only when it is far beyond chance and the
 * shift is over the latency margin.
 */
export const MW_WARN_P = 0.001

/** Order of severity for the app verdict (first = worst); see verdict.ts for why. */
export const SEVERITY = ['NO_DATA', 'FAIL', 'WARN', 'INCONCLUSIVE', 'PASS'] as const

/** Ratio above which the data should be able to rule out a regression (see GROSS_FACTOR). */
export function grossRatio (margin: number): number {
  return 1 + GROSS_FACTOR * (margin - 1)
}
