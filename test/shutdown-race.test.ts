import t from 'tap'
import { startSimulator } from '../src/sim/index.ts'
import { buildTestApp, POOL_ADD, SIM_KEY } from './helpers/app.ts'
import { cleanPrefix, uniquePrefix } from './helpers/redis.ts'
import { startSlowRedis } from './helpers/slow-redis.ts'

// CI once failed with an unhandled "Connection is closed" from an app closed right
// after start-up: BullMQ was still initialising its queue when the connection went.
t.test('an app closed right after start-up on a slow Redis leaves no unhandled rejection', async t => {
  const slow = await startSlowRedis(40)
  const sim = await startSimulator({ scenario: POOL_ADD, port: 0, apiKey: SIM_KEY })
  const prefix = uniquePrefix('shutdown-race')
  const rejections: unknown[] = []
  const onRejection = (err: unknown): void => { rejections.push(err) }
  process.on('unhandledRejection', onRejection)
  t.teardown(async () => {
    process.off('unhandledRejection', onRejection)
    await sim.close()
    await slow.close()
    await cleanPrefix(prefix)
  })

  for (const role of ['api', 'all', 'worker'] as const) {
    for (let i = 0; i < 3; i++) {
      const app = await buildTestApp({ prefix, role, sim, env: { REDIS_URL: slow.url } })
      await app.close()
    }
  }
  // Rejections from a close surface on later turns of the event loop.
  await new Promise(resolve => setTimeout(resolve, 300))
  t.same(rejections.map(e => (e as Error).message), [], 'no unhandled rejections')
})
