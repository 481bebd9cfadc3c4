import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('redis-down')
const test = await buildTestApp({ prefix, role: 'api' })
t.teardown(async () => {
  await test.close()
  await cleanPrefix(prefix)
})

t.test('when the state store is unreachable the API answers 503, never 500', async (t) => {
  const { app } = test
  // The store's own connection goes away; the queue connections (and shutdown) are unaffected.
  app.redis.disconnect()
  const res = await app.inject('/v1/rollouts?limit=5')
  t.equal(res.statusCode, 503, res.body)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { statusCode: 503, error: 'Service Unavailable', message: /Redis/ })
  t.equal((await app.inject('/readyz')).statusCode, 503)
  t.equal((await app.inject('/healthz')).statusCode, 200, 'the process itself is alive')
})
