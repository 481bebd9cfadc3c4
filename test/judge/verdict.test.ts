/** App verdicts, recommendation policy and reasons. */
import t from 'tap'
import { judge } from '../../src/judge/index.ts'
import { FROM, appData, checkpoint } from './helpers.ts'
import { worstStatus, recommend, summarize, type JudgedApp } from '../../src/judge/verdict.ts'
import { DEFAULT_POLICY, resolvePolicy } from '../../src/schemas/thresholds.ts'
import type { Status } from '../../src/schemas/common.ts'

const app = (name: string, verdict: Status, short = 'x', critical = false): JudgedApp => ({
  result: { app: name, critical, verdict, reasons: [], canaryHosts: [], baselineHosts: [], metrics: [] },
  short
})

t.test('worst status order NO_DATA > FAIL > WARN > INCONCLUSIVE > PASS', async t => {
  t.equal(worstStatus(['PASS', 'FAIL', 'NO_DATA']), 'NO_DATA')
  t.equal(worstStatus(['PASS', 'WARN', 'FAIL']), 'FAIL')
  t.equal(worstStatus(['INCONCLUSIVE', 'WARN']), 'WARN')
  t.equal(worstStatus(['PASS', 'INCONCLUSIVE']), 'INCONCLUSIVE')
  t.equal(worstStatus([]), 'PASS')
})

t.test('default policy: FAIL or NO_DATA is NO_GO with short reasons', async t => {
  const r = recommend([
    app('Billing.Service', 'FAIL', 'error rate x3.1'), app('Orders', 'FAIL', 'p95 x1.40'),
    app('Search', 'NO_DATA', 'no data from PRDIIS09'), app('Web', 'PASS')
  ], DEFAULT_POLICY)
  t.equal(r.recommendation, 'NO_GO')
  t.same(r.reasons, ['1 app NO_DATA: Search (no data from PRDIIS09)', '2 apps FAIL: Billing.Service (error rate x3.1), Orders (p95 x1.40)'])
})

t.test('INCONCLUSIVE counts for critical apps by default, any, or never', async t => {
  const apps = [app('A', 'PASS'), app('B', 'INCONCLUSIVE', 'too little traffic', false)]
  t.equal(recommend(apps, DEFAULT_POLICY).recommendation, 'GO')
  t.match(recommend(apps, DEFAULT_POLICY).reasons.join('\n'), /1 app INCONCLUSIVE: B \(too little traffic\) \(not critical\)/)
  t.equal(recommend(apps, resolvePolicy({ inconclusiveOn: 'any' })).recommendation, 'INCONCLUSIVE')
  const critical = [app('A', 'PASS'), app('B', 'INCONCLUSIVE', 'too little traffic', true)]
  t.equal(recommend(critical, DEFAULT_POLICY).recommendation, 'INCONCLUSIVE')
  t.same(recommend(critical, DEFAULT_POLICY).reasons, ['1 critical app INCONCLUSIVE: B (too little traffic)'])
  t.equal(recommend(critical, resolvePolicy({ inconclusiveOn: 'never' })).recommendation, 'GO')
})

t.test('noGoOn is configurable', async t => {
  const apps = [app('A', 'NO_DATA'), app('B', 'WARN')]
  t.equal(recommend(apps, resolvePolicy({ noGoOn: ['FAIL'] })).recommendation, 'GO')
  t.equal(recommend(apps, resolvePolicy({ noGoOn: ['WARN'] })).recommendation, 'NO_GO')
  t.equal(recommend([app('A', 'PASS')], DEFAULT_POLICY).reasons[0], 'all 1 app PASS')
  t.equal(recommend([], DEFAULT_POLICY).recommendation, 'INCONCLUSIVE')
})

t.test('long lists are cut', async t => {
  const apps = Array.from({ length: 8 }, (_, i) => app(`App${i}`, 'FAIL', 'error rate x2.0'))
  t.match(recommend(apps, DEFAULT_POLICY).reasons[0], /^8 apps FAIL: .* and 3 more$/)
  t.same(summarize(apps.map(a => a.result)), { PASS: 0, WARN: 0, FAIL: 8, NO_DATA: 0, INCONCLUSIVE: 0 })
})

t.test('nothing judged is never GO: every app INCONCLUSIVE makes the call INCONCLUSIVE', async t => {
  const data = appData({ app: 'Quiet', canary: { count: 10, errors: 0 }, baseline: { count: 40, errors: 0 } })
  const out = judge({ data: checkpoint([data]), apps: [{ name: 'Quiet' }, { name: 'Typo.Name' }], asOf: FROM })
  t.same(out.result.apps.map(a => a.verdict), ['INCONCLUSIVE', 'INCONCLUSIVE'])
  t.equal(out.result.recommendation, 'INCONCLUSIVE')
  t.match(out.result.reasons.join('\n'), /no app could be judged/)
  const never = judge({ data: checkpoint([data]), apps: [{ name: 'Quiet' }], asOf: FROM, policy: { inconclusiveOn: 'never' } })
  t.equal(never.result.recommendation, 'GO', "inconclusiveOn 'never' is the caller's explicit choice")
})
