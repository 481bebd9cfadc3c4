import t from 'tap'
import { gql, nrql, startSim } from './helpers.ts'

const at = (hms: string): number => Date.parse(`2025-09-08T${hms}Z`) / 1000

t.test('TIMESERIES buckets end at UNTIL; the start moves forward to the first full bucket', async t => {
  const sim = await startSim(t)
  // New Relic's own example: 5-minute buckets over a window that is not a whole number of them.
  const window = "SINCE '2025-09-08 02:34:59' UNTIL '2025-09-08 10:03:12'"
  const rows = await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES 5 minutes ${window}`)
  t.equal(rows.length, 89, '7 h 28 min 13 s holds 89 full 5-minute buckets')
  t.equal(rows[0].beginTimeSeconds, at('02:38:12'), 'the first bucket starts at UNTIL minus 89 buckets')
  t.equal(rows[rows.length - 1].endTimeSeconds, at('10:03:12'), 'the last bucket ends at UNTIL')
  const contiguous = rows.every((r, i) => i === 0 || r.beginTimeSeconds === rows[i - 1].endTimeSeconds)
  t.ok(contiguous && rows.every(r => r.endTimeSeconds - r.beginTimeSeconds === 300),
    'every bucket is 5 minutes, one after the other')
  const [inside] = await nrql(sim, "SELECT count(*) FROM Transaction SINCE '2025-09-08 02:38:12' UNTIL '2025-09-08 10:03:12'")
  t.equal(rows.reduce((s, r) => s + r.count, 0), inside.count, 'the buckets count exactly the events of the full buckets')
  const [all] = await nrql(sim, `SELECT count(*) FROM Transaction ${window}`)
  t.ok(all.count > inside.count, 'the dropped partial bucket at the start had events (without TIMESERIES they count)')

  const metadata = 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q) { metadata { timeWindow { begin end } } } } } }'
  const { body } = await gql(sim.url, metadata,
    { q: `SELECT count(*) FROM Transaction TIMESERIES 5 minutes ${window}` })
  t.same(body.data.actor.account.nrql.metadata.timeWindow, { begin: at('02:38:12') * 1000, end: at('10:03:12') * 1000 },
    'metadata shows the window used')

  const faceted = await nrql(sim, `SELECT count(*) FROM Transaction FACET host TIMESERIES 1 hour ${window} LIMIT MAX`)
  t.equal(faceted.length, 3 * 7, 'FACET + TIMESERIES: 7 full hours per host')
  t.same([...new Set(faceted.map(r => r.beginTimeSeconds))].sort()[0], at('03:03:12'), 'faceted buckets anchor on UNTIL too')
})

t.test('a whole number of buckets keeps its buckets exactly', async t => {
  const sim = await startSim(t)
  const hour = "SINCE '2025-09-08 04:00:00' UNTIL '2025-09-08 05:00:00'"
  const rows = await nrql(sim, `SELECT count(*) FROM Transaction ${hour} TIMESERIES 1 minute`)
  t.equal(rows.length, 60)
  t.equal(rows[0].beginTimeSeconds, at('04:00:00'))
  t.equal(rows[59].endTimeSeconds, at('05:00:00'))
  const threes = await nrql(sim, `SELECT count(*) FROM Transaction ${hour} TIMESERIES 3 minutes`)
  t.same(threes.map(r => r.beginTimeSeconds), Array.from({ length: 20 }, (_, k) => at('04:00:00') + 180 * k),
    'SINCE is the first bound when the window divides')
})

t.test('a window shorter than one bucket is one partial bucket', async t => {
  const sim = await startSim(t)
  const rows = await nrql(sim,
    `SELECT count(*), rate(count(*), 1 minute) AS rpm FROM Transaction WHERE host = 'PRDIIS01'
      SINCE '2025-09-08 04:00:00' UNTIL '2025-09-08 04:03:00' TIMESERIES 5 minutes`)
  t.equal(rows.length, 1)
  t.same([rows[0].beginTimeSeconds, rows[0].endTimeSeconds], [at('04:00:00'), at('04:03:00')], 'its bounds are SINCE and UNTIL')
  t.equal(rows[0].rpm, rows[0].count / 3, 'rate() uses its real length')
})
