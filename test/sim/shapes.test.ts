import t from 'tap'
import { SMALL_WINDOW as W, gql, nrql, startSim } from './helpers.ts'

const UNTIL_MS = Date.parse('2025-09-08T10:30:00Z')
const JOIN_MS = Date.parse('2025-09-08T04:30:00Z')

t.test('TIMESERIES bucket bounds are whole seconds', async t => {
  // A clock with milliseconds, as Date.now() has, for `N minutes ago`.
  const sim = await startSim(t, { now: () => UNTIL_MS - 5 * 60_000 + 437 })
  const sinceMs = JOIN_MS + 123
  const rows = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999} TIMESERIES 1 minute`)
  t.equal(rows.length, 10, 'SINCE 04:30:00.123 UNTIL 04:40:00.999 is 04:30:00 to 04:40:00 in whole seconds: ten buckets')
  for (const r of rows) t.ok(Number.isInteger(r.beginTimeSeconds) && Number.isInteger(r.endTimeSeconds), `${r.beginTimeSeconds} - ${r.endTimeSeconds}`)
  t.equal(rows[0].beginTimeSeconds, JOIN_MS / 1000, 'SINCE is floored to the second')
  const [whole] = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999}`)
  t.equal(rows.reduce((s, r) => s + r.count, 0), whole.count, 'bucketed counts add up to the unbucketed count of the same window')
  const [floored] = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${JOIN_MS} UNTIL ${JOIN_MS + 10 * 60_000}`)
  t.equal(whole.count, floored.count, 'counting uses the same whole seconds')
  const faceted = await nrql(sim, `SELECT count(*) FROM Transaction SINCE ${sinceMs} UNTIL ${JOIN_MS + 10 * 60_000 + 999} FACET host TIMESERIES 1 minute`)
  t.equal(faceted.reduce((s, r) => s + r.count, 0), whole.count, 'faceted sums equal the unfaceted count')

  const ago = await nrql(sim, 'SELECT count(*) FROM Transaction SINCE 30 minutes ago TIMESERIES 5 minutes')
  t.equal(ago.length, 6)
  for (const r of ago) t.ok(Number.isInteger(r.beginTimeSeconds) && Number.isInteger(r.endTimeSeconds), `ago: ${r.beginTimeSeconds} - ${r.endTimeSeconds}`)

  const { body } = await gql(sim.url, `{ actor { account(id: 1000001) { nrql(query: "SELECT count(*) FROM Transaction TIMESERIES 1.5 seconds ${W}") { results } } } }`)
  t.equal(body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', 'a bucket of a fractional number of seconds is refused')
})
