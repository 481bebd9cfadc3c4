import t from 'tap'
import { NrqlTemplateError } from '../../src/newrelic/errors.ts'
import { DEFAULT_PRE_WINDOW_MS, fetchCheckpointData, type FetchRequest } from '../../src/newrelic/fetch-checkpoint.ts'
import { quoteList, quoteString } from '../../src/newrelic/nrql.ts'
import type { NerdGraphClient } from '../../src/newrelic/client.ts'
import type { AppData } from '../../src/judge/input.ts'
import { ACCOUNT_ID, FROM, HOUR, app, clientFor, direct, directNumber, scenario, startSim } from './sim-helpers.ts'

// Window 04:00-08:00 (the canary PRDIIS09 joins at 04:00); default pre-window: the 6 hours before (data from 00:00).
const WINDOW_FROM = FROM + 2 * HOUR
const WINDOW_UNTIL = FROM + 6 * HOUR
const NAMES = ['RESTAPI', "O'Brien's API", 'My App.Web v2', 'Back\\slash  app']

function request (apps: string[], extra: Partial<FetchRequest> = {}): FetchRequest {
  return { accountId: ACCOUNT_ID, apps, canaryHosts: ['prdiis09'], baselineHosts: null, from: WINDOW_FROM, until: WINDOW_UNTIL, ...extra }
}

const since = (from = WINDOW_FROM, until = WINDOW_UNTIL): string => `SINCE ${from} UNTIL ${until}`

async function p95 (client: NerdGraphClient, appName: string, hosts: string[], from = WINDOW_FROM, until = WINDOW_UNTIL): Promise<number> {
  const rows = await direct(client, `SELECT percentile(duration, 95) FROM Transaction WHERE appName = ${quoteString('app', appName)} ` +
    `AND host IN ${quoteList('hosts', hosts)} ${since(from, until)}`)
  return (rows[0]['percentile.duration'] as Record<string, number>)['95']
}

async function count (client: NerdGraphClient, appName: string, where = ''): Promise<number> {
  return await directNumber(
    client, `SELECT count(*) FROM Transaction WHERE appName = ${quoteString('app', appName)} ${where} ${since()}`, 'count'
  ) as number
}

t.test('numbers equal direct single queries', async t => {
  const sim = await startSim(t, scenario(NAMES.map(name => app(name))))
  const client = clientFor(t, sim)
  const data = await fetchCheckpointData(client, request(NAMES))
  // Round 1's six queries (host stats, host p95s and error classes of the window and the
  // pre-window) take two requests of five queries, and so do round 2's.
  t.equal(sim.stats().requests, 4, 'two rounds of two requests')
  t.equal(data.preFrom, WINDOW_FROM - DEFAULT_PRE_WINDOW_MS)
  t.equal(data.bucketMinutes, 1)
  t.same(data.apps.map(a => a.app), NAMES, 'apps in the order asked, names round-trip')

  for (const appData of data.apps) {
    const name = appData.app
    const w = appData.window
    t.same(w.hosts.map(h => h.host), ['PRDIIS01', 'PRDIIS02', 'PRDIIS09'], `${name}: reported hosts`)
    const total = await count(client, name)
    t.ok(total > 10_000, `${name}: has traffic`)
    t.equal(sum(w.hosts.map(h => h.count)), total, `${name}: host counts add up`)
    t.equal(sum(w.hosts.map(h => h.errors)), await count(client, name, 'AND error IS TRUE'), `${name}: errors add up`)
    t.equal(w.canary.count, await count(client, name, "AND host = 'PRDIIS09'"), `${name}: canary count`)
    t.equal(w.baseline.count, total - w.canary.count, `${name}: baseline count`)
    t.equal(w.canary.p95S, await p95(client, name, ['PRDIIS09']), `${name}: canary p95`)
    t.equal(w.baseline.p95S, await p95(client, name, ['PRDIIS01', 'PRDIIS02']), `${name}: baseline p95`)

    const threshold = await p95(client, name, ['PRDIIS01', 'PRDIIS02'], WINDOW_FROM - DEFAULT_PRE_WINDOW_MS, WINDOW_FROM)
    t.equal(appData.slowThresholdS, threshold, `${name}: threshold is the baseline p95 of the pre-window`)
    t.equal(w.canary.slow, await count(client, name, `AND host = 'PRDIIS09' AND duration > ${threshold}`), `${name}: canary slow`)
    t.equal(w.baseline.slow, await count(client, name, `AND host IN ('PRDIIS01', 'PRDIIS02') AND duration > ${threshold}`),
      `${name}: baseline slow`)

    const errors = await directNumber(
      client, `SELECT count(*) FROM TransactionError WHERE appName = ${quoteString('app', name)} ${since()}`, 'count'
    )
    t.equal(sum(w.errorClasses.map(e => e.count)), errors, `${name}: error classes add up`)
    t.same(new Set(w.errorClasses.map(e => e.errorClass)), new Set(['System.Net.WebException', 'System.TimeoutException']))

    for (const host of w.hosts) {
      const points = w.series.filter(p => p.host === host.host)
      t.equal(points.length, 240, `${name} ${host.host}: one point per minute`)
      t.equal(sum(points.map(p => p.count)), host.count, `${name} ${host.host}: series adds up`)
      t.equal(sum(points.map(p => p.errors)), host.errors)
      t.ok(points.every((p, i) => p.startMs === WINDOW_FROM + i * 60_000), 'buckets in order, epoch ms')
    }

    t.same(appData.pre.hosts.map(h => h.host), ['PRDIIS01', 'PRDIIS02'], `${name}: the canary had not joined before`)
    t.ok(appData.pre.errorClasses.length > 0)
  }
})

