import t from 'tap'
import { percentiles, rankOf, select } from '../../src/sim/nrql/select.ts'
import { Rng } from '../../src/sim/rng.ts'

t.test('selection agrees with a full sort', async t => {
  const rng = new Rng([9, 8, 7, 6])
  for (const n of [1, 2, 3, 10, 17, 100, 601, 1000, 5000, 30_000]) {
    for (const kind of ['random', 'ties', 'sorted', 'reversed']) {
      const a = new Float64Array(n)
      for (let i = 0; i < n; i++) {
        a[i] = kind === 'random' ? rng.next() : kind === 'ties' ? Math.floor(rng.next() * 5) : kind === 'sorted' ? i : n - i
      }
      const sorted = Float64Array.from(a).sort()
      const ps = [0, 1, 50, 95, 99, 99.9, 100]
      t.same(percentiles(Float64Array.from(a), n, ps), ps.map(p => sorted[rankOf(p, n)]), `${kind} n=${n}`)
      const k = Math.floor(rng.next() * n)
      const b = Float64Array.from(a)
      select(b, 0, n - 1, k)
      let ok = b[k] === sorted[k]
      for (let i = 0; i < k && ok; i++) ok = b[i] <= b[k]
      for (let i = k + 1; i < n && ok; i++) ok = b[i] >= b[k]
      t.ok(ok, `${kind} n=${n}: partitioned around rank ${k}`)
    }
  }
  t.same(percentiles(new Float64Array(0), 0, [50]), [null])
})

t.test('nearest rank', async t => {
  t.equal(rankOf(95, 100), 94)
  t.equal(rankOf(50, 1), 0)
  t.equal(rankOf(0, 10), 0)
  t.equal(rankOf(100, 10), 9)
})
