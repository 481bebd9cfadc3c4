import t from 'tap'
import { judge } from '../../src/judge/index.ts'
import type { SeriesPoint } from '../../src/judge/input.ts'
import { CANARY, FROM, appData, baselineName, checkpoint } from './helpers.ts'

const MIN = 60_000

/** Per-minute series for 60 minutes: each baseline host at its rpm, the canary at `canaryRpm` from minute `joinsAt`. */
function series (baselineRpm: number[], canaryRpm: number, joinsAt = 0): SeriesPoint[] {
  const out: SeriesPoint[] = []
  for (let m = 0; m < 60; m++) {
    const startMs = FROM + m * MIN
    baselineRpm.forEach((rpm, i) => out.push({ host: baselineName(i), startMs, count: rpm, errors: 0, p95S: 0.4 }))
    if (m >= joinsAt) out.push({ host: CANARY, startMs, count: canaryRpm, errors: 0, p95S: 0.4 })
  }
  return out
}

function throughputOf (baselineRpm: number[], canaryRpm: number, joinsAt = 0) {
  const s = series(baselineRpm, canaryRpm, joinsAt)
  const canary = s.filter(p => p.host === CANARY).reduce((a, p) => a + p.count, 0)
  const baseline = s.filter(p => p.host !== CANARY).reduce((a, p) => a + p.count, 0)
  const data = appData({ canary: { count: canary, errors: 0 }, baseline: { count: baseline, errors: 0, hosts: baselineRpm.length }, series: s })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  return out.result.apps[0].metrics.find(m => m.metric === 'throughput')
}

t.test('a canary that joined after the rollout started is judged from its first minute', async t => {
  const m = throughputOf([100, 100, 100, 100], 100, 30)
  t.equal(m?.status, 'PASS', m?.detail ?? '')
  t.ok(Math.abs((m?.effect ?? 0) - 1) < 0.01, `share x${m?.effect}`)
  t.match(m?.detail, /since it first reported at 05:00Z/)
})

t.test('a canary serving half a typical host fails, whenever it joined', async t => {
  t.equal(throughputOf([100, 100, 100, 100], 50, 30)?.status, 'FAIL')
  t.equal(throughputOf([100, 100, 100, 100], 50)?.status, 'FAIL')
})

t.test('unequal existing hosts: the canary is compared with the median one', async t => {
  // One big old server at weight 3: an equal-weight canary gets 1/7 of the traffic, as the other old hosts do.
  const m = throughputOf([300, 100, 100, 100], 100)
  t.equal(m?.status, 'PASS', m?.detail ?? '')
  t.ok(Math.abs((m?.effect ?? 0) - 1) < 0.01, `share x${m?.effect}`)
})

t.test('durations that do not vary: nothing slow on either side is a PASS, not INCONCLUSIVE', async t => {
  const data = appData({ canary: { count: 30_000, errors: 0, slow: 0, p95S: 0.1 }, baseline: { count: 120_000, errors: 0, slow: 0, p95S: 0.1 }, slowThresholdS: 0.1 })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const m = out.result.apps[0].metrics.find(m => m.metric === 'latency')
  t.equal(m?.status, 'PASS', m?.detail ?? '')
})