t.test('hosts match case-insensitively; configured baseline', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI')]))
  const client = clientFor(t, sim)
  const data = await fetchCheckpointData(client, request(['RESTAPI'], { canaryHosts: ['PrdIis09 '], baselineHosts: ['prdiis01'] }))
  const w = data.apps[0].window
  const byHost = Object.fromEntries(w.hosts.map(h => [h.host, h.count]))
  t.equal(w.canary.count, byHost.PRDIIS09, 'configured prdiis09 matches reported PRDIIS09')
  t.equal(w.baseline.count, byHost.PRDIIS01, 'only the configured baseline host')
  t.equal(w.baseline.p95S, await p95(client, 'RESTAPI', ['PRDIIS01']))
  t.same(data.canaryHosts, ['PrdIis09 '], 'configured names kept as configured')
  t.same(data.baselineHosts, ['prdiis01'])
})

t.test('no data, a silent canary, a hostile name', async t => {
  const silent = app('Silent Canary', { effects: [{ host: 'PRDIIS09', reporting: false }] })
  const sim = await startSim(t, scenario([app('RESTAPI'), silent]))
  const client = clientFor(t, sim)
  const hostile = "x') OR appName LIKE ('%"
  const data = await fetchCheckpointData(client, request(['Nobody', 'Silent Canary', hostile, 'RESTAPI', 'Nobody']))
  t.same(data.apps.map(a => a.app), ['Nobody', 'Silent Canary', hostile, 'RESTAPI'], 'order kept, duplicates dropped')
  for (const empty of [data.apps[0], data.apps[2]]) {
    t.same(empty.window.hosts, [], `${empty.app}: no hosts`)
    t.same(empty.pre.hosts, [])
    t.same(empty.window.series, [])
    t.same(empty.window.errorClasses, [])
    t.equal(empty.slowThresholdS, null)
    t.same(empty.window.canary, { count: 0, p50S: null, p95S: null, p99S: null, slow: null })
    t.same(empty.window.baseline, { count: 0, p50S: null, p95S: null, p99S: null, slow: null })
  }
  const quiet = data.apps[1] as AppData
  t.same(quiet.window.hosts.map(h => h.host), ['PRDIIS01', 'PRDIIS02'], 'a canary that reports nothing does not appear')
  t.same(quiet.window.canary, { count: 0, p50S: null, p95S: null, p99S: null, slow: 0 })
  t.ok(quiet.window.baseline.count > 0)
  t.ok(quiet.slowThresholdS !== null)
})

