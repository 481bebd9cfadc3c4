import t from 'tap'
import { poolAddRollout, buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { startSlowRedis } from '../helpers/slow-redis.ts'

// A Redis that accepts and never answers (a stuck node, a network that drops packets) used to
// hang every request for as long as the client waited: now each command gives up after
// GONOGO_REDIS_COMMAND_TIMEOUT_MS and the request answers 503.
t.test('when Redis stops answering, reads and writes answer 503 after the command timeout, not never', async t => {
  const slow = await startSlowRedis(0)
  const prefix = uniquePrefix('redis-hung')
  const test = await buildTestApp({ prefix, role: 'api', env: { REDIS_URL: slow.url, GONOGO_REDIS_COMMAND_TIMEOUT_MS: '800' } })
  t.teardown(async () => {
    await test.close()
    await slow.close()
    await cleanPrefix(prefix)
  })
  const { app } = test
  t.equal((await app.inject('/v1/rollouts?limit=5')).statusCode, 200, 'answers while Redis does')
  slow.freeze()
  for (const req of [
    { method: 'GET' as const, url: '/v1/rollouts?limit=5' },
    { method: 'POST' as const, url: '/v1/rollouts', payload: poolAddRollout() }
  ]) {
    const started = Date.now()
    const res = await app.inject(req)
    const took = Date.now() - started
    t.equal(res.statusCode, 503, `${req.method} ${req.url}: ${res.body}`)
    t.equal(res.headers['retry-after'], '5')
    t.match(res.json(), { error: 'Service Unavailable', message: /Redis/ })
    // Two tries (maxRetriesPerRequest) at most, well under a client's patience.
    t.ok(took < 10_000, `${req.method} gave up in ${took} ms`)
  }
})
