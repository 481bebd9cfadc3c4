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
  const data = appData({
    canary: { count: canary, errors: 0 }, baseline: { count: baseline, errors: 0, hosts: baselineRpm.length }, series: s
  })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  return out.result.apps[0].metrics.find(m => m.metric === 'throughput')
}

t.test('a canary that joined after the rollout started is judged from its first minute', async t => {
  const m = throughputOf([100, 100, 100, 100], 100, 30)
  t.equal(m?.status, 'PASS', m?.detail ?? '')
  t.ok(Math.abs((m?.effect ?? 0) - 1) < 0.01, `share x${m?.effect}`)
  t.match(m?.detail, /^PRDIIS09 served 100 rpm since 05:00Z vs 100 rpm expected from a typical existing host \(x1\.00, /)
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
  const data = appData({
    canary: { count: 30_000, errors: 0, slow: 0, p95S: 0.1 },
    baseline: { count: 120_000, errors: 0, slow: 0, p95S: 0.1 },
    slowThresholdS: 0.1
  })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const m = out.result.apps[0].metrics.find(m => m.metric === 'latency')
  t.equal(m?.status, 'PASS', m?.detail ?? '')
})

t.test('a canary that went quiet while the pool kept serving is NO_DATA, naming since when', async t => {
  // Serves its share for 30 minutes, then nothing for the last 30 while the old hosts go on.
  const s = series([100, 100, 100, 100], 100).filter(p => !(p.host === CANARY && p.startMs >= FROM + 30 * MIN))
  const canary = s.filter(p => p.host === CANARY).reduce((a, p) => a + p.count, 0)
  const data = appData({ canary: { count: canary, errors: 0 }, baseline: { count: 24_000, errors: 0 }, series: s })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const app = out.result.apps[0]
  const coverage = app.metrics.find(m => m.metric === 'coverage')
  t.equal(coverage?.status, 'NO_DATA')
  t.match(coverage?.detail, /has sent nothing since 05:00Z \(30 min\)/)
  t.equal(app.verdict, 'NO_DATA')
  t.equal(app.metrics.find(m => m.metric === 'errorRate')?.status !== 'NO_DATA', true, 'what it did send is still judged')
})

t.test('one of two canaries going quiet is NO_DATA naming that host, though the other keeps serving', async t => {
  const other = 'PRDIIS10'
  const s = series([100, 100, 100, 100], 100)
    .filter(p => !(p.host === CANARY && p.startMs >= FROM + 20 * MIN))
  for (let m = 0; m < 60; m++) s.push({ host: other, startMs: FROM + m * MIN, count: 100, errors: 0, p95S: 0.4 })
  const canary = s.filter(p => p.host === CANARY || p.host === other).reduce((a, p) => a + p.count, 0)
  const data = appData({ canary: { count: canary, errors: 0 }, baseline: { count: 24_000, errors: 0 }, series: s })
  data.window.hosts.push({ ...data.window.hosts.find(h => h.host === CANARY)!, host: other })
  const out = judge({ data: { ...checkpoint([data]), canaryHosts: [CANARY, other] }, apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const coverage = out.result.apps[0].metrics.find(m => m.metric === 'coverage')
  t.equal(coverage?.status, 'NO_DATA', coverage?.detail ?? '')
  t.match(coverage?.detail, new RegExp(`^${CANARY} has sent nothing since 04:50Z \\(40 min\\)`))
})

t.test('a quiet spell a low-traffic canary can have by chance is not a gap', async t => {
  // 0.2 rpm: 30 silent minutes are expected now and then.
  const s: SeriesPoint[] = []
  for (let m = 0; m < 60; m++) {
    for (let i = 0; i < 4; i++) s.push({ host: baselineName(i), startMs: FROM + m * MIN, count: 1, errors: 0, p95S: 0.4 })
    if (m % 5 === 0 && m < 30) s.push({ host: CANARY, startMs: FROM + m * MIN, count: 1, errors: 0, p95S: 0.4 })
  }
  const data = appData({ canary: { count: 6, errors: 0 }, baseline: { count: 240, errors: 0 }, series: s })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  t.equal(out.result.apps[0].metrics.find(m => m.metric === 'coverage')?.status, 'PASS')
})

t.test('with several canaries the error detail names the one that fails on its own, and the others as fine', async t => {
  const data = appData({ canary: { count: 2000, errors: 50 }, baseline: { count: 8000, errors: 80 } })
  // Split the canary side over two hosts: PRDIIS10 clean, PRDIIS09 carrying the errors.
  data.window.hosts = data.window.hosts.filter(h => h.host !== CANARY)
  data.window.hosts.push(
    { host: 'PRDIIS09', count: 1000, errors: 45, durationAvgS: 0.2 }, { host: 'PRDIIS10', count: 1000, errors: 5, durationAvgS: 0.2 }
  )
  const out = judge({
    data: { ...checkpoint([data]), canaryHosts: ['PRDIIS09', 'PRDIIS10'] }, apps: [{ name: data.app }], asOf: FROM + 3600_000
  })
  const m = out.result.apps[0].metrics.find(x => x.metric === 'errorRate')
  t.equal(m?.status, 'FAIL')
  t.match(m?.detail, /^error rate 4\.5% on PRDIIS09 vs 1\.0% on 4 existing hosts \(x4\.5, 95% CS [\d.]+-[\d.]+, p<0\.001\); PRDIIS10 like the existing hosts$/)
})

t.test('the traffic effect is per host, whatever the size of the pool', async t => {
  for (const pool of [[100], [100, 100], [100, 100, 100, 100, 100, 100, 100, 100]]) {
    const m = throughputOf(pool, 60)
    t.equal(m?.status, 'FAIL', `${pool.length} existing hosts: ${m?.detail ?? ''}`)
    t.ok(Math.abs((m?.effect ?? 0) - 0.6) < 1e-9, `x${m?.effect} with ${pool.length} existing hosts`)
  }
})

t.test('one starved canary among two FAILs, named; the healthy one does not hide it', async t => {
  const other = 'PRDIIS10'
  const s = series([100, 100, 100, 100], 100)
  for (let m = 0; m < 60; m++) s.push({ host: other, startMs: FROM + m * MIN, count: 30, errors: 0, p95S: 0.4 })
  const data = appData({ canary: { count: 7_800, errors: 0 }, baseline: { count: 24_000, errors: 0 }, series: s })
  data.window.hosts.push({ ...data.window.hosts.find(h => h.host === CANARY)!, host: other, count: 1_800 })
  const out = judge({ data: { ...checkpoint([data]), canaryHosts: [CANARY, other] }, apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const m = out.result.apps[0].metrics.find(m => m.metric === 'throughput')
  t.equal(m?.status, 'FAIL', m?.detail ?? '')
  t.ok(Math.abs((m?.effect ?? 0) - 0.3) < 1e-9)
  t.match(m?.detail, /^PRDIIS10 30 rpm \(x0\.30, p<0\.001\), PRDIIS09 100 rpm \(x1\.00, p=[\d.]+\) vs 100 rpm expected from a typical existing host: PRDIIS10 is under the x0\.70 margin/)
})

t.test('a canary that went quiet is a coverage finding, not a starved host', async t => {
  const s = series([100, 100, 100, 100], 100).filter(p => !(p.host === CANARY && p.startMs >= FROM + 30 * MIN))
  const data = appData({ canary: { count: 3_000, errors: 0 }, baseline: { count: 24_000, errors: 0 }, series: s })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const byMetric = Object.fromEntries(out.result.apps[0].metrics.map(m => [m.metric, m]))
  t.equal(byMetric.coverage.status, 'NO_DATA')
  t.equal(byMetric.throughput.status, 'PASS', byMetric.throughput.detail)
})

t.test('data that stops early on every host leaves the app INCONCLUSIVE, judged up to then', async t => {
  // Everyone reports for the first 30 minutes of a one-hour window, then nothing arrives.
  const s = series([100, 100, 100, 100], 100).filter(p => p.startMs < FROM + 30 * MIN)
  const data = appData({ canary: { count: 3_000, errors: 0 }, baseline: { count: 12_000, errors: 0 }, series: s })
  const out = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 })
  const app = out.result.apps[0]
  const byMetric = Object.fromEntries(app.metrics.map(m => [m.metric, m]))
  t.equal(byMetric.coverage.status, 'INCONCLUSIVE')
  t.match(byMetric.coverage.detail, /^no host has reported .* since 05:00Z, 30 min before the end of the window: is New Relic data delayed/)
  t.equal(byMetric.throughput.status, 'PASS', 'what did arrive is still judged')
  t.equal(app.verdict, 'INCONCLUSIVE')
  t.equal(out.result.recommendation, 'INCONCLUSIVE', 'the only app cannot be judged to the end: no GO')
  // A few quiet minutes at the end are not a gap.
  const late = series([100, 100, 100, 100], 100).filter(p => p.startMs < FROM + 50 * MIN)
  const fine = judge({
    data: checkpoint([appData({ canary: { count: 5_000, errors: 0 }, baseline: { count: 20_000, errors: 0 }, series: late })]),
    apps: [{ name: data.app }],
    asOf: FROM + 3600_000
  })
  t.equal(fine.result.apps[0].metrics.find(m => m.metric === 'coverage')?.status, 'PASS')
})

t.test('a host that joined inside a bucket is not short of the part of it before it joined', async t => {
  // It joined 100 s before the look: 20 s of its first minute (a third of the traffic), then a whole one.
  const s = series([600, 600, 600, 600], 600, 58).map(p => p.host === CANARY && p.startMs === FROM + 58 * MIN ? { ...p, count: 200 } : p)
  const canary = s.filter(p => p.host === CANARY).reduce((a, p) => a + p.count, 0)
  const data = appData({ canary: { count: canary, errors: 0 }, baseline: { count: 4 * 600 * 60, errors: 0 }, series: s })
  const m = judge({ data: checkpoint([data]), apps: [{ name: data.app }], asOf: FROM + 3600_000 }).result.apps[0]
    .metrics.find(x => x.metric === 'throughput')
  t.not(m?.status, 'FAIL', m?.detail ?? '')
  t.not(m?.status, 'WARN', m?.detail ?? '')
  t.ok(Math.abs((m?.effect ?? 0) - 1) < 0.05, `judged on its whole minute: x${m?.effect}`)

  // Only the partial minute so far: nothing to judge its traffic on yet, and not called starved.
  const just = series([600, 600, 600, 600], 200, 59)
  const justData = appData({ canary: { count: 200, errors: 0 }, baseline: { count: 4 * 600 * 60, errors: 0 }, series: just })
  const j = judge({ data: checkpoint([justData]), apps: [{ name: justData.app }], asOf: FROM + 3600_000 }).result.apps[0]
    .metrics.find(x => x.metric === 'throughput')
  t.equal(j?.status, 'INCONCLUSIVE', j?.detail ?? '')
  t.notMatch(j?.detail, /no baseline/, `says why: ${j?.detail}`)
})
