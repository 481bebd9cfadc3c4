import t from 'tap'
import { SMALL_WINDOW as W, gql, nrql, startSim } from './helpers.ts'

const UNTIL_MS = Date.parse('2025-09-08T10:30:00Z')
const JOIN_MS = Date.parse('2025-09-08T04:30:00Z')
const MINUTE = "SINCE '2025-09-08 05:00:00' UNTIL '2025-09-08 05:01:00'"

t.test('TIMESERIES bucket bounds are whole seconds', async t => {
  // A clock with milliseconds, as Date.now() has, for `N minutes ago`.
  const sim = await startSim(t, { now: () => UNTIL_MS - 5 * 60_000 + 437 })
  const sinceMs = JOIN_MS + 123
  const rows = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999} TIMESERIES 1 minute`)
  t.equal(rows.length, 10, 'SINCE 04:30:00.123 UNTIL 04:40:00.999 is 04:30:00 to 04:40:00 in whole seconds: ten buckets')
  for (const r of rows) {
    t.ok(Number.isInteger(r.beginTimeSeconds) && Number.isInteger(r.endTimeSeconds), `${r.beginTimeSeconds} - ${r.endTimeSeconds}`)
  }
  t.equal(rows[0].beginTimeSeconds, JOIN_MS / 1000, 'SINCE is floored to the second')
  const [whole] = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999}`)
  t.equal(rows.reduce((s, r) => s + r.count, 0), whole.count, 'bucketed counts add up to the unbucketed count of the same window')
  const [floored] = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${JOIN_MS} UNTIL ${JOIN_MS + 10 * 60_000}`)
  t.equal(whole.count, floored.count, 'counting uses the same whole seconds')
  const faceted = await nrql(sim,
    `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999} FACET host TIMESERIES 1 minute`)
  t.equal(faceted.reduce((s, r) => s + r.count, 0), whole.count, 'faceted sums equal the unfaceted count')

  const ago = await nrql(sim, 'SELECT count(*) FROM Transaction SINCE 30 minutes ago TIMESERIES 5 minutes')
  t.equal(ago.length, 6)
  for (const r of ago) {
    t.ok(Number.isInteger(r.beginTimeSeconds) && Number.isInteger(r.endTimeSeconds), `ago: ${r.beginTimeSeconds} - ${r.endTimeSeconds}`)
  }

  const { body } = await gql(sim.url,
    `{ actor { account(id: 1000001) { nrql(query: "SELECT count(*) FROM Transaction TIMESERIES 1.5 seconds ${W}") { results } } } }`)
  t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', 'a bucket of a fractional number of seconds is refused')
})

t.test('facet values are strings (the attribute keeps its type); a missing attribute gives null', async t => {
  const sim = await startSim(t, { now: () => UNTIL_MS })
  const byError = await nrql(sim, `SELECT count(*) FROM Transaction FACET error ${W}`)
  t.same(byError.map(r => r.facet).sort(), ['false', 'true'])
  for (const r of byError) t.equal(r.error, r.facet === 'true', 'error under its own name stays a boolean')
  const [byTime] = await nrql(sim, `SELECT count(*) FROM Transaction FACET timestamp ${MINUTE} LIMIT 1`)
  t.equal(typeof byTime.facet, 'string')
  t.equal(byTime.facet, String(byTime.timestamp))
  const several = await nrql(sim, `SELECT count(*) FROM Transaction FACET host, error, duration ${MINUTE} LIMIT 3`)
  for (const r of several) {
    t.ok(Array.isArray(r.facet) && r.facet.every((v: unknown) => typeof v === 'string'), JSON.stringify(r.facet))
    t.same(r.facet, [r.host, String(r.error), String(r.duration)])
  }
  const series = await nrql(sim, `SELECT count(*) FROM Transaction FACET error TIMESERIES 2 hours ${W}`)
  t.ok(series.every(r => typeof r.facet === 'string'), 'FACET with TIMESERIES too')
  const [missing] = await nrql(sim, `SELECT count(*) FROM Transaction FACET nosuch ${W}`)
  t.equal(missing.facet, null)
  t.equal(missing.nosuch, null)
  const [missingOfTwo] = await nrql(sim, `SELECT count(*) FROM Transaction FACET nosuch, error ${W} LIMIT 1`)
  t.same(missingOfTwo.facet, [null, String(missingOfTwo.error)])
})

t.test('result keys never collide: percentiles merge, other clashes are INVALID_INPUT', async t => {
  const sim = await startSim(t, { now: () => UNTIL_MS })
  const [merged] = await nrql(sim, `SELECT percentile(duration, 95), percentile(duration, 50) FROM Transaction ${W}`)
  const [both] = await nrql(sim, `SELECT percentile(duration, 50, 95) FROM Transaction ${W}`)
  t.same(merged, both, 'two unaliased percentile() of one attribute give one object keyed by both')
  t.same(Object.keys(merged['percentile.duration']).sort(), ['50', '95'])
  const facetedMerged = await nrql(sim,
    `SELECT percentile(duration, 95), count(*), percentile(duration, 50, 99) FROM Transaction FACET host ${W}`)
  t.same(Object.keys(facetedMerged[0]['percentile.duration']).sort(), ['50', '95', '99'])
  const [medians] = await nrql(sim, `SELECT median(duration), median(duration) FROM Transaction ${W}`)
  t.same(Object.keys(medians['median.duration']), ['50'])
  const [distinct] = await nrql(sim, `SELECT percentile(duration, 95), percentile(duration, 50) AS 'p50' FROM Transaction ${W}`)
  t.same(Object.keys(distinct).sort(), ['p50', 'percentile.duration'], 'an aliased one keeps its own key')

  const refused: Array<[string, string]> = [
    [`SELECT filter(count(*), WHERE error IS TRUE), filter(count(*), WHERE host = 'PRDIIS01') FROM Transaction ${W}`, 'filter'],
    [`SELECT count(*), count(*) FROM Transaction ${W}`, 'count'],
    [`SELECT count(*) AS 'n', average(duration) AS 'n' FROM Transaction ${W}`, 'n'],
    [`SELECT percentile(duration, 95) AS 'p', percentile(duration, 50) AS 'p' FROM Transaction ${W}`, 'p'],
    [`SELECT count(*) AS 'host' FROM Transaction FACET host ${W}`, 'host'],
    [`SELECT count(*) AS 'error' FROM Transaction FACET host, error ${W}`, 'error'],
    [`SELECT count(*) AS 'facet' FROM Transaction FACET host ${W}`, 'facet'],
    [`SELECT count(*) AS 'beginTimeSeconds' FROM Transaction TIMESERIES 1 hour ${W}`, 'beginTimeSeconds'],
    [`SELECT count(*) AS endTimeSeconds FROM Transaction ${W} TIMESERIES`, 'endTimeSeconds']
  ]
  for (const [query, key] of refused) {
    const { status, body } = await gql(sim.url, 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q) { results } } } }',
      { q: query })
    t.equal(status, 200, query)
    t.equal(body.data?.actor.account.nrql, null)
    t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT')
    t.match(body.errors?.[0].message, new RegExp(`'${key}'.*AS`), `names '${key}' and suggests AS: ${body.errors?.[0].message}`)
  }
  // Without FACET or TIMESERIES these names collide with nothing.
  const [free] = await nrql(sim, `SELECT count(*) AS 'host', count(*) AS 'facet', count(*) AS 'beginTimeSeconds' FROM Transaction ${W}`)
  t.same(Object.keys(free).sort(), ['beginTimeSeconds', 'facet', 'host'])
})

t.test('an empty NRQL string is bad NRQL (INVALID_INPUT)', async t => {
  const sim = await startSim(t)
  for (const q of ['', '   ']) {
    const { status, body } = await gql(sim.url, 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q) { results } } } }',
      { q })
    t.equal(status, 200)
    t.equal(body.data?.actor.account.nrql, null)
    t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', `${JSON.stringify(q)}: ${body.errors?.[0].message}`)
  }
})
