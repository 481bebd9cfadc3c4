import t from 'tap'
import { SMALL_WINDOW as W, gql, nrql, nrqlMany, startSim } from './helpers.ts'

const FROM_MS = Date.parse('2025-09-08T02:30:00Z')
const UNTIL_MS = Date.parse('2025-09-08T10:30:00Z')
const JOIN_MS = Date.parse('2025-09-08T04:30:00Z')

t.test('every NRQL form of the contract, with New Relic result shapes', async t => {
  const sim = await startSim(t, { now: () => UNTIL_MS })
  const one = async (q: string): Promise<any> => (await nrql(sim, q))[0]

  const total = (await one(`SELECT count(*) FROM Transaction ${W}`)).count
  t.ok(total > 700_000, `count(*) over the window: ${total}`)

  t.test('aggregates and their keys', async t => {
    const row = await one('SELECT count(*), filter(count(*), WHERE error IS TRUE), percentage(count(*), WHERE error IS TRUE), ' +
      'average(duration), max(duration), min(duration), sum(duration), percentile(duration, 50, 95, 99.9), rate(count(*), 1 minute), ' +
      `uniqueCount(host), latest(host) FROM Transaction ${W}`)
    t.same(Object.keys(row).sort(), [
      'average.duration', 'count', 'filter', 'latest.host', 'max.duration', 'min.duration', 'percentage', 'percentile.duration', 'rate',
      'sum.duration', 'uniqueCount.host'
    ].sort())
    const errors = (await one(`SELECT count(*) FROM Transaction WHERE error IS TRUE ${W}`)).count
    t.equal(row.filter, errors, 'filter(count(*), WHERE) = count(*) WHERE')
    t.equal(row.count, total)
    t.ok(Math.abs(row.percentage - 100 * errors / total) < 1e-9, 'percentage is 100 x part / all')
    t.ok(Math.abs(row['average.duration'] - row['sum.duration'] / total) < 1e-9, 'average = sum / count')
    const p = row['percentile.duration']
    t.same(Object.keys(p).sort(), ['50', '95', '99.9'], 'percentile keyed by the percentile as a string')
    t.ok(row['min.duration'] <= p['50'] && p['50'] <= p['95'] && p['95'] <= p['99.9'] && p['99.9'] <= row['max.duration'])
    t.ok(Math.abs(row.rate - total / 480) < 1e-6, 'rate per minute over 480 minutes')
    t.equal(row['uniqueCount.host'], 3)
    t.ok(['PRDIIS01', 'PRDIIS02', 'PRDIIS09'].includes(row['latest.host']))
    const median = await one(`SELECT median(duration), latest(timestamp) AS last, earliest(timestamp) AS first FROM Transaction ${W}`)
    t.equal(median['median.duration']['50'], p['50'], 'median = percentile 50')
    t.ok(median.last < UNTIL_MS && median.last > UNTIL_MS - 60_000, 'latest(timestamp) is in the last minute')
    t.ok(median.first >= FROM_MS && median.first < FROM_MS + 60_000)
  })

  t.test('AS aliases with quotes, identifiers and a quoted key', async t => {
    const row = await one("SELECT count(*) AS 'Total Requests', average(duration) AS avgDur, " +
      `filter(count(*), WHERE error IS TRUE) AS \`errs\` FROM Transaction ${W}`)
    t.same(Object.keys(row).sort(), ['Total Requests', 'avgDur', 'errs'])
  })

  t.test('comments and the gonogo query templates', async t => {
    const commented = await one(`-- a comment line\nSELECT count(*) // trailing\nFROM /* inline */ Transaction\n${W}`)
    t.equal(commented.count, total)
    const rows = await nrql(sim, "SELECT count(*) AS 'count', filter(count(*), WHERE error IS TRUE) AS 'errors', " +
      "percentile(duration, 95) FROM Transaction WHERE appName IN ('RESTAPI') AND host IN ('PRDIIS01', 'PRDIIS09') " +
      `FACET appName, host SINCE ${FROM_MS} UNTIL ${UNTIL_MS} TIMESERIES 60 minutes LIMIT MAX`)
    t.equal(rows.length, 2 * 8)
    t.same(Object.keys(rows[0]).sort(), [
      'appName', 'beginTimeSeconds', 'count', 'endTimeSeconds', 'errors', 'facet', 'host', 'percentile.duration'
    ])
    const slow = await nrql(sim, "SELECT filter(count(*), WHERE duration > 0.48184300000000001) AS 'slow' " +
      `FROM Transaction WHERE appName IN ('RESTAPI') FACET appName, host SINCE ${FROM_MS} UNTIL ${UNTIL_MS} LIMIT MAX`)
    t.equal(slow.length, 3)
  })

  t.test('keywords are case-insensitive; FROM may come first', async t => {
    const a = await one(`select COUNT(*) from Transaction where APPNAME = 'x' ${W}`)
    t.equal(a.count, 0, 'attribute names are case-sensitive: APPNAME does not exist')
    const b = await one(`from Transaction select count(*) since ${FROM_MS} until ${UNTIL_MS}`)
    t.equal(b.count, total)
  })

  t.test('WHERE operators', async t => {
    const c = async (where: string): Promise<number> => (await one(`SELECT count(*) FROM Transaction WHERE ${where} ${W}`)).count
    const p09 = await c("host = 'PRDIIS09'")
    const not09 = await c("host != 'PRDIIS09'")
    t.equal(p09 + not09, total, '= and != partition')
    t.equal(await c("host IN ('PRDIIS01', 'PRDIIS02')"), not09)
    t.equal(await c("host NOT IN ('PRDIIS01', 'PRDIIS02')"), p09)
    const slow = await c('duration > 0.5')
    const fast = await c('duration <= 0.5')
    t.equal(slow + fast, total, '> and <= partition')
    t.equal((await c('duration >= 0.5')) + (await c('duration < 0.5')), total, '>= and < partition')
    t.equal((await c('error IS TRUE')) + (await c('error IS FALSE')), total, 'IS TRUE / IS FALSE partition')
    t.equal(await c("error IS TRUE AND httpResponseCode = '500'"), await c('error IS TRUE'), 'errors answer 500')
    t.equal(await c('httpResponseCode = 500'), await c('error IS TRUE'), 'numbers match numeric strings')
    t.equal(await c("(host = 'PRDIIS01' OR host = 'PRDIIS02') AND duration > 0.5"),
      slow - (await c("host = 'PRDIIS09' AND duration > 0.5")))
    t.equal(await c("host = 'PRDIIS09' OR error IS TRUE"), p09 + (await c("host != 'PRDIIS09' AND error IS TRUE")))
    t.equal(await c("NOT (host = 'PRDIIS09')"), not09)
    t.equal(await c("name LIKE 'WebTransaction/MVC/%'") + (await c("name NOT LIKE 'WebTransaction/MVC/%'")), total)
    t.equal(await c("transactionType = 'Web'"), total)
    t.equal(await c('nosuchattribute IS NULL'), total, 'unknown attributes are null')
    t.equal(await c("nosuchattribute = 'x'"), 0)
    t.equal(await c("appName = 'RESTAPI' AND host = 'PRDIIS09' AND duration > 0.5"), await c("host = 'PRDIIS09' AND duration > 0.5"))
  })

  t.test('string escapes: a quote inside a literal is written with a backslash', async t => {
    const sim2 = await startSim(t, { scenario: (await import('./helpers.ts')).POOL_ADD })
    const rows = await nrql(sim2,
      "SELECT count(*) FROM Transaction WHERE appName = 'O\\'Brien\\'s API' SINCE '2026-11-25 02:30:00' UNTIL '2026-11-25 04:30:00'",
      3300001)
    t.ok(rows[0].count > 5000, `O'Brien's API found: ${rows[0].count}`)
    const backslash = await nrql(sim2,
      "SELECT count(*) FROM Transaction WHERE appName = 'a\\\\b' SINCE '2026-11-25 02:30:00' UNTIL '2026-11-25 04:30:00'", 3300001)
    t.equal(backslash[0].count, 0, 'a \\\\ escape parses')
  })

  t.test('FROM TransactionError', async t => {
    const errTx = (await one(`SELECT count(*) FROM Transaction WHERE error IS TRUE ${W}`)).count
    const rows = await nrql(sim, `SELECT count(*) FROM TransactionError FACET \`error.class\` ${W}`)
    t.equal(rows.reduce((s, r) => s + r.count, 0), errTx, 'one TransactionError per error transaction')
    for (const r of rows) {
      t.equal(typeof r.facet, 'string')
      t.equal(r['error.class'], r.facet, 'the attribute under its own name')
    }
    t.ok(rows.some(r => r.facet === 'System.IO.DirectoryNotFoundException'), 'the new error class is there')
    const plain = await nrql(sim, `SELECT count(*) FROM TransactionError FACET error.class ${W}`)
    t.same(plain, rows, 'backquotes are optional')
    const msg = await one('SELECT latest(error.message), latest(transactionName), uniqueCount(appName) ' +
      `FROM TransactionError WHERE error.class = 'System.TimeoutException' ${W}`)
    t.equal(msg['latest.error.message'], 'The operation has timed out.')
    t.match(msg['latest.transactionName'], /^WebTransaction\//)
    t.equal(msg['uniqueCount.appName'], 1)
  })

  t.test('FACET shapes, order and LIMIT', async t => {
    const rows = await nrql(sim, `SELECT count(*), average(duration) FROM Transaction FACET host ${W}`)
    t.equal(rows.length, 3)
    t.same(Object.keys(rows[0]).sort(), ['average.duration', 'count', 'facet', 'host'])
    t.same(rows.map(r => r.count), [...rows.map(r => r.count)].sort((a, b) => b - a), 'ordered by the first aggregate, descending')
    t.equal(rows.reduce((s, r) => s + r.count, 0), total)
    const two = await nrql(sim, `SELECT count(*) FROM Transaction FACET host, name ${W} LIMIT MAX`)
    t.equal(two.length, 15)
    for (const r of two) {
      t.ok(Array.isArray(r.facet) && r.facet.length === 2, 'several attributes: facet is an array')
      t.same(r.facet, [r.host, r.name], 'in FACET order, each attribute also under its own name')
    }
    t.equal(two.reduce((s, r) => s + r.count, 0), total)
    t.equal((await nrql(sim, `SELECT count(*) FROM Transaction FACET host, name ${W}`)).length, 10, 'default limit is 10')
    const limited = await nrql(sim, `SELECT count(*) FROM Transaction FACET host ${W} LIMIT 1`)
    t.equal(limited.length, 1)
    t.equal(limited[0].host, rows[0].host, 'LIMIT keeps the top facets')
    t.same(await nrql(sim, `SELECT count(*) FROM Transaction WHERE host = 'nope' FACET host ${W}`), [], 'no events: no facets')
  })

  t.test('TIMESERIES shapes, auto buckets, FACET + TIMESERIES', async t => {
    const hourly = await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES 1 hour ${W}`)
    t.equal(hourly.length, 8)
    t.same(Object.keys(hourly[0]).sort(), ['beginTimeSeconds', 'count', 'endTimeSeconds'])
    t.equal(hourly[0].beginTimeSeconds, FROM_MS / 1000)
    t.equal(hourly[7].endTimeSeconds, UNTIL_MS / 1000)
    t.equal(hourly.reduce((s, r) => s + r.count, 0), total, 'buckets sum to the total')
    t.equal((await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES 30 minutes ${W}`)).length, 16)
    t.equal((await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES 2 hours ${W}`)).length, 4)
    const perMinute = await nrql(sim,
      'SELECT count(*) FROM Transaction SINCE \'2025-09-08 04:00:00\' UNTIL \'2025-09-08 05:00:00\' TIMESERIES 1 minute')
    t.equal(perMinute.length, 60)
    const auto = await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES ${W}`)
    t.ok(auto.length > 1 && auto.length <= 366, `TIMESERIES alone picks a bucket size (${auto.length} buckets)`)
    const fts = await nrql(sim, `SELECT count(*), percentile(duration, 95) FROM Transaction FACET host TIMESERIES 1 hour ${W}`)
    t.equal(fts.length, 3 * 8, 'one row per facet per bucket')
    t.same(Object.keys(fts[0]).sort(), ['beginTimeSeconds', 'count', 'endTimeSeconds', 'facet', 'host', 'percentile.duration'])
    const p09 = fts.filter(r => r.facet === 'PRDIIS09')
    t.same(p09.slice(0, 2).map(r => r.count), [0, 0], 'PRDIIS09 serves nothing before it joins')
    t.same(p09.slice(0, 2).map(r => r['percentile.duration']['95']), [null, null])
    t.ok(p09[2].count > 0)
    t.equal(fts.reduce((s, r) => s + r.count, 0), total)
    const r = await nrql(sim, `SELECT rate(count(*), 1 minute) FROM Transaction WHERE host = 'PRDIIS01' TIMESERIES 1 hour ${W}`)
    t.ok(r[0].rate > 850 && r[0].rate < 950, `per-bucket rate: ${r[0].rate} (expected 900)`)
  })

  t.test('SINCE / UNTIL forms', async t => {
    const c = async (clause: string): Promise<number> => (await one(`SELECT count(*) FROM Transaction ${clause}`)).count
    const epoch = await c(`SINCE ${JOIN_MS} UNTIL ${JOIN_MS + 3_600_000}`)
    t.equal(await c("SINCE '2025-09-08 04:30:00' UNTIL '2025-09-08 05:30:00'"), epoch, 'quoted date-time (UTC)')
    t.equal(await c("SINCE '2025-09-08T04:30:00Z' UNTIL '2025-09-08T05:30:00Z'"), epoch, 'ISO with Z')
    t.equal(await c("SINCE '2025-09-08T10:00:00+05:30' UNTIL '2025-09-08T11:00:00+05:30'"), epoch, 'ISO with offset')
    t.equal(await c("SINCE '2025-09-08 10:00:00' UNTIL '2025-09-08 11:00:00' WITH TIMEZONE 'Asia/Kolkata'"), epoch, 'WITH TIMEZONE')
    t.equal(await c(`SINCE ${JOIN_MS / 1000} UNTIL ${JOIN_MS / 1000 + 3600}`), epoch, 'epoch seconds')
    // The simulator's clock is the end of the scenario window here.
    t.equal(await c('SINCE 6 hours ago'), await c(`SINCE ${JOIN_MS} UNTIL ${UNTIL_MS}`), 'N hours ago, UNTIL defaults to now')
    t.equal(await c('SINCE 360 minutes ago UNTIL now'), await c(`SINCE ${JOIN_MS} UNTIL ${UNTIL_MS}`), 'N minutes ago')
    t.equal(await c('SINCE 1 day ago'), total, 'N days ago')
    t.equal(await c(''), await c(`SINCE ${UNTIL_MS - 3_600_000} UNTIL ${UNTIL_MS}`), 'default window: the last hour')
    t.equal(await c("SINCE '2025-09-07 00:00:00' UNTIL '2025-09-08 00:00:00'"), 0, 'outside the scenario: no events')
  })
})

