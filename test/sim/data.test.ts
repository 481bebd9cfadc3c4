import t from 'tap'
import type { Test } from 'tap'
import { FIXTURES, SMALL_WINDOW as W, nrql, startSim } from './helpers.ts'

const STATS = FIXTURES + 'stats.json'
const ACCOUNT = 42
const DAY1 = "SINCE '2025-01-06 00:00:00' UNTIL '2025-01-07 00:00:00'"
const DAY2 = "SINCE '2025-01-07 00:00:00' UNTIL '2025-01-08 00:00:00'"
const BOTH = "SINCE '2025-01-06 00:00:00' UNTIL '2025-01-08 00:00:00'"
const MINUTE = 60_000

t.test('determinism: any query order, any instance, same numbers', async t => {
  const queries = [
    'SELECT count(*), percentile(duration, 50, 95), average(duration), filter(count(*), WHERE error IS TRUE) ' +
      `FROM Transaction FACET host ${W}`,
    `SELECT count(*) FROM TransactionError FACET \`error.class\`, host ${W} LIMIT MAX`,
    "SELECT count(*), max(duration), latest(name) FROM Transaction SINCE '2025-09-08 05:17:00' UNTIL '2025-09-08 05:18:00'",
    `SELECT count(*), percentile(duration, 99) FROM Transaction WHERE host = 'PRDIIS09' TIMESERIES 1 hour ${W}`
  ]
  const a = await startSim(t)
  const b = await startSim(t)
  const forward: unknown[] = []
  for (const q of queries) forward.push(await nrql(a, q))
  const backward: unknown[] = []
  for (const q of [...queries].reverse()) backward.unshift(await nrql(b, q))
  t.same(backward, forward, 'reverse order on a second instance gives identical results')
  t.same(await nrql(a, queries[0]), forward[0], 'a repeated query is identical')

  // A third instance that first looks at one minute only, then at the window.
  const c = await startSim(t, { cacheMaxEvents: 50_000 })
  await nrql(c, queries[2])
  t.same(await nrql(c, queries[0]), forward[0], 'identical with a tiny cache that evicts')
  t.same(await nrql(c, queries[2]), forward[2])
})

