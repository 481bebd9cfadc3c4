import t from 'tap'
import type { Test } from 'tap'
import type { Scenario } from '../../src/sim/index.ts'
import { POOL_ADD, nrql, startSim } from './helpers.ts'

/** |observed - expected| within 4 standard errors of a Poisson count. */
function poissonNear (t: Test, what: string, observed: number, expected: number): void {
  t.ok(Math.abs(observed - expected) <= 4 * Math.sqrt(expected), `${what}: ${observed} vs ${expected} expected`)
}

t.test('pool-add numbers are pinned (minutes without changes inside generate as they always did)', async t => {
  const sim = await startSim(t, { scenario: POOL_ADD })
  const rows = await nrql(sim,
    "SELECT count(*), filter(count(*), WHERE error IS TRUE) AS 'errors', sum(duration), percentile(duration, 95) FROM Transaction " +
    "FACET appName SINCE '2026-11-25 02:30:00' UNTIL '2026-11-25 10:30:00' LIMIT MAX", 3300001)
  const pinned: Array<[string, number, number, number, number]> = [
    ['Customer Portal', 1308205, 7999, 386149.7796659995, 0.642052],
    ['RESTAPI', 891528, 3596, 128129.73548600014, 0.321741],
    ['Search Service', 591006, 1771, 68059.35508199998, 0.285566],
    ['Auth.Gateway v2', 433533, 2290, 29493.439847000016, 0.136574],
    ['Orders API', 311541, 2531, 74661.29237099999, 0.537444],
    ['Inventory.Sync', 230905, 2750, 111161.634012, 1.300585],
    ['Billing.Service', 143462, 1834, 48234.43752, 0.755649],
    ['Shipping Rates', 106003, 2118, 18073.931280999997, 0.341949],
    ['Loyalty.Points', 71423, 256, 8881.384133, 0.249936],
    ["O'Brien's API", 40858, 267, 7852.177997999999, 0.429136],
    ['Notifications.Worker', 21443, 45, 1624.1767619999998, 0.135399],
    ['Payroll.Export', 2854, 27, 3363.9722349999997, 2.884941]
  ]
  t.same(rows.map(r => r.appName), pinned.map(p => p[0]))
  for (const [app, count, errors, sum, p95] of pinned) {
    const row = rows.find(r => r.appName === app)
    t.same([row.count, row.errors, row['percentile.duration']['95']], [count, errors, p95], app)
    t.ok(Math.abs(row['sum.duration'] - sum) < 1e-6 * sum, `${app} sum(duration)`)
  }
})

const MID: Scenario = {
  name: 'mid-minute',
  accountId: 12,
  seed: 3,
  from: '2026-07-01T00:00:00Z',
  until: '2026-07-01T01:00:00Z',
  apps: [{
    name: 'm',
    throughputRpm: 6000,
    latency: { medianMs: 100, sigma: 0.3 },
    errorRate: 0,
    hosts: [{ name: 'stay' }, { name: 'leaver', leaves: '2026-07-01T00:10:30Z' }, { name: 'joiner', joins: '2026-07-01T00:20:45Z' }],
    effects: [
      { host: 'stay', from: '2026-07-01T00:30:30Z', until: '2026-07-01T00:31:30Z', reporting: false },
      { host: 'stay', from: '2026-07-01T00:40:59Z', until: '2026-07-01T00:42:01Z', newErrors: { Boom: 1 } },
      { host: 'joiner', from: '2026-07-01T00:50:15.250Z', until: '2026-07-01T00:50:40Z', trafficMultiplier: 3 }
    ]
  }]
}

t.test('joins, leaves and effects off the whole minute take effect at their own instant', async t => {
  const sim = await startSim(t, { scenario: MID, now: () => Date.parse('2026-07-01T01:00:00Z') })
  const one = async (q: string): Promise<any> => (await nrql(sim, q, 12))[0]
  const count = async (host: string, since: string, until: string): Promise<number> =>
    (await one(`SELECT count(*) FROM Transaction WHERE host = '${host}' SINCE '2026-07-01T${since}Z' UNTIL '2026-07-01T${until}Z'`)).count

  // leaver serves [.., 00:10:30): it and stay share 6000 rpm until then, stay alone after
  // (joiner has not joined yet).
  const last = await one("SELECT max(timestamp) FROM Transaction WHERE host = 'leaver'")
  t.ok(last['max.timestamp'] < Date.parse('2026-07-01T00:10:30Z'), `leaver's last event ${new Date(last['max.timestamp']).toISOString()}`)
  t.equal(await count('leaver', '00:10:30', '00:20:00'), 0, 'no event after leaving')
  poissonNear(t, 'leaver 00:10:00-00:10:30', await count('leaver', '00:10:00', '00:10:30'), 1500)
  poissonNear(t, 'stay 00:10:00-00:10:30 (2 hosts)', await count('stay', '00:10:00', '00:10:30'), 1500)
  poissonNear(t, 'stay 00:10:30-00:11:00 (alone)', await count('stay', '00:10:30', '00:11:00'), 3000)

  // joiner serves from 00:20:45.
  t.equal(await count('joiner', '00:00:00', '00:20:45'), 0, 'no event before joining')
  poissonNear(t, 'joiner 00:20:45-00:21:00', await count('joiner', '00:20:45', '00:21:00'), 750)
  poissonNear(t, 'stay 00:20:00-00:20:45 (alone)', await count('stay', '00:20:00', '00:20:45'), 4500)

  // stay does not report in [00:30:30, 00:31:30).
  t.equal(await count('stay', '00:30:30', '00:31:30'), 0, 'no event while not reporting')
  poissonNear(t, 'stay 00:30:00-00:30:30', await count('stay', '00:30:00', '00:30:30'), 1500)
  poissonNear(t, 'stay 00:31:30-00:32:00', await count('stay', '00:31:30', '00:32:00'), 1500)

  // newErrors with probability 1 in [00:40:59, 00:42:01): every transaction of stay, none outside.
  const errs = async (since: string, until: string): Promise<number> =>
    (await one(`SELECT count(*) FROM TransactionError SINCE '2026-07-01T${since}Z' UNTIL '2026-07-01T${until}Z'`)).count
  t.equal(await errs('00:40:59', '00:42:01'), await count('stay', '00:40:59', '00:42:01'), 'all of stay errs inside the effect')
  t.equal(await errs('00:00:00', '00:40:59') + await errs('00:42:01', '01:00:00'), 0, 'no error outside it')

  // trafficMultiplier 3 on joiner over [00:50:15.250, 00:50:40).
  poissonNear(t, 'joiner x3 for 24.75 s', await count('joiner', '00:50:15.250', '00:50:40'), 3000 * 3 * 24.75 / 60)
  poissonNear(t, 'joiner x1 for 15.25 s before', await count('joiner', '00:50:00', '00:50:15.250'), 3000 * 15.25 / 60)

  // Still one set of events: faceted and bucketed counts add up, timestamps are in order.
  const total = (await one('SELECT count(*) FROM Transaction')).count
  const faceted = await nrql(sim, 'SELECT count(*) FROM Transaction FACET host', 12)
  t.equal(faceted.reduce((s, r) => s + r.count, 0), total)
  const series = await nrql(sim, 'SELECT count(*) FROM Transaction TIMESERIES 1 minute', 12)
  t.equal(series.reduce((s, r) => s + r.count, 0), total)
})
