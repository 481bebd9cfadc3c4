/**
 * Holm's step-down adjustment: controls the family-wise error rate (here, the chance
 * that any app is called a regression when none is) under any dependence between tests.
 */

/**
 * Holm-adjusted p-values, in the input order: sort ascending, multiply the i-th smallest
 * (1-based) by m - i + 1, carry the running maximum, cap at 1. Reject test j at level α
 * iff adjusted[j] <= α. Non-finite inputs count as 1.
 */
export function holm (pValues: number[]): number[] {
  const m = pValues.length
  const p = pValues.map(v => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 1))
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b)
  const out = new Array<number>(m)
  let running = 0
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]))
    out[idx] = running
  })
  return out
}
