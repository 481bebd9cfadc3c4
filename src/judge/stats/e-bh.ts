/**
 * e-BH (Wang & Ramdas 2022): Benjamini-Hochberg on e-values. With e-values e_1..e_m, the k
 * largest are selected where k is the largest index with e_(k) >= m / (q k). The false
 * discovery rate stays at most q under any dependence between the tests, which matters
 * here: the tests of one app share its traffic, and an app's tests share the hour.
 */
export function eBenjaminiHochberg (e: readonly number[], q: number): boolean[] {
  const m = e.length
  const order = e.map((v, i) => ({ v: Number.isFinite(v) && v > 0 ? v : (v === Infinity ? Infinity : 0), i })).sort((a, b) => b.v - a.v)
  let k = 0
  for (let r = 1; r <= m; r++) if (order[r - 1].v >= m / (q * r)) k = r
  const selected = e.map(() => false)
  for (let r = 0; r < k; r++) selected[order[r].i] = true
  return selected
}
