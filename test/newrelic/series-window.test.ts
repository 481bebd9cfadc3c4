/**
 * TIMESERIES buckets end at UNTIL (New Relic anchors them there and moves the start forward to
 * the first full bucket). For a window that is not on whole minutes, as an analysis window or a
 * manual checkpoint at now - lag is, the fetcher asks from a whole number of buckets before
 * UNTIL and drops the bucket that starts before the window.
 */
import t from 'tap'
import { runAnalysis } from '../../src/analysis/run.ts'
import { seriesSince } from '../../src/newrelic/checkpoint-plan.ts'
import { fetchCheckpointData } from '../../src/newrelic/fetch-checkpoint.ts'
import { fetchIncremental } from '../../src/newrelic/fetch-incremental.ts'
import { ACCOUNT_ID, FROM, HOUR, app, clientFor, direct, scenario, startSim } from './sim-helpers.ts'

// 04:00:30 to 05:30:45: 90 minutes and 15 seconds; the canary joins at 04:00:30 sharp.
const from = FROM + 2 * HOUR + 30_000
const until = FROM + 3.5 * HOUR + 45_000
const hosts = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS09', joins: new Date(from).toISOString() }]

t.test('seriesSince starts a whole number of buckets before until', async t => {
  t.equal(seriesSince({ since: from, until }, 1), until - 91 * 60_000)
  t.equal(seriesSince({ since: from, until: from + 10 * 60_000 }, 2), from, 'a window of whole buckets starts where it does')
  t.equal(seriesSince({ since: 0, until: 5 * 60_000 + 1 }, 5), 1 - 5 * 60_000)
})

t.test('an analysis window not on whole minutes: full buckets inside the window only', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI', { throughputRpm: 600, hosts }), app('Orders API', { hosts })]))
  const client = clientFor(t, sim)
  const data = await fetchCheckpointData(client, {
    accountId: ACCOUNT_ID, apps: ['RESTAPI', 'Orders API'], canaryHosts: ['PRDIIS09'], baselineHosts: null, from, until
  })
  t.equal(data.bucketMinutes, 1)
  for (const a of data.apps) {
    const starts = [...new Set(a.window.series.map(p => p.startMs))].sort((x, y) => x - y)
    t.equal(starts[0], until - 90 * 60_000, `${a.app}: the first bucket is the first full one inside the window (04:00:45)`)
    t.equal(starts.length, 90, `${a.app}: 90 buckets of a minute, ending at until`)
    t.equal(starts.at(-1), until - 60_000)
    t.ok(a.window.series.every(p => p.startMs >= from), `${a.app}: nothing before from`)
    const canary = a.window.series.filter(p => p.host === 'PRDIIS09')
    t.equal(canary.length, 90, `${a.app}: the canary in every bucket`)
    // What the buckets hold is exactly the traffic from their first start to until.
    const direct2 = await direct(client, `SELECT count(*) FROM Transaction WHERE appName = '${a.app}' FACET host ` +
      `SINCE ${starts[0]} UNTIL ${until} LIMIT MAX`)
    for (const row of direct2) {
      const sum = a.window.series.filter(p => p.host === row.host).reduce((s, p) => s + p.count, 0)
      t.equal(sum, row.count, `${a.app} ${String(row.host)}: buckets add up`)
    }
  }

  const out = await runAnalysis(client, {
    accountId: ACCOUNT_ID, apps: [{ name: 'RESTAPI' }, { name: 'Orders API' }], canaryHosts: ['PRDIIS09'], baselineHosts: null
  }, { from, until }, { asOf: until })
  for (const a of out.result.apps) {
    const throughput = a.metrics.find(m => m.metric === 'throughput')
    t.equal(throughput?.status, 'PASS', `${a.app}: a healthy canary that joined at from gets its share (${throughput?.detail})`)
    t.equal(a.metrics.find(m => m.metric === 'coverage')?.status, 'PASS')
  }
  t.equal(out.series.RESTAPI.start[0], until - 90 * 60_000, 'the board\'s series start inside the window too')
})

t.test('a window with milliseconds (a startAt taken from new Date()) still reads its series', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI', { throughputRpm: 600, hosts })]))
  const client = clientFor(t, sim)
  // A rollout created at 04:00:30.446 judges [04:00:30.446, 05:30:45.446) at its first checkpoint.
  const req = {
    accountId: ACCOUNT_ID, apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], baselineHosts: null, from: from + 446, until: until + 446
  }
  const full = await fetchCheckpointData(client, req)
  const first = await fetchIncremental(client, req)
  // The second checkpoint continues the first's carried state, as a rollout's next look does.
  const next = await fetchIncremental(client, { ...req, until: until + 446 + 30 * 60_000, carry: first.carry })
  t.ok(next.continued, 'the next look continues the first')
  for (const [name, data] of [['full read', full], ['incremental read', first.data], ['continued read', next.data]] as const) {
    const points = data.apps[0].window.series
    const canary = points.filter(p => p.host === 'PRDIIS09')
    const served = data.apps[0].window.hosts.find(h => h.host === 'PRDIIS09')?.count ?? 0
    t.ok(served > 0, `${name}: the canary served ${served}`)
    // Within a few %: whole buckets only, and host counts come from per-minute metric data.
    const inBuckets = canary.reduce((s, p) => s + p.count, 0)
    t.ok(Math.abs(inBuckets - served) < 0.03 * served, `${name}: its buckets hold that traffic (${inBuckets}), not zeros`)
  }
})
