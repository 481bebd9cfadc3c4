/** judge() end to end: evidence across looks, edge cases, invariants. */
import t from 'tap'
import { judge, slowThresholdsOf, type EvidenceState } from '../../src/judge/index.ts'
import { CheckpointResult } from '../../src/schemas/result.ts'
import { Value } from '@sinclair/typebox/value'
import { FormatRegistry } from '@sinclair/typebox'
import { Rng } from '../../bench/judge-rng.ts'
import { appData, checkpoint, numbers, FROM, HOUR, type SideSpec } from './helpers.ts'

const ASOF = FROM + 6 * HOUR
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', v => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v))

t.test('result matches the CheckpointResult schema and has no NaN or Infinity', async t => {
  const cases: Array<{ canary: SideSpec, baseline: SideSpec }> = [
    { canary: { count: 0, errors: 0 }, baseline: { count: 0, errors: 0 } },
    { canary: { count: 0, errors: 0 }, baseline: { count: 100, errors: 1 } },
    { canary: { count: 100, errors: 0 }, baseline: { count: 0, errors: 0 } },
    { canary: { count: 100, errors: 100, slow: 100 }, baseline: { count: 400, errors: 400, slow: 400 } },
    { canary: { count: 100, errors: 0, slow: 0 }, baseline: { count: 400, errors: 0, slow: 0 } },
    { canary: { count: 1e9, errors: 1e7, slow: 5e7, p95S: 0.5 }, baseline: { count: 4e9, errors: 4e7, slow: 2e8, p95S: 0.5 } },
    { canary: { count: 1e9, errors: 3e7, slow: 9e7, p95S: 0.6 }, baseline: { count: 4e9, errors: 4e7, slow: 2e8, p95S: 0.5 } },
    { canary: { count: 500, errors: 5, slow: null, p95S: null }, baseline: { count: 2000, errors: 20, slow: null, p95S: null } },
    { canary: { count: 3, errors: 5, slow: 9 }, baseline: { count: 10, errors: 0, slow: 0, p95S: 0 } }
  ]
  for (const c of cases) {
    const data = appData({
      ...c,
      series: [
        { host: 'PRDIIS09', startMs: FROM, count: 1, errors: 0, p95S: 0.2 },
        { host: 'PRDIIS01', startMs: FROM, count: 1, errors: 0, p95S: 0.2 }
      ]
    })
    const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: ASOF })
    t.ok(Value.Check(CheckpointResult, out.result), `schema: ${JSON.stringify(c)}`)
    const bad = numbers(out).filter(([, v]) => !Number.isFinite(v))
    t.same(bad, [], `no NaN/Infinity: ${JSON.stringify(c)}`)
    t.same(JSON.parse(JSON.stringify(out.evidence)), out.evidence, 'evidence is plain JSON')
  }
})

t.test('garbage numbers and dates do not crash', async t => {
  const data = appData({ canary: { count: NaN, errors: -3 }, baseline: { count: 100, errors: 200 } })
  const out = judge({ data: { ...checkpoint([data]), from: NaN, until: 1e20 }, apps: [{ name: data.app }], asOf: NaN })
  t.ok(Value.Check(CheckpointResult, out.result))
  t.same(numbers(out.result).filter(([, v]) => !Number.isFinite(v)), [])
})

t.test('evidence continues across looks from the increments', async t => {
  const app = 'Billing.Service'
  let evidence: EvidenceState | undefined
  const ps: number[] = []
  for (let h = 1; h <= 3; h++) {
    const data = appData({
      app,
      canary: { count: 600 * h, errors: 9 * h, slow: 30 * h },
      baseline: { count: 2400 * h, errors: 18 * h, slow: 120 * h },
      slowThresholdS: 0.4
    })
    const out = judge({ data: checkpoint([data], h), apps: [{ name: app }], asOf: FROM + h * HOUR, evidence })
    evidence = out.evidence
    ps.push(out.result.apps[0].metrics.find(m => m.metric === 'errorRate')?.pValue ?? 1)
    t.equal(evidence.apps[app].looks, h)
    t.same(evidence.apps[app].errorRate.last, { canaryN: 600 * h, canaryX: 9 * h, baselineN: 2400 * h, baselineX: 18 * h })
  }
  t.ok(ps[2] < ps[1] && ps[1] < ps[0], `evidence grows: ${ps.join(', ')}`)
  t.same(slowThresholdsOf(evidence), { [app]: 0.4 })
  t.same(slowThresholdsOf(undefined), {})
})

