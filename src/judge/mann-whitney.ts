/**
 * Mann-Whitney U test (normal approximation with tie correction and continuity
 * correction, as SciPy's `mannwhitneyu(method='asymptotic')`) and the Hodges-Lehmann
 * shift estimate with its distribution-free (Moses) confidence interval.
 * Written for per-minute series: thousands of points, so no O(n·m) pair lists.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'

export type Alternative = 'two-sided' | 'greater' | 'less'

export interface MannWhitneyResult {
  /** U statistic of the first sample (SciPy's returned statistic). */
  u: number
  /** Normal deviate after tie and continuity correction (0 when all values tie). */
  z: number
  p: number
  n1: number
  n2: number
}

/**
 * Mann-Whitney U of x against y. `greater` means x tends to be larger than y.
 * Null when either sample is empty; p = 1 when every value ties (no information).
 */
export function mannWhitneyU (x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided', continuity = true): MannWhitneyResult | null {
  const n1 = x.length
  const n2 = y.length
  if (n1 === 0 || n2 === 0) return null
  const n = n1 + n2
  // Sort each sample (typed, numeric) and merge: mid-ranks and tie groups in O(n log n).
  const xs = sorted(x)
  const ys = sorted(y)
  let r1 = 0
  let tieTerm = 0
  let i = 0
  let j = 0
  let seen = 0
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && xs[i] <= ys[j]) ? xs[i] : ys[j]
    let a = 0
    let b = 0
    while (i < n1 && xs[i] === v) { i++; a++ }
    while (j < n2 && ys[j] === v) { j++; b++ }
    const t = a + b
    r1 += a * (seen + (t + 1) / 2)
    if (t > 1) tieTerm += t * t * t - t
    seen += t
  }
  const u1 = r1 - n1 * (n1 + 1) / 2
  const u2 = n1 * n2 - u1
  const mu = n1 * n2 / 2
  const s = Math.sqrt(n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))))
  const u = alternative === 'two-sided' ? Math.max(u1, u2) : alternative === 'greater' ? u1 : u2
  const cc = continuity ? 0.5 : 0
  if (!(s > 0)) return { u: u1, z: 0, p: 1, n1, n2 }
  const z = (u - mu - cc) / s
  const sf = 1 - normalCdf(z, 0, 1)
  const p = Math.min(1, alternative === 'two-sided' ? 2 * sf : sf)
  return { u: u1, z, p, n1, n2 }
}

/** Sorted copy as Float64Array. */
function sorted (v: readonly number[]): Float64Array {
  return Float64Array.from(v).sort()
}

/** Number of pairs (i, j) with x_i - y_j <= d; x and y sorted ascending. O(n + m). */
function countAtMost (x: Float64Array, y: Float64Array, d: number): number {
  // For each x_i, skip the y_j with x_i - y_j > d; as x_i grows the cut moves right.
  // The same rounded subtraction as the listing in kthPairwiseDifference keeps counts consistent.
  let j = 0
  let count = 0
  for (let i = 0; i < x.length; i++) {
    while (j < y.length && x[i] - y[j] > d) j++
    count += y.length - j
  }
  return count
}

/**
 * The k-th smallest (1-based) of the n·m differences x_i - y_j, exactly, without listing
 * them all: bisect on the value, counting pairs in O(n + m), until few enough differences
 * remain in the bracket to list and sort.
 */
export function kthPairwiseDifference (xs: readonly number[] | Float64Array, ys: readonly number[] | Float64Array, k: number): number {
  const x = xs instanceof Float64Array ? xs : sorted(xs)
  const y = ys instanceof Float64Array ? ys : sorted(ys)
  const n = x.length
  const m = y.length
  const total = n * m
  if (total === 0 || !(k >= 1 && k <= total)) return NaN
  const minD = x[0] - y[m - 1]
  let hi = x[n - 1] - y[0]
  let lo = minD - Math.max(1, hi - minD)
  let countLo = 0
  let countHi = total
  const few = Math.max(1024, n + m)
  // Invariant: countLo = #(d <= lo) < k <= countHi = #(d <= hi).
  for (;;) {
    if (countHi - countLo <= few) break
    const mid = lo + (hi - lo) / 2
    if (!(mid > lo && mid < hi)) return hi // adjacent doubles: only hi is left in (lo, hi]
    const c = countAtMost(x, y, mid)
    if (c >= k) { hi = mid; countHi = c } else { lo = mid; countLo = c }
  }
  // List the differences in (lo, hi]: for each x_i, the y_j in [x_i - hi, x_i - lo).
  const out = new Float64Array(countHi - countLo)
  let filled = 0
  let jStart = 0
  let jEnd = 0
  for (let i = 0; i < n; i++) {
    while (jStart < m && x[i] - y[jStart] > hi) jStart++
    if (jEnd < jStart) jEnd = jStart
    while (jEnd < m && x[i] - y[jEnd] > lo) jEnd++
    for (let jj = jStart; jj < jEnd && filled < out.length; jj++) out[filled++] = x[i] - y[jj]
  }
  const listed = out.subarray(0, filled).sort()
  return listed[Math.min(filled - 1, k - countLo - 1)]
}

/** Hodges-Lehmann estimate of the shift of x relative to y: median of x_i - y_j. */
export function hodgesLehmann (xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length === 0 || ys.length === 0) return null
  const x = sorted(xs)
  const y = sorted(ys)
  const total = x.length * y.length
  if (total % 2 === 1) return kthPairwiseDifference(x, y, (total + 1) / 2)
  return (kthPairwiseDifference(x, y, total / 2) + kthPairwiseDifference(x, y, total / 2 + 1)) / 2
}

/**
 * Hodges-Lehmann estimate with the Moses distribution-free CI at `conf` (two-sided): the
 * C-th smallest and C-th largest differences, C from the normal approximation of U's null
 * distribution. Bounds are null when the samples are too small for that confidence.
 */
export function shiftInterval (xs: readonly number[], ys: readonly number[], conf: number): { estimate: number, low: number | null, high: number | null } | null {
  if (xs.length === 0 || ys.length === 0) return null
  const x = sorted(xs)
  const y = sorted(ys)
  const n1 = x.length
  const n2 = y.length
  const total = n1 * n2
  const estimate = total % 2 === 1
    ? kthPairwiseDifference(x, y, (total + 1) / 2)
    : (kthPairwiseDifference(x, y, total / 2) + kthPairwiseDifference(x, y, total / 2 + 1)) / 2
  const zq = normalQuantile(1 - (1 - conf) / 2, 0, 1)
  const c = Math.floor(total / 2 - zq * Math.sqrt(total * (n1 + n2 + 1) / 12))
  if (c < 1) return { estimate, low: null, high: null }
  return { estimate, low: kthPairwiseDifference(x, y, c), high: kthPairwiseDifference(x, y, total - c + 1) }
}
