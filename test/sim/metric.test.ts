import t from 'tap'
import { SMALL_WINDOW as W, gql, nrql, startSim } from './helpers.ts'

const HOUR = "SINCE '2025-09-08 05:00:00' UNTIL '2025-09-08 06:00:00'"
const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))

t.test('apm.service.transaction.duration summarises every transaction', async t => {
  const sim = await startSim(t)
  const metric = await nrql(sim, `SELECT count(apm.service.transaction.duration) AS n, sum(apm.service.transaction.duration) AS s,
    average(apm.service.transaction.duration) AS a, min(apm.service.transaction.duration) AS mn, max(apm.service.transaction.duration) AS mx
    FROM Metric WHERE appName = 'RESTAPI' AND transactionType = 'Web' FACET host ${W}`)
  const events = await nrql(sim, `SELECT count(*) AS n, sum(duration) AS s, average(duration) AS a, min(duration) AS mn, max(duration) AS mx
    FROM Transaction WHERE appName = 'RESTAPI' FACET host ${W}`)
  t.same(metric.map(r => r.host), events.map(r => r.host), 'the same hosts in the same order')
  metric.forEach((m, i) => {
    const e = events[i]
    t.equal(m.n, e.n, `${m.host as string}: count = the transactions`)
    t.ok(near(m.s, e.s) && near(m.a, e.a), `${m.host as string}: sum and average in seconds (${m.a})`)
    t.same([m.mn, m.mx], [e.mn, e.mx], `${m.host as string}: min and max`)
  })

  const byName = await nrql(sim, `SELECT count(apm.service.transaction.duration) FROM Metric FACET transactionName ${W}`)
  const names = await nrql(sim, `SELECT count(*) FROM Transaction FACET name ${W}`)
  t.same(byName.map(r => [r.facet, r['count.apm.service.transaction.duration']]), names.map(r => [r.facet, r.count]), 'per transactionName')

  const series = await nrql(sim, `SELECT rate(count(apm.service.transaction.duration), 1 minute) AS rpm FROM Metric
    WHERE host = 'PRDIIS01' TIMESERIES 1 minute ${HOUR}`)
  const eventSeries = await nrql(sim, `SELECT count(*) AS rpm FROM Transaction WHERE host = 'PRDIIS01' TIMESERIES 1 minute ${HOUR}`)
  t.same(series, eventSeries, 'per-minute throughput, TIMESERIES with SINCE/UNTIL')
})

t.test('apm.service.error.count and the other dimensions', async t => {
  const sim = await startSim(t)
  const [errs] = await nrql(sim, `SELECT count(apm.service.error.count) AS c, sum(apm.service.error.count) AS s
    FROM Metric WHERE appName = 'RESTAPI' ${W}`)
  const [te] = await nrql(sim, `SELECT count(*) AS n FROM TransactionError ${W}`)
  t.same([errs.c, errs.s], [te.n, te.n], 'count() and sum() of the error counter are the errors')
  const rate = await nrql(sim, `SELECT filter(count(apm.service.error.count), WHERE host = 'PRDIIS09') AS e,
    filter(count(apm.service.transaction.duration), WHERE host = 'PRDIIS09') AS n FROM Metric ${W}`)
  const [ev] = await nrql(sim,
    `SELECT filter(count(*), WHERE error IS TRUE) AS e, count(*) AS n FROM Transaction WHERE host = 'PRDIIS09' ${W}`)
  t.same([rate[0].e, rate[0].n], [ev.e, ev.n], 'filter() over metrics')
  const txnErrors = await nrql(sim, `SELECT sum(apm.service.transaction.error.count) FROM Metric FACET transactionName ${W} LIMIT 1`)
  const [topErrors] = await nrql(sim, `SELECT count(*) FROM TransactionError FACET transactionName ${W} LIMIT 1`)
  t.same([txnErrors[0].facet, txnErrors[0]['sum.apm.service.transaction.error.count']], [topErrors.facet, topErrors.count],
    'apm.service.transaction.error.count per transaction')

  const metrics = await nrql(sim, `SELECT count(*) FROM Metric FACET metricName ${W}`)
  t.same(metrics.map(r => r.facet).sort(),
    ['apm.service.error.count', 'apm.service.transaction.duration', 'apm.service.transaction.error.count'], 'metricName')
  const { body } = await gql(sim.url, '{ actor { entitySearch(query: "name = \'RESTAPI\'") { results { entities { guid } } } } }')
  const guid = body.data.actor.entitySearch.results.entities[0].guid
  const [viaGuid] = await nrql(sim,
    `SELECT count(apm.service.transaction.duration) AS n FROM Metric WHERE entity.guid = '${guid as string}' ${W}`)
  const [all] = await nrql(sim, `SELECT count(apm.service.transaction.duration) AS n FROM Metric ${W}`)
  t.equal(viaGuid.n, all.n, 'entity.guid is the entitySearch guid')
  const [slices] = await nrql(sim,
    `SELECT uniqueCount(metricTimesliceName) AS u FROM Metric WHERE metricName = 'apm.service.transaction.duration' ${W}`)
  t.equal(slices.u, 5, 'metricTimesliceName: one per transaction name')
  const [other] = await nrql(sim, `SELECT count(apm.service.transaction.duration) AS n FROM Metric WHERE transactionType = 'Other' ${W}`)
  t.equal(other.n, 0, 'only Web transactions')
})

t.test('metric windows snap to the minute; unsupported functions are INVALID_INPUT', async t => {
  const sim = await startSim(t)
  const [snapped] = await nrql(sim,
    "SELECT count(apm.service.transaction.duration) AS n FROM Metric SINCE '2025-09-08 05:00:30' UNTIL '2025-09-08 05:10:45'")
  const [minutes] = await nrql(sim, "SELECT count(*) AS n FROM Transaction SINCE '2025-09-08 05:00:00' UNTIL '2025-09-08 05:10:00'")
  t.equal(snapped.n, minutes.n, 'SINCE and UNTIL snap down to the minute')
  const unsupported = [
    `SELECT percentile(apm.service.transaction.duration, 95) FROM Metric ${W}`,
    `SELECT latest(apm.service.error.count) FROM Metric ${W}`
  ]
  for (const q of unsupported) {
    const { body } = await gql(sim.url, 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q) { results } } } }', { q })
    t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', body.errors?.[0].message ?? q)
  }
})

t.test('a host that does not report sends no metrics either', async t => {
  const s = {
    name: 'quiet',
    accountId: 1000001,
    seed: 3,
    from: '2025-09-08T02:30:00Z',
    until: '2025-09-08T03:30:00Z',
    apps: [{
      name: 'A',
      throughputRpm: 100,
      latency: { medianMs: 50, sigma: 0.3 },
      hosts: [{ name: 'x' }, { name: 'y' }],
      effects: [{ host: 'y', reporting: false }]
    }]
  }
  const sim = await startSim(t, { scenario: s })
  const rows = await nrql(sim,
    "SELECT count(apm.service.transaction.duration) FROM Metric FACET host SINCE '2025-09-08 02:30:00' UNTIL '2025-09-08 03:30:00'")
  t.same(rows.map(r => r.host), ['x'])
})
