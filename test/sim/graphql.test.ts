import t from 'tap'
import { SMALL_WINDOW as W, gql, startSim } from './helpers.ts'

const COUNT = `SELECT count(*) FROM Transaction ${W}`

t.test('the request shape the gonogo client sends', async t => {
  const sim = await startSim(t)
  const q = 'query($accountId: Int!, $q0: Nrql!, $q1: Nrql!) { actor { account(id: $accountId) { ' +
    'q0: nrql(query: $q0, timeout: 60) { results } q1: nrql(query: $q1, timeout: 60) { results } } } }'
  const { status, body, headers } = await gql(sim.url, q, {
    accountId: 1000001, q0: COUNT, q1: `SELECT count(*) FROM Transaction FACET host ${W}`
  })
  t.equal(status, 200)
  t.match(headers.get('content-type'), /application\/json/)
  t.notOk('errors' in body)
  const account = body.data.actor.account
  t.same(Object.keys(account), ['q0', 'q1'])
  t.equal(account.q0.results[0].count, account.q1.results.reduce((s: number, r: any) => s + r.count, 0))
})

t.test('NRQL and account id written inline, unaliased nrql, block strings, fragments', async t => {
  const sim = await startSim(t)
  const inline = await gql(sim.url,
    `{ actor { account(id: 1000001) { nrql(query: "SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' ${W}") { results } } } }`)
  const expected = inline.body.data.actor.account.nrql.results[0].count
  t.ok(expected > 0)
  const block = await gql(sim.url,
    `query Named { actor { account(id: 1000001) { nrql(query: """SELECT count(*) FROM Transaction ${W}""", timeout: 30) { results } } } }`)
  t.equal(block.body.data.actor.account.nrql.results[0].count, expected)
  const escaped = await gql(sim.url, '{ actor { account(id: 1000001) { ' +
    `nrql(query: "SELECT count(*) FROM Transaction WHERE appName = \\"RESTAPI\\" OR appName = 'RESTAPI' ${W}") { results } } } }`)
  t.ok(escaped.body.errors?.[0].extensions?.errorClass === 'INVALID_INPUT', 'double-quoted NRQL strings are refused (single quotes only)')
  const frag = await gql(sim.url,
    `query { actor { ...A } } fragment A on Actor { account(id: 1000001) { ... on Account { nrql(query: "${COUNT}") { ...R } } } } ` +
    'fragment R on CrossAccountNrdbResultContainer { results }')
  t.equal(frag.body.data.actor.account.nrql.results[0].count, expected, 'fragments and inline fragments')
  const defaults = await gql(sim.url,
    `query($id: Int = 1000001, $q: Nrql! = "${COUNT}") { actor { account(id: $id) { nrql(query: $q) { results } } } }`)
  t.equal(defaults.body.data.actor.account.nrql.results[0].count, expected, 'variable defaults')
})

t.test('other fields answer gracefully', async t => {
  const sim = await startSim(t)
  const { body } = await gql(sim.url, `{ __typename actor { __typename user { id name email } accounts { id name }
    account(id: 1000001) { id name reportingEventTypes nrql(query: "${COUNT}") { __typename results embeddedChartUrl } }
    apiAccess { keySearch { count } } } }`)
  t.notOk('errors' in body)
  const actor = body.data.actor
  t.equal(body.data.__typename, 'Query')
  t.equal(actor.__typename, 'Actor')
  t.equal(typeof actor.user.name, 'string')
  t.same(actor.accounts, [{ id: 1000001, name: 'small' }])
  t.equal(actor.account.id, 1000001)
  t.equal(actor.account.name, 'small')
  t.equal(actor.account.reportingEventTypes, null, 'unknown fields are null')
  t.equal(actor.account.nrql.embeddedChartUrl, null)
  t.equal(actor.apiAccess, null)
  const cross = await gql(sim.url, `{ actor { nrql(accounts: [1000001], query: "${COUNT}") { results } } }`)
  t.ok(cross.body.data.actor.nrql.results[0].count > 0, 'cross-account nrql over our account')
})

t.test('API key: missing or wrong gets 401 BAD_API_KEY', async t => {
  const open = await startSim(t)
  const q = `{ actor { account(id: 1000001) { nrql(query: "${COUNT}") { results } } } }`
  const missing = await gql(open.url, q, undefined, null)
  t.equal(missing.status, 401)
  t.equal(missing.body.errors?.[0].extensions?.errorClass, 'BAD_API_KEY')
  t.equal((await gql(open.url, q, undefined, '   ')).status, 401, 'blank key')
  t.equal((await gql(open.url, q, undefined, 'anything')).status, 200, 'without --api-key any key works')

  const locked = await startSim(t, { apiKey: 'NRAK-SECRET' })
  const wrong = await gql(locked.url, q, undefined, 'NRAK-WRONG')
  t.equal(wrong.status, 401)
  t.equal(wrong.body.errors?.[0].extensions?.errorClass, 'BAD_API_KEY')
  t.notOk('data' in wrong.body)
  t.equal((await gql(locked.url, q, undefined, 'NRAK-SECRET')).status, 200)
})

