/** A bad existing host must not hide a canary regression (outliers.ts). */
import t from 'tap'
import { judge } from '../../src/judge/index.ts'
import { baselineOutliers } from '../../src/judge/outliers.ts'
import type { AppData, HostStats } from '../../src/judge/input.ts'
import { appData, baselineName, checkpoint } from './helpers.ts'
import { Rng } from '../../bench/judge-rng.ts'

const isBaseline = (h: string): boolean => h !== 'PRDIIS09'
const host = (name: string, count: number, errors: number): HostStats => ({ host: name, count, errors, durationAvgS: 0.2 })

t.test('an existing host far above the others is an outlier; noise, few errors and small pools are not', async t => {
  const pool = [host('PRDIIS01', 10_000, 100), host('PRDIIS02', 10_000, 95), host('PRDIIS03', 10_000, 600), host('PRDIIS04', 10_000, 105)]
  const found = baselineOutliers(pool, isBaseline)
  t.same(found.map(o => o.host), ['PRDIIS03'])
  t.ok(Math.abs(found[0].restRate - 0.01) < 1e-9)
  t.same(baselineOutliers([host('A', 60, 1), host('B', 60, 0), host('C', 60, 0), host('D', 60, 0)], () => true), [],
    'one error is never proof')
  t.same(baselineOutliers([host('A', 10_000, 600), host('B', 10_000, 100)], () => true), [], 'two hosts: no majority to compare with')
  t.same(baselineOutliers([host('A', 10_000, 140), host('B', 10_000, 100), host('C', 10_000, 100)], () => true), [],
    'x1.4 is within OUTLIER_RATIO')
  const three = [host('A', 10_000, 900), host('B', 10_000, 800), host('C', 10_000, 100), host('D', 10_000, 100), host('E', 10_000, 100)]
  t.same(baselineOutliers(three, () => true).map(o => o.host), ['A', 'B'], 'a minority of two out of five')
})

t.test('a host already an outlier before the rollout is left out at the first look, unless the window contradicts it', async t => {
  // An hour of a 200 rpm app: x4 on PRDIIS03 (24 errors against ~6) is not yet proof on its own.
  const window = [host('PRDIIS01', 3000, 6), host('PRDIIS02', 3000, 7), host('PRDIIS03', 3000, 24), host('PRDIIS04', 3000, 5)]
  t.same(baselineOutliers(window, isBaseline), [], 'the window alone does not prove it')
  // Six hours before the rollout, just as sick.
  const pre = [host('PRDIIS01', 18_000, 36), host('PRDIIS02', 18_000, 40), host('PRDIIS03', 18_000, 150), host('PRDIIS04', 18_000, 35)]
  const found = baselineOutliers(window, isBaseline, pre)
  t.same(found.map(o => o.host), ['PRDIIS03'], 'the pre-window proves it; the window agrees')
  t.ok(Math.abs(found[0].rate - 24 / 3000) < 1e-12, 'the rate shown is the window\'s')
  const recovered = window.map(h => h.host === 'PRDIIS03' ? { ...h, errors: 7 } : h)
  t.same(baselineOutliers(recovered, isBaseline, pre), [], 'recovered in the window: not left out on its past')
  const gone = window.filter(h => h.host !== 'PRDIIS03')
  t.same(baselineOutliers(gone, isBaseline, pre), [], 'not serving in the window: nothing to leave out')
  // Three of five hosts bad before and during the rollout: at most two (a minority) are left out.
  const three = ['A', 'B', 'C'].map(n => host(n, 3000, 60))
  const preThree = ['A', 'B', 'C'].map(n => host(n, 18_000, 500))
  const five = [...three, host('D', 3000, 6), host('E', 3000, 6)]
  const preFive = [...preThree, host('D', 18_000, 36), host('E', 18_000, 36)]
  t.equal(baselineOutliers(five, () => true, preFive).length, 2, 'still at most a minority of the pool (two of five)')
})

