import t from 'tap'
import { parseScenario, ScenarioError } from '../../src/sim/index.ts'
import { nrql, startSim } from './helpers.ts'

const ACCOUNT = 1000001
const W = "SINCE '2025-09-08 02:00:00' UNTIL '2025-09-08 04:00:00'"
const TXN_LIMIT = 500
const ERR_LIMIT = 10

/** Busy app `Sampled` (two hosts of ~1500 rpm, 5% errors) and a quiet one, `Plain`, that never samples. */
function scenario (agent: boolean): any {
  const app = (name: string, rpm: number): any => ({
    name,
    throughputRpm: rpm,
    latency: { medianMs: 120, sigma: 0.5 },
    errorRate: 0.05,
    errors: { 'System.TimeoutException': 0.7, 'System.Net.WebException': 0.3 },
    hosts: [{ name: 'H1' }, { name: 'H2' }]
  })
  const sampled = app('Sampled', 3000)
  if (agent) sampled.agent = { transactionEventsPerMinute: TXN_LIMIT, errorEventsPerMinute: ERR_LIMIT }
  sampled.effects = [{ host: 'H2', from: '2025-09-08T03:00:00Z', errorRateMultiplier: 2 }]
  return {
    name: 'sampling',
    accountId: ACCOUNT,
    seed: 99,
    from: '2025-09-08T02:00:00Z',
    until: '2025-09-08T04:00:00Z',
    apps: [sampled, app('Plain', 300)]
  }
}

const one = async (sim: any, q: string): Promise<any> => (await nrql(sim, q))[0]
const near = (a: number, b: number, rel = 1e-9): boolean => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b))

t.test('the reservoir keeps at most N events per host and minute, and never changes the traffic', async t => {
  const sampled = await startSim(t, { scenario: scenario(true) })
  const full = await startSim(t, { scenario: scenario(false) })
  const perMinute = await nrql(sampled, `SELECT count(*) FROM Transaction WHERE appName = 'Sampled' FACET host TIMESERIES 1 minute ${W}`)
  t.equal(perMinute.length, 2 * 120)
  t.ok(perMinute.every(r => r.count === TXN_LIMIT), `every host-minute keeps exactly ${TXN_LIMIT} of its ~1500 transactions`)
  const errs = await nrql(sampled, `SELECT count(*) FROM TransactionError WHERE appName = 'Sampled' FACET host TIMESERIES 1 minute ${W}`)
  t.ok(errs.every(r => r.count === ERR_LIMIT), `and ${ERR_LIMIT} of its ~75 errors`)

  const plainQ = `SELECT count(*), average(duration), percentile(duration, 95), filter(count(*), WHERE error IS TRUE) AS e
    FROM Transaction WHERE appName = 'Plain' FACET host TIMESERIES 10 minutes ${W}`
  t.same(await nrql(sampled, plainQ), await nrql(full, plainQ), 'an app without agent settings is exactly as before')
  const plainErr = `SELECT count(*) FROM TransactionError WHERE appName = 'Plain' FACET error.class ${W}`
  t.same(await nrql(sampled, plainErr), await nrql(full, plainErr))

  const traffic = await nrql(sampled,
    `SELECT count(apm.service.transaction.duration) AS n FROM Metric WHERE appName = 'Sampled' FACET host ${W}`)
  const truth = await nrql(full, `SELECT count(*) AS n FROM Transaction WHERE appName = 'Sampled' FACET host ${W}`)
  t.same(traffic, truth, 'the unsampled metrics count every transaction that happened, as without sampling')
  const [errMetric] = await nrql(sampled, `SELECT count(apm.service.error.count) AS n FROM Metric WHERE appName = 'Sampled' ${W}`)
  const [errTruth] = await nrql(full, `SELECT count(*) AS n FROM TransactionError WHERE appName = 'Sampled' ${W}`)
  t.equal(errMetric.n, errTruth.n, 'and every error')

  const minute = `SELECT count(*) FROM Transaction WHERE appName = 'Sampled' AND host = 'H1'
    SINCE '2025-09-08 02:10:00' UNTIL '2025-09-08 02:11:00' FACET timestamp LIMIT MAX`
  const kept = await nrql(sampled, minute)
  const all = new Set((await nrql(full, minute)).map(r => r.facet))
  t.ok(kept.every(r => all.has(r.facet)), 'kept events are events of the full traffic')
  const early = Date.parse('2025-09-08T02:10:10Z')
  const late = Date.parse('2025-09-08T02:10:50Z')
  t.ok(kept.some(r => Number(r.facet) < early) && kept.some(r => Number(r.facet) >= late),
    'spread over the whole minute, not its first events')

  const again = await startSim(t, { scenario: scenario(true), cacheMaxEvents: 20_000 })
  await nrql(again, `SELECT count(*) FROM Transaction WHERE host = 'H2' ${W}`)
  const q = `SELECT count(*), average(duration), percentile(duration, 50) FROM Transaction WHERE appName = 'Sampled'
    FACET host TIMESERIES 30 minutes ${W}`
  t.same(await nrql(again, q), await nrql(sampled, q), 'the same sample whatever the query order and cache')
})

