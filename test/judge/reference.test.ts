/** The judge's statistics against SciPy (fixtures from scripts/reference/make_fixtures.py). */
import t from 'tap'
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import padjust from '@stdlib/stats-padjust'
import { mannWhitneyU, hodgesLehmann, kthPairwiseDifference, shiftInterval, type Alternative } from '../../src/judge/stats/mann-whitney.ts'
import { clopperPearson, upperBound, lowerBound } from '../../src/judge/stats/rate-ratio.ts'
import { holm } from '../../src/judge/stats/holm.ts'
import { incrementLogLR, type RateCounts } from '../../src/judge/stats/e-process.ts'
import { confidenceSequence } from '../../src/judge/stats/confidence-sequence.ts'
import { lgamma } from '../../bench/judge-rng.ts'
import { fixture, close } from './helpers.ts'

interface MwCase { name: string, x: number[], y: number[], results: Record<Alternative, { u: number, p: number }> }
t.test('Mann-Whitney U matches scipy mannwhitneyu(method=asymptotic) to 1e-9', async t => {
  for (const c of fixture<MwCase>('mann-whitney.json')) {
    for (const alt of ['two-sided', 'greater', 'less'] as const) {
      const r = mannWhitneyU(c.x, c.y, alt)
      t.ok(r !== null, c.name)
      if (r === null) continue
      t.ok(close(r.u, c.results[alt].u, 1e-12), `${c.name} ${alt} U ${r.u} vs ${c.results[alt].u}`)
      t.ok(close(r.p, c.results[alt].p, 1e-9, 1e-15), `${c.name} ${alt} p ${r.p} vs ${c.results[alt].p}`)
    }
  }
  t.equal(mannWhitneyU([], [1]), null, 'empty sample: no test')
})

interface HlCase {
  name: string
  x: number[]
  y: number[]
  median: number
  kth: Array<{ k: number, value: number }>
  moses98: { c: number, low: number, high: number } | null
}
t.test('Hodges-Lehmann and k-th pairwise differences match numpy on the full pair list', async t => {
  for (const c of fixture<HlCase>('hodges-lehmann.json')) {
    t.ok(close(hodgesLehmann(c.x, c.y), c.median, 1e-12), `${c.name} median`)
    for (const { k, value } of c.kth) t.ok(close(kthPairwiseDifference(c.x, c.y, k), value, 1e-12), `${c.name} k=${k}`)
    const ci = shiftInterval(c.x, c.y, 0.98)
    if (c.moses98 === null) t.same([ci?.low, ci?.high], [null, null], `${c.name} no 98% CI`)
    else t.ok(close(ci?.low ?? NaN, c.moses98.low, 1e-12) && close(ci?.high ?? NaN, c.moses98.high, 1e-12), `${c.name} Moses 98% CI`)
  }
  t.equal(hodgesLehmann([], [1]), null)
  t.ok(Number.isNaN(kthPairwiseDifference([1], [1], 2)), 'k out of range')
})

t.test('k-th pairwise difference agrees with brute force on random tied data', async t => {
  let seed = 1
  const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  for (let rep = 0; rep < 30; rep++) {
    const x = Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => Math.round(rnd() * 20) / 10)
    const y = Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => Math.round(rnd() * 20) / 10)
    const all = x.flatMap(a => y.map(b => a - b)).sort((a, b) => a - b)
    for (const k of [1, Math.ceil(all.length / 2), all.length, 1 + Math.floor(rnd() * all.length)]) {
      t.equal(kthPairwiseDifference(x, y, k), all[k - 1])
    }
  }
})

interface CpCase { x: number, n: number, low: number, high: number, upper975: number, lower975: number }
t.test('Clopper-Pearson bounds match scipy binomtest(...).proportion_ci(method=exact)', async t => {
  for (const c of fixture<CpCase>('clopper-pearson.json')) {
    const ci = clopperPearson(c.x, c.n)
    t.ok(close(ci.low, c.low, 1e-6) && close(ci.high, c.high, 1e-6), `${c.x}/${c.n}: ${ci.low}-${ci.high} vs ${c.low}-${c.high}`)
    t.ok(close(upperBound(c.x, c.n, 0.975), c.upper975, 1e-6), `${c.x}/${c.n} upper 97.5%`)
    t.ok(close(lowerBound(c.x, c.n, 0.975), c.lower975, 1e-6), `${c.x}/${c.n} lower 97.5%`)
  }
})

t.test('binomial CDF (throughput test) matches scipy binom.cdf, including n = 1e9', async t => {
  for (const c of fixture<{ k: number, n: number, p: number, cdf: number }>('binomial-cdf.json')) {
    t.ok(close(binomialCdf(c.k, c.n, c.p), c.cdf, 1e-6, 1e-300), `cdf(${c.k}; ${c.n}, ${c.p})`)
  }
})

t.test('Holm matches an independent implementation and @stdlib/stats-padjust', async t => {
  for (const c of fixture<{ p: number[], adjusted: number[] }>('holm.json')) {
    const got = holm(c.p)
    t.ok(got.every((v, i) => close(v, c.adjusted[i], 1e-12)), `holm(${c.p.length})`)
    const lib = padjust(c.p, 'holm')
    t.ok(got.every((v, i) => close(v, lib[i], 1e-12)), 'same as stdlib')
  }
  t.same(holm([]), [])
  t.same(holm([NaN, 0.01]), [1, 0.02], 'NaN counts as 1')
})

t.test('e-process increments equal scipy binom.logpmf differences', async t => {
  for (const c of fixture<{ counts: RateCounts, grid: number[], logLR: number[] }>('e-increments.json')) {
    const got = incrementLogLR(c.grid, c.counts)
    t.ok(got.every((v, i) => close(v, c.logLR[i], 1e-8, 1e-9)), `${JSON.stringify(c.counts)}: ${got.join(',')} vs ${c.logLR.join(',')}`)
  }
})

interface CsCase { steps: RateCounts[], alpha: number, grid: number[], weights: number[], low: number, high: number | null }
t.test('confidence sequence ends match an exact-binomial brentq solution in SciPy to 1e-6', async t => {
  for (const c of fixture<CsCase>('confidence-sequence.json')) {
    const got = confidenceSequence(c.steps, c.grid, c.weights, c.alpha)
    const name = JSON.stringify(c.steps[0]) + (c.steps.length > 1 ? ` and ${c.steps.length - 1} more looks` : '')
    t.ok(close(got.low, c.low, 1e-6, 1e-9), `${name}: low ${got.low} vs ${c.low}`)
    t.ok(c.high === null ? got.high === null : got.high !== null && close(got.high, c.high, 1e-6), `${name}: high ${got.high} vs ${c.high}`)
  }
})

t.test('bench lgamma matches scipy gammaln', async t => {
  for (const c of fixture<{ x: number, lgamma: number }>('lgamma.json')) t.ok(close(lgamma(c.x), c.lgamma, 1e-10, 1e-12), `lgamma(${c.x})`)
})