t.test('equal hosts are almost never called outliers (2,000 seeded pools)', async t => {
  const rng = new Rng(42)
  let flagged = 0
  for (let i = 0; i < 2000; i++) {
    const rpm = 5 + rng.next() * 3000
    const rate = 0.001 + rng.next() * 0.05
    const hosts = Array.from({ length: 4 }, (_, k) => {
      const n = rng.poisson(rpm * 60 * 6 / 4)
      return host(`H${k}`, n, rng.binomial(n, rate))
    })
    if (baselineOutliers(hosts, () => true).length > 0) flagged++
  }
  t.ok(flagged <= 2, `${flagged} of 2,000 clean pools had an outlier`)
})

function masked (canaryErrors: number): AppData {
  const data = appData({ app: 'App', canary: { count: 10_000, errors: canaryErrors }, baseline: { count: 40_000, errors: 900 } })
  // PRDIIS03 carries 600 of the baseline's 900 errors: 6% against 1% on the others.
  data.window.hosts = data.window.hosts.map(h => h.host === baselineName(2)
    ? { ...h, errors: 600 }
    : h.host === 'PRDIIS09' ? h : { ...h, errors: 100 })
  data.window.baseline = { ...data.window.baseline }
  return data
}

t.test('a canary regression hidden by a bad existing host FAILs against the others, saying which host was left out', async t => {
  const out = judge({ data: checkpoint([masked(160)]), apps: [{ name: 'App' }], asOf: 0 })
  const m = out.result.apps[0].metrics.find(x => x.metric === 'errorRate')
  t.equal(m?.status, 'FAIL', m?.detail ?? '')
  t.match(m?.detail, /^error rate 1\.6% on PRDIIS09 vs 1\.0% on 3 existing hosts \(x1\.60, 95% CS 1\.\d\d-2\.\d\d, p<0\.001\)/)
  t.match(m?.detail, /; PRDIIS03 left out of the baseline: its error rate 6\.0% is an outlier among the existing hosts \(others 1\.0%\)$/)
  t.same(out.evidence.apps.App.excludedBaseline, ['PRDIIS03'])
  const healthy = judge({ data: checkpoint([masked(100)]), apps: [{ name: 'App' }], asOf: 0 })
  t.equal(healthy.result.apps[0].metrics.find(x => x.metric === 'errorRate')?.status, 'PASS', 'a canary like the healthy hosts passes')
})

t.test('the left-out host stays out at later looks; the look that first leaves it out adds no evidence', async t => {
  const clean = appData({ app: 'App', canary: { count: 10_000, errors: 160 }, baseline: { count: 40_000, errors: 400 } })
  const first = judge({ data: checkpoint([clean]), apps: [{ name: 'App' }], asOf: 0 })
  t.equal(first.evidence.apps.App.excludedBaseline, undefined)
  const before = first.evidence.apps.App.errorRate
  const second = judge({ data: checkpoint([masked(320)], 2), apps: [{ name: 'App' }], asOf: 1, evidence: first.evidence })
  const ev = second.evidence.apps.App
  t.same(ev.excludedBaseline, ['PRDIIS03'])
  t.same(ev.errorRate.logLR, before.logLR, 're-based: no increment mixes the two baselines')
  t.same(ev.errorRate.last, { canaryN: 10_000, canaryX: 320, baselineN: 30_000, baselineX: 300 })
  // Later data where PRDIIS03 looks fine again: still out, so counts stay comparable.
  const third = appData({ app: 'App', canary: { count: 20_000, errors: 640 }, baseline: { count: 80_000, errors: 800 } })
  const after = judge({ data: checkpoint([third], 3), apps: [{ name: 'App' }], asOf: 2, evidence: second.evidence })
  t.same(after.evidence.apps.App.excludedBaseline, ['PRDIIS03'])
  t.equal(after.evidence.apps.App.errorRate.last?.baselineN, 60_000)
})
