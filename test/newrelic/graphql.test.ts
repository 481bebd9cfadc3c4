import t from 'tap'
import { buildNrqlRequest, readNrqlReply } from '../../src/newrelic/graphql.ts'

t.test('NRQL goes only in variables', async t => {
  const hostile = "SELECT count(*) FROM Transaction WHERE appName = 'x\\') } } } mutation { y'"
  const body = buildNrqlRequest(42, [['q0', hostile], ['q1', 'SELECT 1']], 29)
  t.equal(body.query, 'query ($q0: Nrql!, $q1: Nrql!) { actor { account(id: 42) { ' +
    'q0: nrql(query: $q0, timeout: 29) { results } q1: nrql(query: $q1, timeout: 29) { results } } } }')
  t.same(body.variables, { q0: hostile, q1: 'SELECT 1' })
  t.notOk(body.query.includes('SELECT'))
})

t.test('reads results and per-alias failures', async t => {
  const reply = readNrqlReply({
    data: { actor: { account: { q0: { results: [{ count: 1 }] }, q1: null, q2: null } } },
    errors: [
      { message: 'NRQL query timed out', path: ['actor', 'account', 'q1', 'results'], extensions: { errorClass: 'TIMEOUT' } },
      { message: 'bad NRQL', path: ['actor', 'account', 'q2'], extensions: { errorClass: 'INVALID_INPUT' } }
    ]
  }, ['q0', 'q1', 'q2'])
  t.same([...reply.results.keys()], ['q0'])
  t.same(reply.failures.map(f => [f.alias, f.kind]), [['q1', 'timeout'], ['q2', 'invalid']])
})

t.test('errors without a path apply to unanswered aliases', async t => {
  const reply = readNrqlReply(
    { data: null, errors: [{ message: 'boom', extensions: { errorClass: 'INTERNAL_SERVER_ERROR' } }] }, ['q0', 'q1']
  )
  t.same(reply.failures.map(f => [f.alias, f.kind]), [['q0', 'server'], ['q1', 'server']])
  const auth = readNrqlReply({ errors: [{ message: 'Invalid API key', extensions: { errorClass: 'BAD_API_KEY' } }] }, ['q0'])
  t.equal(auth.failures[0].kind, 'auth')
  const unknown = readNrqlReply({ errors: [{ message: '?' }] }, ['q0'])
  t.equal(unknown.failures[0].kind, 'unknown', 'an error class we do not know is tried once more')
  const code = readNrqlReply({ errors: [{ message: 'Invalid API key', extensions: { error_code: 'BAD_API_KEY' } }] }, ['q0'])
  t.equal(code.failures[0].kind, 'auth', 'extensions.error_code is read')
})

t.test('a 200 with nothing for an alias is a server fault', async t => {
  const reply = readNrqlReply({ data: { actor: { account: { q0: { results: [] } } } } }, ['q0', 'q1'])
  t.same(reply.results.get('q0'), { results: [] })
  t.same(reply.failures.map(f => [f.alias, f.kind]), [['q1', 'server']])
  t.same(readNrqlReply('garbage', ['q0']).failures[0].kind, 'server')
})
