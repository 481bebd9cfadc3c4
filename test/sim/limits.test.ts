import t from 'tap'
import { SMALL_WINDOW as W, gql, nrqlMany, startSim } from './helpers.ts'

const ONE_MINUTE = "SINCE '2025-09-08 05:00:00' UNTIL '2025-09-08 05:01:00'"
const Q = (timeout = 60): string =>
  `{ actor { account(id: 1000001) { nrql(query: "SELECT count(*) FROM Transaction ${ONE_MINUTE}", timeout: ${timeout}) { results } } } }`

async function post (url: string, key: string, query = Q()): Promise<{ status: number, retryAfter: string | null, body: any }> {
  const headers = { 'content-type': 'application/json', 'api-key': key }
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) })
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() }
}

async function admin (sim: { baseUrl: string }, method: string, path: string, body?: unknown): Promise<{ status: number, body: any }> {
  const res = await fetch(sim.baseUrl + path, { method, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: res.status, body: await res.json() }
}

t.test('more requests in flight than --max-concurrent for one key: HTTP 429 with Retry-After', async t => {
  const sim = await startSim(t, { limits: { maxConcurrent: 2, retryAfterSeconds: 3 }, faults: { latencyMs: 400 } })
  const answers = await Promise.all([...Array(4)].map(async () => await post(sim.url, 'key-a')).concat([post(sim.url, 'key-b')]))
  const statuses = answers.map(a => a.status)
  t.same(statuses.slice(0, 4).sort(), [200, 200, 429, 429], 'two of key-a go through, two are refused')
  t.equal(statuses[4], 200, 'another key has its own allowance')
  const refused = answers.find(a => a.status === 429)
  t.equal(refused?.retryAfter, '3')
  t.equal(refused?.body.errors[0].extensions.errorClass, 'TOO_MANY_REQUESTS')
  t.match(refused?.body.errors[0].message, /at most 2 requests/)
  t.equal((await post(sim.url, 'key-a')).status, 200, 'once they are answered the key may send again')
  const c = sim.counters()
  t.match(c, { requests: 6, rejected: 2, rejectedConcurrent: 2, rateLimited: 0, faulted: 0 })
  t.ok(c.maxInFlight >= 3 && c.maxInFlight <= 4, `maxInFlight ${c.maxInFlight}`)
  t.same(sim.stats(), { requests: 6, nrqlQueries: 4 }, 'stats() keeps its two counters')
})

t.test('--max-nrql-per-minute: each nrql field counts one; over the limit a field is refused until the minute slides', async t => {
  let clock = 1_000_000
  const sim = await startSim(t, { limits: { maxNrqlPerMinute: 3 }, limitsClock: () => clock })
  const q = `SELECT count(*) FROM Transaction ${ONE_MINUTE}`
  const first = await nrqlMany(sim, [q, q])
  t.notOk(first.body.errors, 'two queries: within the limit')
  clock += 30_000
  const second = await nrqlMany(sim, [q, q])
  t.equal(second.status, 200, 'refused fields come back in a 200, as New Relic answers its NRQL rate limit')
  t.ok(second.body.data.actor.account.q0.results[0].count > 0, 'the third query of the minute runs')
  t.equal(second.body.data.actor.account.q1, null, 'the fourth does not')
  t.same(second.body.errors?.map(e => [e.path, e.extensions?.errorClass]), [[['actor', 'account', 'q1'], 'TOO_MANY_REQUESTS']])
  t.match(second.body.errors?.[0].message, /account 1000001 ran 3 NRQL queries in the last minute; the limit is 3/)
  clock += 29_999
  t.equal((await nrqlMany(sim, [q])).body.errors?.[0].extensions?.errorClass, 'TOO_MANY_REQUESTS',
    'still within the minute of the first two')
  clock += 2
  t.notOk((await nrqlMany(sim, [q, q])).body.errors, 'the first two left the window: two more fit')
  t.match(sim.counters(), { nrqlQueries: 5, rateLimited: 2, rejected: 2, nrqlPerMinuteMax: 3 })

  const { body } = await admin(sim, 'PUT', '/admin/limits', { maxNrqlPerMinute: 0 })
  t.same(body, { maxNrqlPerMinute: 0 }, 'limits are set at run time')
  t.notOk((await nrqlMany(sim, [q, q, q, q])).body.errors, 'no limit any more')
  t.equal(sim.counters().nrqlPerMinuteMax, 4, 'the busiest minute is still counted without a limit (setting limits restarts the window)')
})

t.test('simulated duration: the answer waits for it; past its timeout a query is TIMEOUT', async t => {
  const sim = await startSim(t, { limits: { costPerMillionEventsMs: 5000, costPerQueryMs: 100 } })
  let started = Date.now()
  const small = await post(sim.url, 'k')
  const smallMs = Date.now() - started
  t.ok(small.body.data.actor.account.nrql.results[0].count > 0)
  t.ok(smallMs >= 100 && smallMs < 900, `a one-minute query takes its 100 ms and a few ms per thousand events (${smallMs} ms)`)

  started = Date.now()
  const big = await gql(sim.url, 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q, timeout: 1) { results } } } }',
    { q: `SELECT count(*) FROM Transaction ${W}` })
  const bigMs = Date.now() - started
  t.equal(big.status, 200)
  t.equal(big.body.data.actor.account.nrql, null)
  t.equal(big.body.errors?.[0].extensions?.errorClass, 'TIMEOUT', 'about 860k events at 5 s per million is over a 1-second timeout')
  t.match(big.body.errors?.[0].message, /within 1 seconds/)
  t.ok(bigMs >= 950 && bigMs < 3000, `answered when the timeout ran out (${bigMs} ms)`)
  t.equal(sim.counters().timeouts, 1)

  const { status, body } = await admin(sim, 'PUT', '/admin/limits', { costPerMillionEventsMs: -1 })
  t.equal(status, 400)
  t.match(body.error, /costPerMillionEventsMs must be a number >= 0/)
  t.equal((await admin(sim, 'PUT', '/admin/limits', { maxConcurrent: 1.5 })).status, 400)
  t.equal((await admin(sim, 'PUT', '/admin/limits', { speed: 1 })).status, 400)
  t.same((await admin(sim, 'GET', '/admin/limits')).body, { costPerMillionEventsMs: 5000, costPerQueryMs: 100 },
    'bad settings change nothing')
})

t.test('without limits nothing is refused or slowed; stats are listed and reset', async t => {
  const sim = await startSim(t)
  const started = Date.now()
  const answers = await Promise.all([...Array(30)].map(async () => await post(sim.url, 'same')))
  t.ok(answers.every(a => a.status === 200), '30 at once, all answered')
  t.ok(Date.now() - started < 5000)
  const stats = (await admin(sim, 'GET', '/admin/stats')).body
  t.match(stats, { requests: 30, nrqlQueries: 30, rejected: 0, timeouts: 0, changeEvents: 0, asyncQueries: 0, inFlight: 0 })
  t.ok(stats.maxInFlight >= 1 && stats.nrqlPerMinuteMax === 30, `maxInFlight ${stats.maxInFlight as number}, nrqlPerMinuteMax 30`)
  t.type(stats.cache.blocks, 'number')
  const cleared = await admin(sim, 'DELETE', '/admin/stats')
  t.match(cleared.body, { requests: 0, nrqlQueries: 0, maxInFlight: 0, nrqlPerMinuteMax: 0 })
  t.same(sim.stats(), { requests: 0, nrqlQueries: 0 })
})