t.test('an account the key cannot access', async t => {
  const sim = await startSim(t)
  const q = 'query($id: Int!, $q: Nrql!) { actor { account(id: $id) { a: nrql(query: $q) { results } b: nrql(query: $q) { results } } } }'
  const { status, body } = await gql(sim.url, q, { id: 999, q: COUNT })
  t.equal(status, 200)
  t.same(body.data.actor.account, { a: null, b: null })
  t.equal(body.errors?.length, 2)
  t.same(body.errors?.map(e => e.path), [['actor', 'account', 'a'], ['actor', 'account', 'b']])
  for (const e of body.errors ?? []) {
    t.equal(e.extensions?.errorClass, 'FORBIDDEN')
    t.match(e.message, /999/)
  }
  const cross = await gql(sim.url, `{ actor { nrql(accounts: [1000001, 5], query: "${COUNT}") { results } } }`)
  t.equal(cross.body.data.actor.nrql, null)
  t.equal(cross.body.errors?.[0].extensions?.errorClass, 'FORBIDDEN')
})

t.test('malformed requests', async t => {
  const sim = await startSim(t)
  const syntax = await gql(sim.url, '{ actor { account(id: 1000001) { nrql(query: "x") { results } }')
  t.equal(syntax.status, 200)
  t.match(syntax.body.errors?.[0].message, /^Syntax Error/)
  t.notOk(syntax.body.data)
  const missingVar = await gql(sim.url, 'query($q: Nrql!) { actor { account(id: 1000001) { nrql(query: $q) { results } } } }', {})
  t.match(missingVar.body.errors?.[0].message, /Variable "\$q" of required type "Nrql!" was not provided/)
  const badType = await gql(sim.url, 'query($id: Int!, $q: Nrql!) { actor { account(id: $id) { nrql(query: $q) { results } } } }',
    { id: '1000001', q: COUNT })
  t.match(badType.body.errors?.[0].message, /Variable "\$id" got invalid value "1000001"; Int cannot represent non-integer value/)
  t.notOk(badType.body.data, 'a variable of the wrong type fails the whole request, as in GraphQL')
  const mutation = await gql(sim.url, 'mutation { alertsPolicyCreate(accountId: 1) { id } }')
  t.match(mutation.body.errors?.[0].message, /Cannot query field "alertsPolicyCreate" on type "RootMutationType"/,
    'mutations: known fields only')
  const two = await gql(sim.url,
    `query A { actor { account(id: 1000001) { nrql(query: "${COUNT}") { results } } } } query B { actor { user { id } } }`)
  t.match(two.body.errors?.[0].message, /operation name/)
  const res = await fetch(sim.url, { method: 'POST', headers: { 'api-key': 'k', 'content-type': 'application/json' }, body: '{not json' })
  t.equal(res.status, 400)
  const named = await fetch(sim.url, {
    method: 'POST',
    headers: { 'api-key': 'k', 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'query A { actor { user { id } } } query B { actor { accounts { id } } }', operationName: 'B' })
  })
  t.same(((await named.json()) as any).data, { actor: { accounts: [{ id: 1000001 }] } }, 'operationName picks the operation')
  t.equal((await fetch(sim.baseUrl + '/nope')).status, 404)
})

t.test('counters, health and admin stats', async t => {
  const sim = await startSim(t)
  const health = await fetch(sim.baseUrl + '/healthz')
  t.equal(health.status, 200)
  t.same(sim.stats(), { requests: 0, nrqlQueries: 0 })
  await gql(sim.url, `{ actor { account(id: 1000001) { a: nrql(query: "${COUNT}") { results } b: nrql(query: "${COUNT}") { results } ` +
    'c: nrql(query: "SELECT") { results } } } }')
  await gql(sim.url, '{ actor { user { id } } }', undefined, null)
  t.same(sim.stats(), { requests: 2, nrqlQueries: 3 }, 'every request; every nrql field evaluated')
  const admin = (await (await fetch(sim.baseUrl + '/admin/stats')).json()) as any
  t.equal(admin.requests, 2)
  t.equal(admin.nrqlQueries, 3)
  const reset = await fetch(sim.baseUrl + '/admin/stats/reset', { method: 'POST' })
  t.equal(reset.status, 200)
  t.same(sim.stats(), { requests: 0, nrqlQueries: 0 })
  await gql(sim.url, '{ actor { user { id } } }')
  sim.resetStats()
  t.same(sim.stats(), { requests: 0, nrqlQueries: 0 })
})
