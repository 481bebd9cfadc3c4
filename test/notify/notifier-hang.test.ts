import t from 'tap'
import { Metrics } from '../../src/metrics.ts'
import { Notifier } from '../../src/notify/notifier.ts'
import { SECRET, outcome, testConfig } from './helpers/fixtures.ts'
import { Receiver } from './helpers/receiver.ts'
import { connectRedis, cleanup, uniquePrefix } from './helpers/redis.ts'

t.test('a hanging receiver times out and is retried while other targets are delivered at once', async t => {
  const prefix = uniquePrefix('hang')
  // The first three requests (one per checkpoint) never get an answer; later ones do.
  const hanging = await Receiver.start((_req, n) => n < 3 ? 'hang' : { status: 200 })
  const healthy = await Receiver.start()
  const metrics = new Metrics()
  const notifier = new Notifier({
    connect: connectRedis,
    prefix,
    config: testConfig(),
    metrics,
    delivery: { attempts: 4, baseDelayMs: 100, maxDelayMs: 500, timeoutMs: 2500 }
  })
  t.teardown(async () => {
    await notifier.close()
    await hanging.stop()
    await healthy.stop()
    await cleanup(prefix)
  })
  await notifier.startWorker()

  const started = Date.now()
  for (const checkpointIndex of [0, 1, 2]) {
    await notifier.publish(outcome({
      checkpointIndex,
      previous: null,
      notify: [
        { kind: 'webhook', url: hanging.url('/hangs'), secret: SECRET },
        { kind: 'webhook', url: healthy.url('/fine'), secret: SECRET }
      ]
    }))
  }
  await healthy.waitFor(() => healthy.delivered().length === 3, 'the healthy target')
  const healthyDone = Date.now() - started
  t.ok(healthyDone < 2000, `the healthy target had all three within ${healthyDone} ms, before the hanging one even timed out (2500 ms)`)
  t.equal(hanging.delivered().length, 0, 'the hanging target has nothing yet')

  await hanging.waitFor(() => hanging.delivered().length === 3, 'the hanging target once it answers', 20_000)
  t.equal(hanging.requests.length, 6, 'three timed-out attempts, then three deliveries')
  t.same(hanging.requests.slice(0, 3).map(r => r.status), [0, 0, 0])
  t.equal(healthy.requests.length, 3, 'the healthy target got each event once')
  const retried = (await metrics.notifications.get()).values.filter(v => v.labels.outcome === 'retried').reduce((n, v) => n + v.value, 0)
  t.equal(retried, 3)
})
