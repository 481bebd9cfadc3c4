/**
 * Mann-Whitney U test (normal approximation with tie correction and continuity
 * correction, as SciPy's `mannwhitneyu(method='asymptotic')`) and the Hodges-Lehmann
 * shift estimate with its distribution-free (Moses) confidence interval.
 * Written for per-minute series: thousands of points, so no O(n·m) pair lists.
 *
 * Over 200 lines: the U test, the Hodges-Lehmann median and its Moses interval need the same selection of pairwise differences,
 * which is written once here.
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
export function mannWhitneyU (
  x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided', continuity = true
): MannWhitneyResult | null {
  return mannWhitneySorted(sorted(x), sorted(y), alternative, continuity)
}

/** mannWhitneyU on samples already sorted ascending (saves the sort when the caller has one). */
export function mannWhitneySorted (
  xs: Float64Array, ys: Float64Array, alternative: Alternative = 'two-sided', continuity = true
): MannWhitneyResult | null {
  const n1 = xs.length
  const n2 = ys.length
  if (n1 === 0 || n2 === 0) return null
  const n = n1 + n2
  // Merge the sorted samples: mid-ranks and tie groups in one pass.
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
export function sorted (v: readonly number[]): Float64Array {
  return Float64Array.from(v).sort()
}

/** Largest difference <= d seen by the last countAtMost call (-Infinity if none). */
let lastMax = -Infinity

/** Number of pairs (i, j) with x_i - y_j <= d (strict: < d); x and y sorted ascending. O(n + m). */
function countAtMost (x: Float64Array, y: Float64Array, d: number, strict = false): number {
  // For each x_i, skip the y_j with x_i - y_j > d; as x_i grows the cut moves right.
  // The same rounded subtraction as the listing in orderStatistics keeps counts consistent.
  let j = 0
  let count = 0
  let best = -Infinity
  for (let i = 0; i < x.length; i++) {
    if (strict) while (j < y.length && x[i] - y[j] >= d) j++
    else while (j < y.length && x[i] - y[j] > d) j++
    if (j < y.length) {
      count += y.length - j
      const diff = x[i] - y[j]
      if (diff > best) best = diff
    }
  }
  lastMax = best
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
  return orderStatistics(x, y, k, 1)[0]
}

/**
 * The k-th .. (k+count-1)-th smallest pairwise differences of sorted x and y (NaN outside
 * 1..n·m). The first bracket is centred on median(x) - median(y), where the Hodges-Lehmann
 * estimate lies, and widened until it holds the wanted ranks; then bisection narrows it.
 */
export function orderStatistics (x: Float64Array, y: Float64Array, k: number, count: number): number[] {
  const n = x.length
  const m = y.length
  const total = n * m
  const kLast = k + count - 1
  if (total === 0 || !(k >= 1 && kLast <= total)) return new Array<number>(count).fill(NaN)
  const minD = x[0] - y[m - 1]
  const maxD = x[n - 1] - y[0]
  // Invariant: countLo = #(d <= lo) < k and kLast <= countHi = #(d <= hi).
  let lo = minD - Math.max(1, maxD - minD)
  let hi = maxD
  let countLo = 0
  let countHi = total
  const guess = x[n >> 1] - y[m >> 1]
  let width = Math.max((maxD - minD) / Math.sqrt(n + m), Number.MIN_VALUE)
  for (let tries = 0; tries < 6 && width < maxD - minD; tries++, width *= 4) {
    const a = guess - width
    const b = guess + width
    const ca = a > lo ? countAtMost(x, y, a) : countLo
    const cb = b < hi ? countAtMost(x, y, b) : countHi
    const bMax = lastMax
    if (ca < k && a > lo) { lo = a; countLo = ca }
    if (cb >= kLast && b < hi) { hi = bMax; countHi = cb }
    if (ca < k && cb >= kLast) break
  }
  const few = Math.max(1024, n + m)
  // hi is always an actual difference, so a block of ties (per-minute error % are mostly 0)
  // ends the search at once instead of bisecting down to adjacent doubles.
  while (countHi - countLo > few) {
    if (countAtMost(x, y, hi, true) < k) return new Array<number>(count).fill(hi)
    const mid = lo + (hi - lo) / 2
    if (!(mid > lo && mid < hi)) return new Array<number>(count).fill(hi)
    const c = countAtMost(x, y, mid)
    if (c >= kLast) { hi = lastMax; countHi = c } else if (c < k) { lo = mid; countLo = c } else {
      // mid separates the wanted ranks: find each on its own.
      return Array.from({ length: count }, (_, i) => orderStatistics(x, y, k + i, 1)[0])
    }
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
  const listed = out.subarray(0, filled)
  return Array.from({ length: count }, (_, i) => select(listed, Math.min(filled - 1, k + i - countLo - 1)))
}

/**
 * The r-th smallest (0-based) of a, reordering a in place (Hoare's quickselect, median of
 * three): linear on average, where sorting the listed differences was the judge's hot spot.
 */
function select (a: Float64Array, r: number): number {
  let left = 0
  let right = a.length - 1
  while (right > left) {
    const mid = (left + right) >> 1
    // Median of three as pivot guards against sorted input.
    if (a[mid] < a[left]) swap(a, mid, left)
    if (a[right] < a[left]) swap(a, right, left)
    if (a[right] < a[mid]) swap(a, right, mid)
    const pivot = a[mid]
    let i = left
    let j = right
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) { swap(a, i, j); i++; j-- }
    }
    if (r <= j) right = j
    else if (r >= i) left = i
    else return a[r]
  }
  return a[r]
}

function swap (a: Float64Array, i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}

/** Hodges-Lehmann estimate of the shift of x relative to y: median of x_i - y_j. */
export function hodgesLehmann (xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length === 0 || ys.length === 0) return null
  return hodgesLehmannSorted(sorted(xs), sorted(ys))
}

/** hodgesLehmann on samples already sorted ascending. */
export function hodgesLehmannSorted (x: Float64Array, y: Float64Array): number | null {
  const total = x.length * y.length
  if (total === 0) return null
  if (total % 2 === 1) return orderStatistics(x, y, (total + 1) / 2, 1)[0]
  const [a, b] = orderStatistics(x, y, total / 2, 2)
  return (a + b) / 2
}

/**
 * Hodges-Lehmann estimate with the Moses distribution-free CI at `conf` (two-sided): the
 * C-th smallest and C-th largest differences, C from the normal approximation of U's null
 * distribution. Bounds are null when the samples are too small for that confidence.
 */
export function shiftInterval (
  xs: readonly number[], ys: readonly number[], conf: number
): { estimate: number, low: number | null, high: number | null } | null {
  if (xs.length === 0 || ys.length === 0) return null
  const x = sorted(xs)
  const y = sorted(ys)
  const n1 = x.length
  const n2 = y.length
  const total = n1 * n2
  const estimate = hodgesLehmannSorted(x, y) as number
  const zq = normalQuantile(1 - (1 - conf) / 2, 0, 1)
  const c = Math.floor(total / 2 - zq * Math.sqrt(total * (n1 + n2 + 1) / 12))
  if (c < 1) return { estimate, low: null, high: null }
  return { estimate, low: kthPairwiseDifference(x, y, c), high: kthPairwiseDifference(x, y, total - c + 1) }
}
