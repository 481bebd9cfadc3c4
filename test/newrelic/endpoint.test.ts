import t from 'tap'
import { nerdGraphUrl } from '../../src/newrelic/endpoint.ts'

t.test('region endpoints and override', async t => {
  t.equal(nerdGraphUrl(), 'https://api.newrelic.com/graphql')
  t.equal(nerdGraphUrl({ region: 'us' }), 'https://api.newrelic.com/graphql')
  t.equal(nerdGraphUrl({ region: 'EU' }), 'https://api.eu.newrelic.com/graphql')
  t.equal(nerdGraphUrl({ region: 'eu', url: 'http://127.0.0.1:4000/graphql' }), 'http://127.0.0.1:4000/graphql')
  t.equal(nerdGraphUrl({ url: '' }), 'https://api.newrelic.com/graphql')
  t.throws(() => nerdGraphUrl({ region: 'apac' }), /unknown New Relic region/)
  t.throws(() => nerdGraphUrl({ url: 'file:///etc/passwd' }), TypeError)
})