t.test('a one-shot analysis (no evidence) equals the first look; a re-run of the same checkpoint adds nothing', async t => {
  const data = appData({ canary: { count: 2400, errors: 48 }, baseline: { count: 9600, errors: 96 } })
  const first = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: ASOF })
  const again = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: ASOF, evidence: first.evidence })
  t.equal(again.result.apps[0].metrics[0].pValue, first.result.apps[0].metrics[0].pValue)
})

t.test('evidence from another window is ignored', async t => {
  const data = appData({ canary: { count: 2400, errors: 100 }, baseline: { count: 9600, errors: 96 } })
  const first = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: ASOF })
  const other = judge({
    data: { ...checkpoint([data]), from: FROM - HOUR }, apps: [{ name: data.app }], asOf: ASOF, evidence: first.evidence
  })
  t.equal(other.result.apps[0].metrics[0].pValue, first.result.apps[0].metrics[0].pValue, 'started afresh, same evidence as a first look')
})

t.test('the slow threshold is kept from the first look; counts against another threshold do not update', async t => {
  const mk = (h: number, threshold: number): ReturnType<typeof appData> => appData({
    canary: { count: 600 * h, errors: 0, slow: 60 * h }, baseline: { count: 2400 * h, errors: 0, slow: 120 * h }, slowThresholdS: threshold
  })
  const first = judge({ data: checkpoint([mk(1, 0.4)]), apps: [{ name: 'Billing.Service' }], asOf: ASOF })
  const second = judge({ data: checkpoint([mk(2, 0.5)], 2), apps: [{ name: 'Billing.Service' }], asOf: ASOF, evidence: first.evidence })
  t.equal(second.evidence.apps['Billing.Service'].slowThresholdS, 0.4)
  t.same(second.evidence.apps['Billing.Service'].latency, first.evidence.apps['Billing.Service'].latency)
  t.match(second.result.apps[0].metrics.find(m => m.metric === 'latency')?.detail, /not this rollout's 400 ms/)
  // Without any threshold, the baseline p95 becomes the one for the next looks.
  const none = judge({
    data: checkpoint([appData({
      canary: { count: 600, errors: 0, p95S: 0.3 }, baseline: { count: 2400, errors: 0, p95S: 0.35 }, slowThresholdS: null
    })]),
    apps: [{ name: 'Billing.Service' }],
    asOf: ASOF
  })
  t.same(slowThresholdsOf(none.evidence), { 'Billing.Service': 0.35 })
})

t.test('Holm across apps: one weak signal among many apps is not a FAIL', async t => {
  // Alone, p ~ 0.01 would pass alpha; among 25 apps it must not.
  const apps = Array.from({ length: 25 }, (_, i) => appData({
    app: `App${i}`, canary: { count: 2400, errors: i === 0 ? 40 : 24, slow: 120 }, baseline: { count: 9600, errors: 96, slow: 480 }
  }))
  const many = judge({ data: checkpoint(apps), apps: apps.map(a => ({ name: a.app })), asOf: ASOF })
  const alone = judge({ data: checkpoint([apps[0]]), apps: [{ name: 'App0' }], asOf: ASOF })
  const err = (r: typeof many): { pValue: number | null, adjustedPValue?: number | null, status: string } => r.result.apps[0].metrics[0]
  t.ok((err(many).adjustedPValue ?? 0) > (err(alone).adjustedPValue ?? 1), 'adjusted p grows with the family')
  t.equal(err(many).pValue, err(alone).pValue, 'raw anytime p does not depend on other apps')
  t.not(err(many).status, 'FAIL')
})

t.test('property: identical canary and baseline never FAIL, whatever the numbers', async t => {
  const rng = new Rng(99)
  let checked = 0
  for (let i = 0; i < 300; i++) {
    const count = Math.floor(Math.exp(rng.next() * 16))
    const rate = rng.next() ** 3
    const nb = 1 + Math.floor(rng.next() * 6)
    const errors = Math.floor(count * rate)
    const slow = Math.floor(count * 0.05)
    const data = appData({
      canary: { count, errors, slow, p95S: 0.4 },
      baseline: { count: count * nb, errors: errors * nb, slow: slow * nb, p95S: 0.4, hosts: nb },
      classes: [{ host: 'PRDIIS09', errorClass: 'E', count: errors }, { host: 'PRDIIS01', errorClass: 'E', count: errors }]
    })
    const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: ASOF })
    for (const m of out.result.apps[0].metrics) {
      if (m.status === 'FAIL') t.fail(`${m.metric} FAIL on identical sides: ${m.detail}`)
    }
    t.not(out.result.recommendation, 'NO_GO')
    checked++
  }
  t.equal(checked, 300)
})

