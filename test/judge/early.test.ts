/** The judge's early rule (judge/early.ts): when one look may already be the decision. */
import t from 'tap'
import { judge } from '../../src/judge/index.ts'
import type { SeriesPoint } from '../../src/judge/input.ts'
import type { Policy } from '../../src/schemas/thresholds.ts'
import { appData, baselineName, CANARY, checkpoint, FROM, type AppSpecData } from './helpers.ts'

/** Every minute of `hours`, both sides reporting (so coverage and throughput can PASS). */
function series (hours: number, perMin: { canary: number, baseline: number }): SeriesPoint[] {
  const out: SeriesPoint[] = []
  for (let m = 0; m < hours * 60; m++) {
    out.push({ host: CANARY, startMs: FROM + m * 60_000, count: perMin.canary, errors: 0, p95S: 0.4 })
    for (let i = 0; i < 4; i++) {
      out.push({ host: baselineName(i), startMs: FROM + m * 60_000, count: perMin.baseline / 4, errors: 0, p95S: 0.4 })
    }
  }
  return out
}

/** An app at `rpm` per host, 1% errors and 5% slow on both sides, clean. */
function clean (app: string, rpm: number, hours: number, canaryErrorsX = 1): AppSpecData {
  const c = rpm * 60 * hours
  const b = 4 * c
  return {
    app,
    canary: { count: c, errors: Math.round(0.01 * c * canaryErrorsX), slow: Math.round(0.05 * c) },
    baseline: { count: b, errors: Math.round(0.01 * b), slow: Math.round(0.05 * b) },
    series: series(hours, { canary: rpm, baseline: 4 * rpm })
  }
}

function run (specs: AppSpecData[], hours: number, policy: Policy, critical: string[] = [], looks: number | null = 6) {
  const data = checkpoint(specs.map(appData), hours)
  return judge({
    data,
    apps: specs.map(s => ({ name: s.app ?? '', critical: critical.includes(s.app ?? '') })),
    policy,
    asOf: data.until,
    ...(looks === null ? {} : { looks })
  })
}

t.test('a busy clean app settles: early GO, every bound under the margin', async t => {
  const out = run([clean('RESTAPI', 2000, 2)], 2, { earlyDecision: true })
  t.equal(out.result.apps[0].verdict, 'PASS', out.result.apps[0].reasons.join('; '))
  t.same(out.early, {
    recommendation: 'GO', reason: 'decided early: the app passes with every confidence bound under its margins', apps: ['RESTAPI']
  })
  const er = out.result.apps[0].metrics.find(m => m.metric === 'errorRate')
  t.ok((er?.ci?.high ?? 9) < 1.25, `bound ${er?.ci?.high}`)
})

t.test('a small app PASSes under the gross ratio but is not settled under the margin: no early GO', async t => {
  const out = run([clean('RESTAPI', 2000, 2), clean('Tiny', 20, 2)], 2, { earlyDecision: true })
  const tiny = out.result.apps.find(a => a.app === 'Tiny')
  t.not(tiny?.verdict, undefined)
  t.equal(out.early, null, `Tiny is ${tiny?.verdict}: ${tiny?.reasons.join('; ')}`)
})

t.test('a critical FAIL decides NO_GO early; a non-critical one does not', async t => {
  const specs = [clean('RESTAPI', 2000, 2), clean('Billing.Service', 500, 2, 3)]
  const critical = run(specs, 2, { earlyDecision: true }, ['Billing.Service'])
  t.equal(critical.result.apps[1].verdict, 'FAIL')
  t.same(critical.early, {
    recommendation: 'NO_GO', reason: 'decided early: the FAIL of critical app Billing.Service stands', apps: ['Billing.Service']
  })
  const plain = run(specs, 2, { earlyDecision: true })
  t.equal(plain.result.recommendation, 'NO_GO', 'NO_GO so far')
  t.equal(plain.early, null, 'but only a critical FAIL decides early')
})

t.test('off by default, and never without the looks of a rollout', async t => {
  t.equal(run([clean('RESTAPI', 2000, 2)], 2, {}).early, null)
  t.equal(run([clean('RESTAPI', 2000, 2)], 2, { earlyDecision: true }, [], null).early, null, 'a one-shot analysis')
  t.equal(run([clean('B', 500, 2, 3)], 2, { earlyDecision: true, noGoOn: ['NO_DATA'] }, ['B']).early, null, 'FAIL not blocking')
})
