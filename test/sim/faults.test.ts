import t from 'tap'
import { startSimulator } from '../../src/sim/index.ts'
import { FIXTURES, SMALL_WINDOW as W, gql, startSim } from './helpers.ts'

const Q = 'query($q: Nrql!) { actor { account(id: 1000001) { a: nrql(query: $q, timeout: 45) { results } ' +
  'b: nrql(query: $q) { results } } } }'
const VARS = { q: `SELECT count(*) FROM Transaction ${W}` }

async function post (url: string, signal?: AbortSignal): Promise<Response> {
  return await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'api-key': 'k' },
    body: JSON.stringify({ query: Q, variables: VARS }),
    signal
  })
}

t.test('a script gives each mode in order, then the rates apply again', async t => {
  const sim = await startSim(t, { faults: { retryAfterSeconds: 7, script: ['429', '500', '503', 'timeout', 'hang', 'ok'] } })
  const r429 = await post(sim.url)
  t.equal(r429.status, 429)
  t.equal(r429.headers.get('retry-after'), '7')
  t.equal(((await r429.json()) as any).errors[0].extensions.errorClass, 'TOO_MANY_REQUESTS')
  const r500 = await post(sim.url)
  t.equal(r500.status, 500)
  t.equal(((await r500.json()) as any).errors[0].extensions.errorClass, 'INTERNAL_SERVER_ERROR')
  t.equal((await post(sim.url)).status, 503)

  const timeout = await post(sim.url)
  t.equal(timeout.status, 200)
  const tb = (await timeout.json()) as any
  t.same(tb.data, { actor: { account: { a: null, b: null } } }, 'TIMEOUT: every nrql is null')
  t.same(tb.errors.map((e: any) => [e.path, e.extensions.errorClass]), [
    [['actor', 'account', 'a'], 'TIMEOUT'],
    [['actor', 'account', 'b'], 'TIMEOUT']
  ])
  t.match(tb.errors[0].message, /45 seconds/)

  const started = Date.now()
  await t.rejects(post(sim.url, AbortSignal.timeout(300)), 'hang: the client gives up')
  t.ok(Date.now() - started >= 250)

  const ok = await post(sim.url)
  t.equal(ok.status, 200)
  t.ok(((await ok.json()) as any).data.actor.account.a.results[0].count > 0)
  t.equal((await post(sim.url)).status, 200, 'script used up: back to the (zero) rates')
  t.same(sim.stats(), { requests: 7, nrqlQueries: 4 })
})

t.test('rates: each mode at rate 1, and a mix at the right proportions', async t => {
  const sim = await startSim(t)
  for (const [faults, status] of [
    [{ rate429: 1 }, 429], [{ rate500: 1 }, 500], [{ rate503: 1 }, 503], [{ rateNrqlTimeout: 1 }, 200]
  ] as const) {
    sim.setFaults(faults)
    const res = await post(sim.url)
    t.equal(res.status, status, JSON.stringify(faults))
    const body = (await res.json()) as any
    if (status === 200) t.equal(body.errors[0].extensions.errorClass, 'TIMEOUT')
  }
  sim.setFaults({ rateHang: 1 })
  await t.rejects(post(sim.url, AbortSignal.timeout(200)), 'rateHang 1 never answers')

  sim.setFaults({ rate429: 0.3, rate503: 0.2 })
  const counts: Record<number, number> = {}
  const n = 400
  const light = JSON.stringify({ query: '{ actor { user { id } } }' })
  for (let i = 0; i < n; i++) {
    const res = await fetch(sim.url, { method: 'POST', headers: { 'api-key': 'k' }, body: light })
    await res.arrayBuffer()
    counts[res.status] = (counts[res.status] ?? 0) + 1
  }
  for (const [status, p] of [[429, 0.3], [503, 0.2], [200, 0.5]] as const) {
    const se = Math.sqrt(n * p * (1 - p))
    t.ok(Math.abs((counts[status] ?? 0) - n * p) <= 4 * se, `${status}: ${counts[status]} of ${n} (expected ${n * p})`)
  }
  sim.setFaults({})
  t.equal((await post(sim.url)).status, 200, 'setFaults({}) clears every fault')
  t.throws(() => sim.setFaults({ rate500: 2 }), /rate500 must be a number between 0 and 1/)
  t.throws(() => sim.setFaults({ rate500: 0.6, rate503: 0.6 }), /add up to/)
  t.throws(() => sim.setFaults({ script: ['boom' as 'ok'] }), /script/)
})

t.test('latency is added to every request', async t => {
  const sim = await startSim(t, { faults: { latencyMs: 250 } })
  const started = Date.now()
  t.equal((await post(sim.url)).status, 200)
  t.ok(Date.now() - started >= 240, `took ${Date.now() - started} ms`)
})

t.test('admin endpoint reads and replaces the faults', async t => {
  const sim = await startSim(t)
  const put = await fetch(sim.baseUrl + '/admin/faults', { method: 'PUT', body: JSON.stringify({ rate500: 1, script: ['ok'] }) })
  t.equal(put.status, 200)
  t.same(await put.json(), { rate500: 1, script: ['ok'] })
  t.equal((await post(sim.url)).status, 200, 'the script first')
  t.equal((await post(sim.url)).status, 500, 'then the rate')
  t.same(await (await fetch(sim.baseUrl + '/admin/faults')).json(), { rate500: 1, script: [] }, 'GET shows what is left of the script')
  const bad = await fetch(sim.baseUrl + '/admin/faults', { method: 'PUT', body: JSON.stringify({ rate500: 'lots' }) })
  t.equal(bad.status, 400)
  t.match(((await bad.json()) as any).error, /rate500/)
  const unknown = await fetch(sim.baseUrl + '/admin/faults', { method: 'PUT', body: JSON.stringify({ rate404: 1 }) })
  t.equal(unknown.status, 400)
  await fetch(sim.baseUrl + '/admin/faults', { method: 'PUT', body: '{}' })
  t.equal((await post(sim.url)).status, 200, 'PUT replaces: an empty object clears')
})

t.test('close() ends hanging requests', async t => {
  const sim = await startSimulator({ scenario: FIXTURES + 'small.json', faults: { rateHang: 1 } })
  const pending = post(sim.url)
  // Let the request reach the server before closing.
  await new Promise(resolve => setTimeout(resolve, 200))
  const started = Date.now()
  await sim.close()
  await t.rejects(pending, 'the hanging request fails once the simulator closes')
  t.ok(Date.now() - started < 2000, `released in ${Date.now() - started} ms`)
  await sim.close()
  t.pass('close() twice is fine')
})

t.test('faults apply before authentication, like a gateway', async t => {
  const sim = await startSim(t, { apiKey: 'right', faults: { script: ['503'] } })
  const res = await gql(sim.url, '{ actor { user { id } } }', undefined, 'wrong')
  t.equal(res.status, 503)
  t.equal((await gql(sim.url, '{ actor { user { id } } }', undefined, 'wrong')).status, 401)
})