t.test('NRQL New Relic cannot parse gets INVALID_INPUT, other aliases still answer', async t => {
  const sim = await startSim(t)
  const bad = [
    'SELECT count(*) FROM',
    'SELECT count(* FROM Transaction',
    'SELECT bogus(duration) FROM Transaction',
    "SELECT count(*) FROM Transaction WHERE appName = 'O''Brien'",
    "SELECT count(*) FROM Transaction WHERE appName = 'unterminated",
    'SELECT count(*) FROM Transaction LIMIT 6000',
    'SELECT count(*) FROM Transaction SINCE 1757298600000 UNTIL 1757327400000 TIMESERIES 1 minute',
    "SELECT count(*) FROM Transaction SINCE '2025-13-45 00:00:00'",
    'SELECT count(*) FROM Transaction SINCE 1757327400000 UNTIL 1757298600000',
    'SELECT count(*) FROM Transaction WHERE',
    'SELECT count(*) FROM Transaction FACET',
    'SELECT percentile(duration, 101) FROM Transaction',
    'SELECT count(*) FROM Transaction WHERE host = ',
    'SELECT count(*) FROM Transaction SINCE 1 fortnight ago',
    'count(*) FROM Transaction',
    'SELECT * FROM Transaction'
  ]
  const { status, body } = await nrqlMany(sim, [`SELECT count(*) FROM Transaction ${W}`, ...bad])
  t.equal(status, 200)
  t.ok(body.data.actor.account.q0.results[0].count > 0, 'the good alias answers')
  t.equal(body.errors?.length, bad.length)
  bad.forEach((q, i) => {
    const alias = `q${i + 1}`
    t.equal(body.data.actor.account[alias], null, `${q}: nrql is null`)
    const e = body.errors?.find(x => x.path?.[2] === alias)
    t.ok(e, `${q}: has an error`)
    t.same(e?.path, ['actor', 'account', alias])
    t.equal(e?.extensions?.errorClass, 'INVALID_INPUT')
    t.match(e?.message, /^NRQL Syntax Error: /, `${q}: ${e?.message}`)
  })
  const pos = body.errors?.find(x => x.path?.[2] === 'q1')
  t.match(pos?.message, /Error at line 1 position \d+, unexpected '<EOF>'/)
})

t.test('maxBuckets can be raised for benchmarks', async t => {
  const sim = await startSim(t, { maxBuckets: 480 })
  const rows = await nrql(sim, `SELECT count(*) FROM Transaction TIMESERIES 1 minute ${W}`)
  t.equal(rows.length, 480)
})

t.test('metadata and totalResult of a faceted query', async t => {
  const sim = await startSim(t)
  const { body } = await gql(sim.url,
    `{ actor { account(id: 1000001) { nrql(query: "SELECT count(*) FROM Transaction FACET host ${W}") { ` +
    'results totalResult metadata { facets eventTypes timeWindow { begin end } } nrql } } } }')
  const n = body.data.actor.account.nrql
  t.equal(n.totalResult.count, n.results.reduce((s: number, r: any) => s + r.count, 0))
  t.same(n.metadata, { facets: ['host'], eventTypes: ['Transaction'], timeWindow: { begin: FROM_MS, end: UNTIL_MS } })
  t.match(n.nrql, /FACET host/)
})
