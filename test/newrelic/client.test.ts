import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import pino from 'pino'
import { NerdGraphClient } from '../../src/newrelic/client.ts'
import {
  NerdGraphAuthError, NerdGraphNetworkError, NerdGraphRateLimitError, NerdGraphServerError, NerdGraphTimeoutError, NrqlInvalidError
} from '../../src/newrelic/errors.ts'
import type { RequestInfo } from '../../src/newrelic/types.ts'
import { ACCOUNT_ID, API_KEY, FROM, UNTIL, clientFor, startSim } from './sim-helpers.ts'

const COUNT = `SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' SINCE ${FROM} UNTIL ${UNTIL}`
const BY_HOST = `SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' FACET host SINCE ${FROM} UNTIL ${UNTIL} LIMIT MAX`

t.test('several queries in one request, results under the caller keys', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim)
  const out = await client.nrql(ACCOUNT_ID, { 'total count': COUNT, 'by host': BY_HOST })
  t.same(Object.keys(out).sort(), ['by host', 'total count'])
  const total = out['total count'].results[0].count as number
  const sum = out['by host'].results.reduce((s, r) => s + (r.count as number), 0)
  t.ok(total > 0)
  t.equal(sum, total, 'faceted counts add up to the total')
  t.same(sim.stats(), { requests: 1, nrqlQueries: 2 })
  t.same(await client.nrql(ACCOUNT_ID, {}), {}, 'nothing to ask, no request')
  t.equal(sim.stats().requests, 1)
})

t.test('splits into requests of maxQueriesPerRequest', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim, { maxQueriesPerRequest: 60 })
  const queries = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`k${i}`, COUNT]))
  const out = await client.nrql(ACCOUNT_ID, queries)
  t.equal(Object.keys(out).length, 130)
  t.same(sim.stats(), { requests: 3, nrqlQueries: 130 })
})

t.test('retries 429 and 5xx, then succeeds', async t => {
  const sim = await startSim(t)
  const infos: RequestInfo[] = []
  const client = clientFor(t, sim, { onRequest: info => infos.push(info) })
  const expected = (await client.nrql(ACCOUNT_ID, { c: COUNT })).c
  infos.length = 0
  sim.resetStats()
  sim.setFaults({ script: ['429', '500', '503', 'ok'] })
  const out = await client.nrql(ACCOUNT_ID, { c: COUNT })
  t.same(out.c, expected)
  t.equal(sim.stats().requests, 4)
  t.same(infos.map(i => [i.attempt, i.status, i.retried, i.error]), [
    [1, 429, true, 'NERDGRAPH_RATE_LIMITED'],
    [2, 500, true, 'NERDGRAPH_SERVER'],
    [3, 503, true, 'NERDGRAPH_SERVER'],
    [4, 200, false, undefined]
  ])
})

t.test('Retry-After is honoured, capped by maxDelayMs', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim, { baseDelayMs: 1, maxDelayMs: 5000 })
  sim.setFaults({ retryAfterSeconds: 1, script: ['429', 'ok'] })
  let started = performance.now()
  await client.nrql(ACCOUNT_ID, { c: COUNT })
  const waited = performance.now() - started
  t.ok(waited >= 950, `waited ${Math.round(waited)} ms for Retry-After: 1`)
  t.ok(waited < 3000, 'but not much longer')

  const capped = clientFor(t, sim, { baseDelayMs: 1, maxDelayMs: 200 })
  sim.setFaults({ retryAfterSeconds: 30, script: ['429', 'ok'] })
  started = performance.now()
  await capped.nrql(ACCOUNT_ID, { c: COUNT })
  t.ok(performance.now() - started < 2000, 'Retry-After: 30 capped at 200 ms')
})

t.test('gives up after maxRetries with a typed error', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim, { maxRetries: 2 })
  sim.setFaults({ script: ['500', '500', '500', 'ok'] })
  const err = await client.nrql(ACCOUNT_ID, { 'app counts': COUNT }).catch(e => e)
  t.ok(err instanceof NerdGraphServerError, err.message)
  t.equal(err.code, 'NERDGRAPH_SERVER')
  t.equal(err.attempts, 3)
  t.equal(err.status, 500)
  t.same(err.queries, ['app counts'])
  t.match(err.message, /after 3 attempts for query app counts: SELECT count/)
  t.equal(sim.stats().requests, 3)

  sim.setFaults({ script: [], rate429: 1, retryAfterSeconds: 0 })
  const limited = await client.nrql(ACCOUNT_ID, { c: COUNT }).catch(e => e)
  t.ok(limited instanceof NerdGraphRateLimitError, limited.message)
  t.equal(limited.attempts, 3)
  t.equal(limited.status, 429)
})

