import t from 'tap'
import {
  NerdGraphAuthError, NerdGraphError, NerdGraphNetworkError, NerdGraphQueryError, NerdGraphRateLimitError,
  NerdGraphServerError, NerdGraphTimeoutError, NrqlInvalidError, NrqlTemplateError
} from '../../src/newrelic/errors.ts'

t.test('each error has a code, a name and its details', async t => {
  const cases = [
    [NerdGraphAuthError, 'NERDGRAPH_AUTH'], [NrqlInvalidError, 'NRQL_INVALID'], [NerdGraphTimeoutError, 'NERDGRAPH_TIMEOUT'],
    [NerdGraphRateLimitError, 'NERDGRAPH_RATE_LIMITED'], [NerdGraphServerError, 'NERDGRAPH_SERVER'],
    [NerdGraphNetworkError, 'NERDGRAPH_NETWORK'], [NerdGraphQueryError, 'NERDGRAPH_QUERY'], [NrqlTemplateError, 'NRQL_TEMPLATE']
  ] as const
  for (const [Class, code] of cases) {
    const err = new Class('it failed', { queries: ['hosts.window[0]'], nrql: 'SELECT 1', attempts: 3, status: 503 })
    t.ok(err instanceof NerdGraphError)
    t.ok(err instanceof Error)
    t.equal(err.code, code)
    t.equal(err.name, Class.name)
    t.equal(err.attempts, 3)
    t.same(err.queries, ['hosts.window[0]'])
    t.equal(err.message, 'it failed (HTTP 503) after 3 attempts for query hosts.window[0]: SELECT 1')
  }
})

t.test('long lists and NRQL are shortened in the message only', async t => {
  const queries = Array.from({ length: 8 }, (_, i) => `k${i}`)
  const nrql = 'x'.repeat(1000)
  const err = new NerdGraphServerError('failed', { queries, nrql, attempts: 1 })
  t.match(err.message, 'after 1 attempt for queries k0, k1, k2, k3, k4 and 3 more: xxx')
  t.ok(err.message.length < 450)
  t.equal(err.nrql, nrql)
  t.equal(err.queries.length, 8)
})
