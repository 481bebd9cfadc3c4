import t from 'tap'
import { startSimulator } from '../src/sim/index.ts'
import { buildTestApp, POOL_ADD, SIM_KEY } from './helpers/app.ts'
import { cleanPrefix, uniquePrefix } from './helpers/redis.ts'
import { startSlowRedis } from './helpers/slow-redis.ts'

// CI once hung for minutes in app.close() after a Redis Cluster test: a QUIT (or a BullMQ close)
// that never answers must not keep a process, or a test, alive.
t.test('an app closes when Redis stops answering: every connection is dropped after its grace', async t => {
  const slow = await startSlowRedis(1)
  const sim = await startSimulator({ scenario: POOL_ADD, port: 0, apiKey: SIM_KEY })
  const prefix = uniquePrefix('shutdown-bounded')
  t.teardown(async () => {
    await sim.close()
    await slow.close()
    await cleanPrefix(prefix)
  })
  const app = await buildTestApp({ prefix, role: 'all', sim, env: { REDIS_URL: slow.url } })
  slow.freeze()
  const started = Date.now()
  await app.close()
  const took = Date.now() - started
  t.comment(`closed in ${took} ms with Redis hung`)
  // Each connection's QUIT waits 2 s at most, each worker 10 s and 2 s more forced, one after another.
  t.ok(took < 45_000, `closed in ${took} ms, not hung`)
  // A connection left open (BullMQ's own blocking duplicate, say) reconnects for ever once Redis
  // is gone, and keeps the process alive after its last test: CI's cluster test hung so.
  await new Promise(resolve => setTimeout(resolve, 500))
  t.equal(slow.openClients(), 0, 'no connection to Redis is left open')
})