t.test('apps missing from the data are INCONCLUSIVE, never PASS; app order and metadata follow the request', async t => {
  const data = appData({ app: 'A', canary: { count: 100, errors: 0 }, baseline: { count: 400, errors: 0 } })
  const out = judge({
    data: checkpoint([data]), apps: [{ name: 'B', team: 'payments', owners: ['ana'], critical: true }, { name: 'A' }], asOf: ASOF
  })
  t.same(out.result.apps.map(a => a.app), ['B', 'A'])
  t.equal(out.result.apps[0].verdict, 'INCONCLUSIVE')
  t.ok(out.result.apps[0].metrics.every(m => m.status === 'INCONCLUSIVE'))
  t.equal(out.result.apps[0].team, 'payments')
  t.equal(out.result.apps[0].critical, true)
  t.equal(out.result.recommendation, 'INCONCLUSIVE', 'a critical app nobody reports blocks GO')
  t.equal(out.result.summary.NO_DATA, 0)
  t.equal(out.result.window.from, new Date(FROM).toISOString())
})

t.test('hosts are named as the data spells them, the request spelling only for a host never reported', async t => {
  const reporting = appData({ app: 'A', canary: { count: 5000, errors: 150 }, baseline: { count: 20000, errors: 200 } })
  const silent = appData({ app: 'B', canary: { count: 0, errors: 0 }, baseline: { count: 20000, errors: 200 } })
  const data = { ...checkpoint([reporting, silent]), canaryHosts: ['prdiis09', 'prdiis77'], baselineHosts: ['prdiis01', 'PrdIis02'] }
  const out = judge({ data, apps: [{ name: 'A' }, { name: 'B' }], asOf: ASOF })
  const text = JSON.stringify(out.result)
  t.notMatch(text, /prdiis09|prdiis01|PrdIis02/, 'no request spelling of a reported host anywhere')
  const [a, b] = out.result.apps
  t.same(a.canaryHosts, ['PRDIIS09'])
  t.same(a.baselineHosts, ['PRDIIS01', 'PRDIIS02'])
  t.equal(a.verdict, 'FAIL')
  t.match(a.reasons.join(' '), /on PRDIIS09 vs/)
  t.equal(b.verdict, 'NO_DATA')
  t.match(b.reasons[0], /^no data from PRDIIS09 while 2 existing hosts/)
  t.match(out.result.reasons.join(' '), /\(no data from PRDIIS09\)/)
  t.match(out.result.reasons.join(' '), /prdiis77 \(new\) reported no app/, 'a host the data never reported keeps the request spelling')
})

t.test('a GO held back by a new host nobody saw says so first, not "all apps PASS"', async t => {
  const a = appData({ app: 'A', canary: { count: 20000, errors: 200, slow: 1000 }, baseline: { count: 80000, errors: 800, slow: 4000 } })
  const data = { ...checkpoint([a]), canaryHosts: ['PRDIIS09', 'PRDIIS21'] }
  const out = judge({ data, apps: [{ name: 'A' }], asOf: ASOF })
  t.equal(out.result.apps[0].verdict, 'PASS')
  t.equal(out.result.recommendation, 'INCONCLUSIVE')
  t.match(out.result.reasons[0], /^PRDIIS21 \(new\) reported no app in the window/, 'the reason for INCONCLUSIVE leads')
  t.ok(out.result.reasons.slice(1).some(r => /PASS/.test(r)), 'what passed follows')
})

t.test('a host reported in two spellings is named by the one with the most traffic', async t => {
  const big = appData({ app: 'A', canary: { count: 5000, errors: 10 }, baseline: { count: 20000, errors: 40 } })
  const small = appData({ app: 'B', canary: { count: 0, errors: 0 }, baseline: { count: 20000, errors: 40 } })
  small.window.hosts.push({ host: 'prdiis09', count: 10, errors: 0, durationAvgS: 0.2 })
  const c = appData({ app: 'C', canary: { count: 0, errors: 0 }, baseline: { count: 20000, errors: 40 } })
  const data = { ...checkpoint([big, small, c]), canaryHosts: ['Prdiis09'] }
  const out = judge({ data, apps: [{ name: 'A' }, { name: 'B' }, { name: 'C' }], asOf: ASOF })
  t.same(out.result.apps[0].canaryHosts, ['PRDIIS09'])
  t.same(out.result.apps[1].canaryHosts, ['prdiis09'], 'an app\'s own host list is what it reported')
  t.match(out.result.apps[2].reasons[0], /^no data from PRDIIS09 /)
})
