/** Exact percentiles by selection (Hoare quickselect), no full sort. */

/** Rearranges a[left..right] so that a[k] holds the value of rank k. */
export function quickselect (a: Float64Array, left: number, right: number, k: number): void {
  while (right - left > 16) {
    const mid = (left + right) >>> 1
    // Median of three keeps sorted or constant runs from going quadratic.
    if (a[mid] < a[left]) swap(a, mid, left)
    if (a[right] < a[left]) swap(a, right, left)
    if (a[right] < a[mid]) swap(a, right, mid)
    const pivot = a[mid]
    let i = left
    let j = right
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        swap(a, i, j)
        i++
        j--
      }
    }
    if (k <= j) right = j
    else if (k >= i) left = i
    else return
  }
  // Short ranges: insertion sort beats partitioning.
  for (let i = left + 1; i <= right; i++) {
    const v = a[i]
    let j = i - 1
    while (j >= left && a[j] > v) {
      a[j + 1] = a[j]
      j--
    }
    a[j + 1] = v
  }
}

function swap (a: Float64Array, i: number, j: number): void {
  const t = a[i]
  a[i] = a[j]
  a[j] = t
}

/** Nearest-rank index of percentile p (0..100) among n sorted values. */
export function rankOf (p: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil(p / 100 * n) - 1))
}

/**
 * Nearest-rank percentiles of a[0..n) (the array is reordered). Returns the
 * values in the order of `ps`.
 */
export function percentiles (a: Float64Array, n: number, ps: number[]): Array<number | null> {
  if (n === 0) return ps.map(() => null)
  if (ps.length === 1) {
    const k = rankOf(ps[0], n)
    quickselect(a, 0, n - 1, k)
    return [a[k]]
  }
  const order = ps.map((p, idx) => ({ idx, k: rankOf(p, n) })).sort((x, y) => x.k - y.k)
  const out: Array<number | null> = new Array(ps.length)
  let left = 0
  for (const { idx, k } of order) {
    // Everything left of a selected rank is <= it, so later ranks search only to its right.
    quickselect(a, left, n - 1, k)
    out[idx] = a[k]
    left = k
  }
  return out
}