t.test('EXTRAPOLATE recovers counts and sums; average is the weighted mean; percentiles come from the sample', async t => {
  const sampled = await startSim(t, { scenario: scenario(true) })
  const full = await startSim(t, { scenario: scenario(false) })
  const where = `WHERE appName = 'Sampled' ${W}`
  const select = `SELECT count(*) AS n, sum(duration) AS s, average(duration) AS a,
    percentage(count(*), WHERE error IS TRUE) AS pe, rate(count(*), 1 minute) AS r FROM Transaction ${where}`
  const truth = await one(full, select)
  const ex = await one(sampled, `${select} EXTRAPOLATE`)
  const raw = await one(sampled, `SELECT count(*) AS n FROM Transaction ${where}`)
  t.equal(raw.n, 2 * 120 * TXN_LIMIT, 'without EXTRAPOLATE: the kept events')
  t.ok(near(ex.n, truth.n), `count: ${ex.n} for ${truth.n} transactions (seen / kept per host-minute, summed)`)
  t.ok(near(ex.r, truth.r), `rate of the extrapolated count: ${ex.r}`)
  t.ok(Math.abs(ex.s - truth.s) < 0.02 * truth.s, `sum(duration) within 2%: ${ex.s} vs ${truth.s}`)
  t.ok(Math.abs(ex.a - truth.a) < 0.02 * truth.a, `average within 2%: ${ex.a} vs ${truth.a}`)
  t.ok(Math.abs(ex.pe - truth.pe) < 0.5, `error percentage within half a point: ${ex.pe} vs ${truth.pe}`)

  const errTruth = await nrql(full, `SELECT count(*) FROM TransactionError FACET host ${where}`)
  const errEx = await nrql(sampled, `SELECT count(*) FROM TransactionError FACET host ${where} EXTRAPOLATE`)
  t.same(errEx.map(r => r.host), errTruth.map(r => r.host))
  errEx.forEach((r, i) => {
    t.ok(near(r.count, errTruth[i].count), `${r.host as string}: ${r.count} errors for ${errTruth[i].count as number}`)
  })
  t.ok(errTruth[0].host === 'H2' && errTruth[0].count > errTruth[1].count * 1.3, 'H2 (twice the errors after 03:00) ranks first')

  const seriesQ = `SELECT count(*) FROM Transaction WHERE appName = 'Sampled' FACET host TIMESERIES 7 minutes
    SINCE '2025-09-08 02:03:30' UNTIL '2025-09-08 03:56:30'`
  const series = await nrql(sampled, `${seriesQ} EXTRAPOLATE`)
  const seriesTruth = await nrql(full, seriesQ)
  // Buckets cut minutes in half: each half carries its own minute's ratio, so only the expectation matches.
  t.equal(series.length, seriesTruth.length)
  t.ok(series.every((r, i) => Math.abs(r.count - seriesTruth[i].count) < 0.05 * seriesTruth[i].count),
    'bucketed extrapolated counts follow the traffic')

  const pSample = await one(sampled, `SELECT percentile(duration, 50) AS p, max(duration) AS mx FROM Transaction ${where}`)
  const pEx = await one(sampled, `SELECT percentile(duration, 50) AS p, max(duration) AS mx FROM Transaction ${where} EXTRAPOLATE`)
  t.same(pEx, pSample, 'percentiles and max are those of the sample, EXTRAPOLATE or not')
  const pTruth = await one(full, `SELECT percentile(duration, 50) AS p FROM Transaction ${where}`)
  t.ok(Math.abs(pSample.p['50'] - pTruth.p['50']) < 0.03 * pTruth.p['50'], 'and the sample is unbiased')

  const plain = `SELECT count(*), sum(duration), average(duration) FROM Transaction WHERE appName = 'Plain' FACET host ${W}`
  t.same(await nrql(sampled, `${plain} EXTRAPOLATE`), await nrql(sampled, plain), 'EXTRAPOLATE changes nothing where nothing was sampled')
  const metric = `SELECT count(apm.service.transaction.duration) FROM Metric WHERE appName = 'Sampled' ${W}`
  t.same(await nrql(sampled, `${metric} EXTRAPOLATE`), await nrql(sampled, metric), 'nor on metrics')
})

t.test('agent settings are validated, naming the field', async t => {
  const cases: Array<[unknown, string]> = [
    [{ transactionEventsPerMinute: 0 }, 'apps[0].agent.transactionEventsPerMinute'],
    [{ transactionEventsPerMinute: 1.5 }, 'apps[0].agent.transactionEventsPerMinute'],
    [{ errorEventsPerMinute: '10' }, 'apps[0].agent.errorEventsPerMinute'],
    [{ spanEventsPerMinute: 10 }, 'apps[0].agent.spanEventsPerMinute'],
    ['all', 'apps[0].agent']
  ]
  for (const [agent, field] of cases) {
    const s = scenario(false)
    s.apps[0].agent = agent
    const err = t.throws(() => parseScenario(s), ScenarioError) as ScenarioError
    t.equal(err.field, field, err.message)
  }
})