t.test('fifty apps in at most three rounds; two with thresholds given', async t => {
  const names = Array.from({ length: 50 }, (_, i) => `App ${String(i).padStart(2, '0')}.svc`)
  const sim = await startSim(t, scenario(names.map(name => app(name, { throughputRpm: 30 }))))
  // Rounds are what this counts: one request each when a request may carry them all (the
  // default of 5 queries a request makes each round a few requests side by side).
  const client = clientFor(t, sim, { maxQueriesPerRequest: 60 })
  const req = request(names, { from: FROM, until: FROM + 8 * HOUR })
  const data = await fetchCheckpointData(client, req)
  t.ok(sim.stats().requests <= 3, `${sim.stats().requests} requests, ${sim.stats().nrqlQueries} NRQL queries`)
  t.equal(data.bucketMinutes, 2, '8 hours in 2-minute buckets')
  t.ok(data.apps.every(a => a.window.hosts.length === 3 && a.window.series.length === 3 * 240))
  t.ok(data.apps.every(a => a.window.canary.slow !== null && a.window.baseline.slow !== null))

  sim.resetStats()
  const thresholds = Object.fromEntries(data.apps.map(a => [a.app, a.slowThresholdS as number]))
  const again = await fetchCheckpointData(client, { ...req, slowThresholdsS: thresholds })
  t.ok(sim.stats().requests <= 2, `${sim.stats().requests} requests with thresholds carried`)
  t.same(again, data, 'same data either way')
})

t.test('threshold falls back to the window baseline without a pre-window', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI')]))
  const client = clientFor(t, sim)
  // The scenario starts at 00:00, so a window from 00:00 has an empty pre-window.
  const data = await fetchCheckpointData(client, request(['RESTAPI'], { from: FROM - 2 * HOUR, until: FROM }))
  const a = data.apps[0]
  t.same(a.pre.hosts, [])
  t.equal(a.slowThresholdS, a.window.baseline.p95S)
  t.equal(a.window.canary.count, 0, 'PRDIIS09 joins later')
})

t.test('given thresholds are used as given', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI')]))
  const client = clientFor(t, sim)
  const data = await fetchCheckpointData(client, request(['RESTAPI'], { slowThresholdsS: { RESTAPI: 0.25, Other: 9 } }))
  t.equal(sim.stats().requests, 3, 'round 1: six interval queries and the slow counts in two requests; round 2 in one')
  t.equal(data.apps[0].slowThresholdS, 0.25)
  t.equal(data.apps[0].window.canary.slow, await count(client, 'RESTAPI', "AND host = 'PRDIIS09' AND duration > 0.25"))
})

t.test('pre-window bounds and request checks', async t => {
  const sim = await startSim(t, scenario([app('RESTAPI')]))
  const client = clientFor(t, sim)
  const wide = await fetchCheckpointData(client, request(['RESTAPI'], { preFrom: WINDOW_FROM - 48 * HOUR }))
  t.equal(wide.preFrom, WINDOW_FROM - 24 * HOUR, 'never more than 24 hours back')
  const none = await fetchCheckpointData(client, request(['RESTAPI'], { preFrom: WINDOW_FROM }))
  t.same(none.apps[0].pre.hosts, [], 'an empty pre-window is not queried')
  t.equal(none.apps[0].slowThresholdS, none.apps[0].window.baseline.p95S)

  sim.resetStats()
  await t.rejects(fetchCheckpointData(client, request(['RESTAPI'], { until: WINDOW_FROM })), RangeError)
  await t.rejects(fetchCheckpointData(client, request(['RESTAPI'], { preFrom: WINDOW_FROM + 1 })), RangeError)
  await t.rejects(fetchCheckpointData(client, request(['RESTAPI'], { slowThresholdsS: { RESTAPI: -1 } })), RangeError)
  await t.rejects(fetchCheckpointData(client, request(['bad\nname'])), NrqlTemplateError)
  t.equal(sim.stats().requests, 0, 'bad values fail before any request')
  // Configured names are only compared with reported ones, never written into NRQL.
  const odd = await fetchCheckpointData(client, request(['RESTAPI'], { canaryHosts: ['x'.repeat(300)] }))
  t.equal(odd.apps[0].window.canary.count, 0)
  const empty = await fetchCheckpointData(client, request([]))
  t.same(empty.apps, [])
})

function sum (values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