t.test('honesty: faceted counts sum to the unfaceted count', async t => {
  const sim = await startSim(t)
  const count = async (q: string): Promise<number> => (await nrql(sim, q)).reduce((s, r) => s + (r.count as number), 0)
  const total = await count(`SELECT count(*) FROM Transaction ${W}`)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET host ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET appName, host ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET name ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET error ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction TIMESERIES 10 minutes ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET host TIMESERIES 1 hour ${W}`), total)
  t.equal(await count(`SELECT count(*) FROM Transaction FACET name, error TIMESERIES 2 hours ${W}`), total,
    'per-event facets with TIMESERIES')
  t.equal(await count(`SELECT count(*) FROM Transaction WHERE duration > 0.3 OR host = 'PRDIIS09' FACET host ${W}`),
    await count(`SELECT count(*) FROM Transaction WHERE duration > 0.3 OR host = 'PRDIIS09' ${W}`), 'per-event WHERE with constant facets')
  const errors = await count(`SELECT count(*) FROM TransactionError ${W}`)
  t.equal(await count(`SELECT count(*) FROM Transaction WHERE error IS TRUE ${W}`), errors)
  t.equal(await count(`SELECT count(*) FROM TransactionError FACET host, error.class ${W} LIMIT MAX`), errors)
  const filtered = await nrql(sim, `SELECT filter(count(*), WHERE error IS TRUE) AS e FROM Transaction FACET host ${W}`)
  t.equal(filtered.reduce((s, r) => s + r.e, 0), errors)
})

t.test('honesty: percentiles come from the counted transactions', async t => {
  const sim = await startSim(t)
  // The same numbers whichever execution path computes them.
  const perEvent = await nrql(sim, `SELECT count(*), percentile(duration, 95, 50) FROM Transaction FACET host, error ${W} LIMIT MAX`)
  const filtered = await nrql(sim, `SELECT count(*), percentile(duration, 95, 50) FROM Transaction WHERE error IS FALSE FACET host ${W}`)
  for (const row of filtered) {
    const same = perEvent.find(r => r.host === row.host && r.error === false)
    t.same([same.count, same['percentile.duration']], [row.count, row['percentile.duration']],
      `${row.host}: FACET host, error = WHERE error IS FALSE FACET host`)
  }
  const [viaFilter] = await nrql(sim, `SELECT filter(percentile(duration, 95), WHERE host = 'PRDIIS09') AS p FROM Transaction ${W}`)
  const [viaWhere] = await nrql(sim, `SELECT percentile(duration, 95) AS p FROM Transaction WHERE host = 'PRDIIS09' ${W}`)
  t.same(viaFilter, viaWhere, 'filter(percentile) = percentile with WHERE')
  for (const where of ["host = 'PRDIIS01'", "host = 'PRDIIS09'", 'error IS TRUE']) {
    const [row] = await nrql(sim, `SELECT count(*), percentile(duration, 50, 95) FROM Transaction WHERE ${where} ${W}`)
    for (const p of [50, 95]) {
      const v = row['percentile.duration'][String(p)]
      const [above] = await nrql(sim, `SELECT count(*) FROM Transaction WHERE ${where} AND duration > ${v} ${W}`)
      const [atOrAbove] = await nrql(sim, `SELECT count(*) FROM Transaction WHERE ${where} AND duration >= ${v} ${W}`)
      const share = 1 - p / 100
      t.ok(above.count <= share * row.count + 1, `${where} p${p}: ${above.count} of ${row.count} above ${v}`)
      t.ok(atOrAbove.count >= share * row.count - 1, `${where} p${p}: ${atOrAbove.count} at or above`)
    }
  }
})

/** Poisson/binomial/median checks: |observed - expected| within 4 standard errors. */
function within (t: Test, what: string, observed: number, expected: number, se: number): void {
  t.ok(Math.abs(observed - expected) <= 4 * se, `${what}: ${observed} vs ${expected.toFixed(4)} (4 SE = ${(4 * se).toFixed(4)})`)
}

t.test('statistics match the scenario within sampling error', async t => {
  const sim = await startSim(t, { scenario: STATS })
  const rows = async (q: string): Promise<any[]> => await nrql(sim, q, ACCOUNT)
  const byHost = async (app: string, window: string): Promise<Record<string, any>> => {
    const r = await rows('SELECT count(*), percentage(count(*), WHERE error IS TRUE) AS errPct, percentile(duration, 50) AS p50 ' +
      `FROM Transaction WHERE appName = '${app}' FACET host ${window}`)
    return Object.fromEntries(r.map(x => [x.host, { ...x, p50: x.p50['50'] }]))
  }

  t.test('throughput, error rate and median on clean hosts', async t => {
    const d1 = await byHost('Steady', DAY1)
    const both = await byHost('Steady', BOTH)
    // Weights 1:2:1 of 400 rpm.
    for (const [host, rpm] of [['H1', 100], ['H2', 200], ['H3', 100]] as const) {
      const mean = rpm * 1440
      within(t, `${host} day-1 transactions`, d1[host].count, mean, Math.sqrt(mean))
      const p = 0.02
      within(t, `${host} day-1 error rate`, d1[host].errPct / 100, p, Math.sqrt(p * (1 - p) / d1[host].count))
      const median = 0.2
      within(t, `${host} day-1 median`, d1[host].p50, median, median * 0.5 * Math.sqrt(Math.PI / 2) / Math.sqrt(d1[host].count))
    }
    const n = both.H1.count
    within(t, 'H1 two-day error rate', both.H1.errPct / 100, 0.02, Math.sqrt(0.02 * 0.98 / n))
    const classes = await rows(`SELECT count(*) FROM TransactionError WHERE host = 'H1' FACET error.class ${BOTH}`)
    const a = classes.find(c => c.facet === 'A.Error').count
    const b = classes.find(c => c.facet === 'B.Error').count
    within(t, 'share of A.Error', a / (a + b), 0.7, Math.sqrt(0.21 / (a + b)))
    const [avg] = await rows(`SELECT average(duration) FROM Transaction WHERE host = 'H1' ${BOTH}`)
    const mean = 0.2 * Math.exp(0.125)
    within(t, 'log-normal mean', avg['average.duration'], mean, mean * Math.sqrt(Math.exp(0.25) - 1) / Math.sqrt(n))
  })

  t.test('effects: multipliers and newErrors are visible on H3 on day 2', async t => {
    const d2 = await byHost('Steady', DAY2)
    within(t, 'H3 traffic x0.5', d2.H3.count, 50 * 1440, Math.sqrt(50 * 1440))
    within(t, 'H1 traffic unchanged', d2.H1.count, 100 * 1440, Math.sqrt(100 * 1440))
    // Base errors 2% x 2.5 and independent New.Error 1%.
    const p = 1 - (1 - 0.05) * (1 - 0.01)
    within(t, 'H3 error rate', d2.H3.errPct / 100, p, Math.sqrt(p * (1 - p) / d2.H3.count))
    within(t, 'H3 median x1.5', d2.H3.p50, 0.3, 0.3 * 0.5 * Math.sqrt(Math.PI / 2) / Math.sqrt(d2.H3.count))
    const newErr = await rows(`SELECT count(*) FROM TransactionError WHERE error.class = 'New.Error' FACET host ${BOTH}`)
    t.same(newErr.map(r => r.host), ['H3'], 'New.Error only on H3')
    within(t, 'New.Error count', newErr[0].count, 0.01 * d2.H3.count, Math.sqrt(0.01 * 0.99 * d2.H3.count))
    const [before] = await rows(`SELECT count(*) FROM TransactionError WHERE error.class = 'New.Error' ${DAY1}`)
    t.equal(before.count, 0, 'no New.Error before the effect starts')
  })

  t.test('diurnal traffic, joins, leaves and a host that does not report', async t => {
    const from = Date.parse('2025-01-06T00:00:00Z')
    const join = Date.parse('2025-01-06T12:00:00Z')
    const leave = Date.parse('2025-01-07T00:00:00Z')
    const expected: Record<string, number> = { D1: 0, D2: 0, D3: 0 }
    for (let m = from; m < from + 2 * 1440 * MINUTE; m += MINUTE) {
      const serving = { D1: true, D2: m < leave, D3: m >= join }
      const weights = Object.values(serving).filter(Boolean).length
      const hour = ((m + 30_000) % 86_400_000) / 3_600_000
      const factor = 1 + 0.5 * Math.sin(2 * Math.PI * (hour - 6) / 24)
      for (const h of ['D1', 'D2', 'D3'] as const) if (serving[h]) expected[h] += 300 / weights * factor
    }
    const got = await byHost('Diurnal App', BOTH)
    t.notOk('D1' in got, 'D1 (reporting false) sends no events')
    within(t, 'D2 (leaves day 2) with diurnal', got.D2.count, expected.D2, Math.sqrt(expected.D2))
    within(t, 'D3 (joins at noon) with diurnal', got.D3.count, expected.D3, Math.sqrt(expected.D3))
    const series = await rows(`SELECT count(*) FROM Transaction WHERE appName = 'Diurnal App' FACET host TIMESERIES 6 hours ${BOTH}`)
    const d3 = series.filter(r => r.host === 'D3').map(r => r.count)
    t.same(d3.slice(0, 2), [0, 0], 'D3 takes no traffic before it joins')
    const d2 = series.filter(r => r.host === 'D2').map(r => r.count)
    t.same(d2.slice(4), [0, 0, 0, 0], 'D2 takes none after it leaves')
    const hourly = await rows('SELECT count(*) FROM Transaction WHERE appName = \'Diurnal App\' AND host = \'D3\' TIMESERIES 1 hour ' +
      'SINCE \'2025-01-07 00:00:00\' UNTIL \'2025-01-08 00:00:00\'')
    t.ok(hourly[12].count > 2 * hourly[0].count, `peak at 12:00 UTC (${hourly[12].count}) vs midnight (${hourly[0].count})`)
  })

  t.test('very low traffic is Poisson too', async t => {
    const [tiny] = await rows(`SELECT count(*), min(duration), max(duration) FROM Transaction WHERE appName = 'Tiny' ${BOTH}`)
    within(t, 'Tiny count', tiny.count, 0.5 * 2880, Math.sqrt(0.5 * 2880))
    t.equal(tiny['min.duration'], 1, 'sigma 0: every duration is the median')
    t.equal(tiny['max.duration'], 1)
  })
})
