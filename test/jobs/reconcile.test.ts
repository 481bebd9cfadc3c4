/** A rollout stored without its jobs (a crash between the two) is picked up when a worker starts. */
import t from 'tap'
import { Redis } from 'ioredis'
import { RECONCILE_SCHEDULER } from '../../src/jobs/queue.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import { buildTestApp, recordingNotifier } from '../helpers/app.ts'
import { cleanPrefix, eventually, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const prefix = uniquePrefix('reconcile')
const redis = new Redis(REDIS_URL)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

t.test('orphaned rollout: the worker start-up sweep schedules and runs it', async t => {
  const spec = makeSpec({
    target: { accountId: 3300001, apps: [{ name: 'RESTAPI' }, { name: 'Orders API' }], canaryHosts: ['PRDIIS09'], baselineHosts: null }
  })
  await new RolloutStore(redis, prefix).create(spec)
  const notifier = recordingNotifier()
  const worker = await buildTestApp({ prefix, role: 'worker', notifier })
  t.teardown(worker.close)
  await eventually(async () => ((await worker.app.rollouts.get(spec.id))?.state === 'decided' ? true : undefined), 60_000, 'decided')
  // The outbox tells the notifier after the record: the decision's outcome may trail the state.
  await eventually(async () => notifier.outcomes.length >= 6 ? true : undefined, 10_000, 'six outcomes')
  t.equal(notifier.outcomes.length, 6)
  const schedulers = await worker.app.scheduler.queue.getJobSchedulers()
  t.ok(schedulers.some(s => s.key === RECONCILE_SCHEDULER || s.id === RECONCILE_SCHEDULER), 'the periodic sweep is scheduled')
})
