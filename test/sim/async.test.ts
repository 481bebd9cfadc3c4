import t from 'tap'
import { gql, nrql, startSim } from './helpers.ts'

const HOUR = "SINCE '2025-09-08 05:00:00' UNTIL '2025-09-08 06:00:00'"
const QUERY = `SELECT count(*), percentile(duration, 95) FROM Transaction FACET host ${HOUR}`
const PROGRESS = 'queryProgress { queryId completed retryAfter retryDeadline resultExpiration }'

const submit = async (url: string, timeout?: number, account = 1000001): Promise<any> => {
  const t = timeout === undefined ? '' : `, timeout: ${timeout}`
  const query = `query($q: Nrql!) { actor { account(id: ${account}) { nrql(query: $q, async: true${t}) { results ${PROGRESS} } } } }`
  const { status, body } = await gql(url, query, { q: QUERY })
  return { status, body, nrql: body.data?.actor.account.nrql }
}

const poll = async (url: string, id: unknown, account = 1000001): Promise<any> => {
  const query = `query($id: ID!) { actor { account(id: ${account}) { nrqlQueryProgress(queryId: $id) { results ${PROGRESS} } } } }`
  const { body } = await gql(url, query, { id })
  return { body, progress: body.data?.actor.account.nrqlQueryProgress }
}

t.test('an async query that finishes within its wait answers its results at once', async t => {
  const sim = await startSim(t)
  const { nrql: r } = await submit(sim.url)
  t.same(r.results, await nrql(sim, QUERY), 'the same results as a plain query')
  t.match(r.queryProgress, { completed: true, retryAfter: 0 })
  t.type(r.queryProgress.queryId, 'string')
  const { body } = await gql(sim.url, `{ actor { account(id: 1000001) { nrql(query: "${QUERY}") { results ${PROGRESS} } } } }`)
  t.equal(body.data.actor.account.nrql.queryProgress, null, 'a plain query has no queryProgress')
})

t.test('a longer one answers queryProgress, then nrqlQueryProgress gives the results when due', async t => {
  let clock = 5_000_000
  const sim = await startSim(t, { limits: { costPerQueryMs: 3500 }, limitsClock: () => clock })
  const started = Date.now()
  const { nrql: r } = await submit(sim.url, 1)
  t.ok(Date.now() - started >= 950, 'the answer comes when the wait (timeout: 1) is over')
  t.equal(r.results, null)
  t.match(r.queryProgress, { completed: false, retryAfter: 4, retryDeadline: 60, resultExpiration: 3600 })
  const id = r.queryProgress.queryId
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/)

  clock += 2000
  let p = await poll(sim.url, id)
  t.equal(p.progress.results, null, 'still running')
  t.match(p.progress.queryProgress, { queryId: id, completed: false, retryAfter: 2 })
  clock += 1500
  p = await poll(sim.url, id)
  t.match(p.progress.queryProgress, { completed: true, retryAfter: 0 })
  await sim.setLimits({})
  t.same(p.progress.results, await nrql(sim, QUERY), 'the results of the query')
  t.same((await poll(sim.url, id)).progress.results, p.progress.results, 'polled again: the same results')
  t.equal(sim.counters().asyncQueries, 1)

  const other = await poll(sim.url, id, 42)
  t.equal(other.body.errors?.[0].extensions?.errorClass, 'FORBIDDEN', 'another account cannot read it')
  const unknown = await poll(sim.url, 'nope')
  t.equal(unknown.body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT')
  clock += 3600_000 + 1
  t.equal((await poll(sim.url, id)).body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT', 'results expire after resultExpiration')
})

t.test('an unpolled query is cancelled after retryDeadline; one past 10 minutes is TIMEOUT', async t => {
  let clock = 9_000_000
  const sim = await startSim(t, { limits: { costPerQueryMs: 120_000 }, limitsClock: () => clock })
  const { nrql: forgotten } = await submit(sim.url, 1)
  clock += 61_000
  t.equal((await poll(sim.url, forgotten.queryProgress.queryId)).body.errors?.[0].extensions?.errorClass, 'INVALID_INPUT',
    'not polled for 61 s: cancelled')

  sim.setLimits({ costPerQueryMs: 700_000 })
  const { nrql: slow } = await submit(sim.url, 1)
  for (let s = 50; s < 600; s += 50) {
    clock += 50_000
    t.equal((await poll(sim.url, slow.queryProgress.queryId)).progress?.queryProgress.completed, false, `running at ${s} s`)
  }
  clock += 51_000
  const late = await poll(sim.url, slow.queryProgress.queryId)
  t.equal(late.body.errors?.[0].extensions?.errorClass, 'TIMEOUT', 'past New Relic\'s 10-minute limit for async queries')
  t.equal(sim.counters().timeouts, 1)
})
