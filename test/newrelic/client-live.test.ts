/**
 * The client against New Relic's live behaviour: asynchronous queries polled with
 * nrqlQueryProgress, an error class gonogo does not know, TOO_MANY_REQUESTS inside a 200, and a
 * slow request split rather than re-sent whole (the simulator, and a stub where it cannot say it).
 */
import t, { type Test } from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NerdGraphClient } from '../../src/newrelic/client.ts'
import { NerdGraphQueryError, NerdGraphRateLimitError } from '../../src/newrelic/errors.ts'
import { ACCOUNT_ID, API_KEY, FROM, UNTIL, clientFor, startSim } from './sim-helpers.ts'

const COUNT = `SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' SINCE ${FROM} UNTIL ${UNTIL}`

/** A NerdGraph stand-in: `answer` gets each request's body and the request number (1, 2...). */
async function stub (t: Test, answer: (body: { query: string, variables?: Record<string, string> }, n: number) => unknown): Promise<{
  url: string, bodies: Array<{ query: string, variables?: Record<string, string> }>
}> {
  const bodies: Array<{ query: string, variables?: Record<string, string> }> = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', chunk => { text += chunk })
    req.on('end', () => {
      const body = JSON.parse(text)
      bodies.push(body)
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(answer(body, bodies.length)))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, bodies }
}

t.test('a query over a long window runs asynchronously and is polled', async t => {
  const sim = await startSim(t)
  // Each query takes 2.5 s of simulated time; the NRQL wait is 1 s, so it goes async.
  sim.setLimits({ costPerQueryMs: 2500 })
  const client = clientFor(t, sim, { nrqlTimeoutS: 1, asyncAfterMs: 3_600_000 })
  const out = await client.nrql(ACCOUNT_ID, { long: COUNT }, { spanMs: { long: 8 * 3_600_000 } })
  t.ok(Array.isArray(out.long.results) && out.long.results.length === 1, 'the async query answered through polling')
  const counters = sim.counters()
  t.equal(counters.asyncQueries, 1, 'it ran async')
  t.ok(counters.requests >= 2, `and was polled (${counters.requests} requests)`)
  t.equal(counters.timeouts, 0, 'not timed out')
  // The same query over a short window is a plain one, and times out past its 1 s.
  const plain = clientFor(t, sim, { nrqlTimeoutS: 1, asyncAfterMs: 3_600_000, maxRetries: 0 })
  await t.rejects(plain.nrql(ACCOUNT_ID, { short: COUNT }, { spanMs: { short: 60_000 } }), /TIMEOUT/)
  t.equal(sim.counters().asyncQueries, 1)
})

t.test('an unknown error class: its query is tried once more alone, then fails alone', async t => {
  const { url, bodies } = await stub(t, (body) => {
    const account: Record<string, unknown> = {}
    const errors = []
    for (const alias of Object.keys(body.variables ?? {})) {
      if (body.variables?.[alias] === 'SELECT 2') {
        account[alias] = null
        errors.push({ message: 'something new', path: ['actor', 'account', alias], extensions: { errorClass: 'BRAND_NEW_ERROR' } })
      } else {
        account[alias] = { results: [{ count: 1 }] }
      }
    }
    return { data: { actor: { account } }, errors }
  })
  const client = new NerdGraphClient({ url, apiKey: API_KEY, baseDelayMs: 1 })
  t.teardown(async () => { await client.close() })
  const err = await client.nrql(ACCOUNT_ID, { a: 'SELECT 1', b: 'SELECT 2', c: 'SELECT 3' }).catch(e => e)
  t.ok(err instanceof NerdGraphQueryError, err.message)
  t.same(err.queries, ['b'], 'only that query is at fault')
  t.match(err.message, /BRAND_NEW_ERROR/)
  t.equal(bodies.length, 2, 'tried twice, not NERDGRAPH_MAX_RETRIES times')
  t.same(bodies[1].variables, { q1: 'SELECT 2' }, 'the other queries were not sent again')

  // Once more as transient: an unknown class that goes away is no failure.
  const flaky = await stub(t, (body, n) => n === 1
    ? { data: { actor: { account: { q0: null } } }, errors: [{ message: '?', path: ['actor', 'account', 'q0'] }] }
    : { data: { actor: { account: { q0: { results: [{ count: 7 }] } } } } })
  const second = new NerdGraphClient({ url: flaky.url, apiKey: API_KEY, baseDelayMs: 1 })
  t.teardown(async () => { await second.close() })
  t.same(await second.nrql(ACCOUNT_ID, { x: 'SELECT 1' }), { x: { results: [{ count: 7 }] } })
})

t.test('TOO_MANY_REQUESTS inside a 200 is rate limiting', async t => {
  const sim = await startSim(t)
  sim.setLimits({ maxNrqlPerMinute: 2 })
  const client = clientFor(t, sim, { maxRetries: 1, maxDelayMs: 20 })
  const err = await client.nrql(ACCOUNT_ID, { a: COUNT, b: COUNT, c: COUNT }).catch(e => e)
  t.ok(err instanceof NerdGraphRateLimitError, err.message)
  t.same(err.queries, ['c'], 'the refused query, not the ones that ran')
  t.equal(sim.counters().rateLimited, 2, 'refused on both tries')
})

t.test('a request that times out as a whole is retried in halves', async t => {
  // Four queries in one request time out together; alone or in pairs they answer.
  const { url, bodies } = await stub(t, (body) => {
    const aliases = Object.keys(body.variables ?? {})
    if (aliases.length > 2) {
      return {
        data: { actor: { account: Object.fromEntries(aliases.map(a => [a, null])) } },
        errors: aliases.map(a => ({
          message: 'NRQL query timed out', path: ['actor', 'account', a], extensions: { errorClass: 'TIMEOUT' }
        }))
      }
    }
    return { data: { actor: { account: Object.fromEntries(aliases.map(a => [a, { results: [{ n: a }] }])) } } }
  })
  const client = new NerdGraphClient({ url, apiKey: API_KEY, baseDelayMs: 1, maxQueriesPerRequest: 4 })
  t.teardown(async () => { await client.close() })
  const out = await client.nrql(ACCOUNT_ID, { a: 'SELECT 1', b: 'SELECT 2', c: 'SELECT 3', d: 'SELECT 4' })
  t.same(Object.keys(out).sort(), ['a', 'b', 'c', 'd'])
  t.same(bodies.map(b => Object.keys(b.variables ?? {}).length), [4, 2, 2], 'one of four, then two of two: never four again')
})
