/** End-to-end on synthetic rollouts (bench/judge-gen.ts): a fast subset of bench/judge-sim.ts. */
import t from 'tap'
import { judge, type EvidenceState } from '../../src/judge/index.ts'
import type { Status } from '../../src/schemas/common.ts'
import { appPopulation, simulateRollout, type AppModel, type CanaryEffect } from '../../bench/judge-gen.ts'
import { Rng } from '../../bench/judge-rng.ts'

function verdicts (
  apps: AppModel[], effects: Record<string, CanaryEffect>, seed: number
): Array<{ recommendation: string, verdicts: Map<string, Status> }> {
  let evidence: EvidenceState | undefined
  return simulateRollout({ seed, apps, effects }).map(data => {
    const out = judge({ data, apps: apps.map(a => ({ name: a.name })), asOf: data.until, evidence })
    evidence = JSON.parse(JSON.stringify(out.evidence)) as EvidenceState // as stored in Redis
    return { recommendation: out.result.recommendation, verdicts: new Map(out.result.apps.map(a => [a.app, a.verdict])) }
  })
}

const app = (rpm: number): AppModel => ({
  name: 'Target.Service',
  rpm,
  errorRate: 0.01,
  classes: { 'System.TimeoutException': 0.7, 'System.Net.WebException': 0.3 },
  medianMs: 200,
  sigma: 0.6
})

t.test('clean 25-app rollouts are rarely NO_GO', async t => {
  let noGo = 0
  for (let i = 0; i < 12; i++) {
    const looks = verdicts(appPopulation(new Rng(500 + i), 25), {}, 900 + i)
    if (looks.some(l => l.recommendation === 'NO_GO')) noGo++
  }
  t.ok(noGo <= 1, `${noGo} of 12 clean rollouts NO_GO`)
})

t.test('regressions are found', async t => {
  let errors = 0
  let latency = 0
  let silent = 0
  let fresh = 0
  const n = 10
  for (let i = 0; i < n; i++) {
    const a = app(200)
    if (verdicts([a], { [a.name]: { errorRateMultiplier: 3 } }, i).slice(0, 2).some(l => l.verdicts.get(a.name) === 'FAIL')) errors++
    if (verdicts([a], { [a.name]: { latencyMultiplier: 1.25 } }, i)[0].verdicts.get(a.name) === 'FAIL') latency++
    if (verdicts([a], { [a.name]: { reporting: false } }, i)[0].verdicts.get(a.name) === 'NO_DATA') silent++
    if (verdicts([a], { [a.name]: { newErrorsPerHour: { 'X.New': 8 } } }, i)[0].verdicts.get(a.name) === 'FAIL') fresh++
  }
  t.ok(errors >= 9, `3x errors at 200 rpm FAIL by look 2: ${errors}/${n}`)
  t.ok(latency >= 9, `+25% latency FAIL at look 1: ${latency}/${n}`)
  t.equal(silent, n, 'silent canary NO_DATA')
  t.ok(fresh >= 9, `new error class FAIL at look 1: ${fresh}/${n}`)
})