t.test('per-request timeout on a hanging server', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim, { timeoutMs: 300, maxRetries: 1 })
  sim.setFaults({ script: ['hang', 'ok'] })
  const started = performance.now()
  const out = await client.nrql(ACCOUNT_ID, { c: COUNT })
  t.ok((out.c.results[0].count as number) > 0, 'second attempt answers')
  t.ok(performance.now() - started >= 290, 'the first attempt was cut at the timeout')

  sim.setFaults({ script: [], rateHang: 1 })
  const began = performance.now()
  const err = await client.nrql(ACCOUNT_ID, { c: COUNT }).catch(e => e)
  const elapsed = performance.now() - began
  t.ok(err instanceof NerdGraphTimeoutError, err.message)
  t.equal(err.attempts, 2)
  t.equal(err.status, undefined, 'no HTTP status on a timeout')
  t.ok(elapsed >= 590 && elapsed < 3000, `two attempts of 300 ms took ${Math.round(elapsed)} ms`)
})

t.test('a caller that stops waiting stops the requests and frees the slots', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim, { timeoutMs: 5_000, maxRetries: 5, concurrency: 1 })
  sim.setFaults({ rateHang: 1 })
  const stop = new AbortController()
  const began = performance.now()
  setTimeout(() => stop.abort(), 200)
  const err = await client.nrql(ACCOUNT_ID, { c: COUNT }, { signal: stop.signal }).catch(e => e)
  const elapsed = performance.now() - began
  t.ok(err instanceof NerdGraphTimeoutError, err.message)
  t.match(err.message, /the caller stopped waiting/)
  t.ok(elapsed < 1_000, `gave up in ${Math.round(elapsed)} ms, not at the 5 s timeout nor after retries`)
  t.equal(sim.stats().requests, 1, 'no retry after the caller left')
  // The one slot is free again: the next caller is not stuck behind the abandoned request.
  sim.setFaults({})
  const out = await client.nrql(ACCOUNT_ID, { c: COUNT })
  t.ok((out.c.results[0].count as number) > 0)
  const already = new AbortController()
  already.abort()
  t.rejects(client.nrql(ACCOUNT_ID, { c: COUNT }, { signal: already.signal }), NerdGraphTimeoutError, 'an aborted signal sends nothing')
})

t.test('401 is not retried', async t => {
  const sim = await startSim(t)
  const secret = 'wrong-key-0123456789'
  const client = new NerdGraphClient({ url: sim.url, apiKey: secret, baseDelayMs: 1 })
  t.teardown(async () => { await client.close() })
  const err = await client.nrql(ACCOUNT_ID, { c: COUNT }).catch(e => e)
  t.ok(err instanceof NerdGraphAuthError, err.message)
  t.equal(err.code, 'NERDGRAPH_AUTH')
  t.equal(err.attempts, 1)
  t.equal(err.status, 401)
  t.notOk(err.message.includes(secret), 'the key is not in the message')
  t.equal(sim.stats().requests, 1)
})

t.test('an account the key cannot read is not retried', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim)
  const err = await client.nrql(ACCOUNT_ID + 1, { c: COUNT }).catch(e => e)
  t.equal(err.attempts, 1, `${err.name}: ${err.message}`)
  t.equal(sim.stats().requests, 1)
})

t.test('INVALID_INPUT is not retried and names the query', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim)
  const bad = 'SELECT count(*) FROM Transaction WHERE SINCE yesterday-ish'
  const err = await client.nrql(ACCOUNT_ID, { good: COUNT, 'broken one': bad }).catch(e => e)
  t.ok(err instanceof NrqlInvalidError, err.message)
  t.equal(err.code, 'NRQL_INVALID')
  t.same(err.queries, ['broken one'])
  t.equal(err.nrql, bad)
  t.match(err.message, 'broken one')
  t.match(err.message, bad)
  t.equal(err.attempts, 1)
  t.equal(sim.stats().requests, 1)
})

t.test('NRQL TIMEOUT is retried', async t => {
  const sim = await startSim(t)
  const client = clientFor(t, sim)
  sim.setFaults({ script: ['timeout', 'ok'] })
  const out = await client.nrql(ACCOUNT_ID, { a: COUNT, b: BY_HOST, c: COUNT })
  t.same(Object.keys(out).sort(), ['a', 'b', 'c'])
  t.same(sim.stats(), { requests: 3, nrqlQueries: 3 }, 'the timed-out request was split in two halves, each run once')

  sim.setFaults({ script: [], rateNrqlTimeout: 1 })
  const err = await clientFor(t, sim, { maxRetries: 1 }).nrql(ACCOUNT_ID, { slow: COUNT }).catch(e => e)
  t.ok(err instanceof NerdGraphTimeoutError, err.message)
  t.equal(err.attempts, 2)
  t.same(err.queries, ['slow'])
})

t.test('a TIMEOUT on one alias retries that alias only', async t => {
  // The simulator times out whole requests; this stub times out one alias, as New Relic can.
  const bodies: Array<{ query: string, variables: Record<string, string> }> = []
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', chunk => { text += chunk })
    req.on('end', () => {
      const body = JSON.parse(text)
      bodies.push(body)
      const account: Record<string, unknown> = {}
      const errors = []
      for (const alias of Object.keys(body.variables)) {
        if (bodies.length === 1 && alias === 'q1') {
          account[alias] = null
          errors.push({ message: 'NRQL query timed out', path: ['actor', 'account', alias], extensions: { errorClass: 'TIMEOUT' } })
        } else {
          account[alias] = { results: [{ count: bodies.length * 10 }] }
        }
      }
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ data: { actor: { account } }, ...(errors.length > 0 ? { errors } : {}) }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { server.close() })
  const { port } = server.address() as AddressInfo
  const client = new NerdGraphClient({ url: `http://127.0.0.1:${port}/graphql`, apiKey: API_KEY, baseDelayMs: 1 })
  t.teardown(async () => { await client.close() })
  const out = await client.nrql(ACCOUNT_ID, { a: 'SELECT 1', b: 'SELECT 2', c: 'SELECT 3' })
  t.same(out, { a: { results: [{ count: 10 }] }, b: { results: [{ count: 20 }] }, c: { results: [{ count: 10 }] } })
  t.equal(bodies.length, 2)
  t.same(Object.keys(bodies[0].variables), ['q0', 'q1', 'q2'])
  t.same(bodies[1].variables, { q1: 'SELECT 2' }, 'the retry carries only the failed query')
  t.notMatch(bodies[0].query, /SELECT/, 'NRQL travels only as variables')
})

t.test('concurrency cap holds', async t => {
  const sim = await startSim(t)
  const spans: Array<[number, number]> = []
  const client = clientFor(t, sim, {
    concurrency: 2,
    maxQueriesPerRequest: 1,
    onRequest: info => { const end = performance.now(); spans.push([end - info.ms, end]) }
  })
  sim.setFaults({ latencyMs: 200 })
  const started = performance.now()
  await client.nrql(ACCOUNT_ID, Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, COUNT])))
  const elapsed = performance.now() - started
  t.equal(sim.stats().requests, 6)
  t.ok(elapsed >= 590, `6 requests of 200 ms, 2 at a time, took ${Math.round(elapsed)} ms`)
  t.ok(elapsed < 1200, 'and they did overlap')
  t.ok(maxOverlap(spans) <= 2, `at most 2 in flight (saw ${maxOverlap(spans)})`)
})

t.test('network errors are retried, then typed', async t => {
  const sim = await startSim(t)
  const url = sim.url
  await sim.close()
  const client = new NerdGraphClient({ url, apiKey: API_KEY, maxRetries: 2, baseDelayMs: 1 })
  t.teardown(async () => { await client.close() })
  const err = await client.nrql(ACCOUNT_ID, { c: COUNT }).catch(e => e)
  t.ok(err instanceof NerdGraphNetworkError, err.message)
  t.equal(err.attempts, 3)
})

t.test('logs every attempt and retry, never the API key', async t => {
  const sim = await startSim(t)
  const lines: string[] = []
  const sink = new Writable({ write (chunk, _enc, done) { lines.push(String(chunk)); done() } })
  const client = clientFor(t, sim, { logger: pino({ level: 'debug' }, sink) })
  sim.setFaults({ script: ['503', 'ok'] })
  await client.nrql(ACCOUNT_ID, { c: COUNT })
  const records = lines.map(l => JSON.parse(l))
  t.equal(records.filter(r => r.level === 20 && r.msg === 'NerdGraph request').length, 2, 'debug per attempt')
  t.equal(records.filter(r => r.level === 40).length, 1, 'warn per retry')
  t.notOk(lines.join('').includes(API_KEY))
})

t.test('options are checked', async t => {
  t.throws(() => new NerdGraphClient({ url: 'http://x/graphql', apiKey: 'k', concurrency: 26 }), RangeError)
  t.throws(() => new NerdGraphClient({ url: 'ftp://x/graphql', apiKey: 'k' }), TypeError)
  t.throws(() => new NerdGraphClient({ url: 'http://x/graphql', apiKey: '' }), TypeError)
  const client = new NerdGraphClient({ url: 'http://127.0.0.1:9/graphql', apiKey: 'k' })
  t.equal(client.concurrency, 5)
  t.equal(client.maxQueriesPerRequest, 5, 'five queries a request, as New Relic advises')
  t.equal(client.nrqlTimeoutS, 28, 'one wave of five under a 30 s HTTP timeout, 2 s to spare')
  const big = new NerdGraphClient({ url: 'http://127.0.0.1:9/graphql', apiKey: 'k', maxQueriesPerRequest: 20, timeoutMs: 60_000 })
  t.equal(big.nrqlTimeoutS, 14, 'four waves of five share 58 s')
  await big.close()
  await t.rejects(client.nrql(0, { a: 'SELECT 1' }), TypeError)
  await t.rejects(client.nrql(1, { a: ' ' }), TypeError)
  await client.close()
  await client.close()
})

function maxOverlap (spans: Array<[number, number]>): number {
  const events = spans.flatMap(([a, b]) => [[a, 1], [b, -1]] as Array<[number, number]>).sort((x, y) => x[0] - y[0] || x[1] - y[1])
  let now = 0
  let max = 0
  for (const [, d] of events) max = Math.max(max, now += d)
  return max
}
