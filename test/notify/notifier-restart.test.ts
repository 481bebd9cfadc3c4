import t from 'tap'
import { Notifier } from '../../src/notify/notifier.ts'
import { SECRET, outcome, testConfig } from './helpers/fixtures.ts'
import { Receiver } from './helpers/receiver.ts'
import { connectRedis, cleanup, uniquePrefix } from './helpers/redis.ts'

/**
 * At-least-once: a delivery in flight when a process dies may be sent again
 * (receivers drop repeats by X-Gonogo-Delivery). What must never happen is a
 * delivery the receiver already acknowledged being sent again because a
 * worker restarted. close() lets deliveries in flight finish, so after a
 * graceful restart every event arrives exactly once.
 */
t.test('closing the notifier mid-way and starting another on the same prefix delivers each event once', async t => {
  const prefix = uniquePrefix('restart')
  const receiver = await Receiver.start(() => ({ status: 200, delayMs: 120 }))
  const options = {
    connect: connectRedis,
    prefix,
    config: testConfig(),
    delivery: { attempts: 3, baseDelayMs: 100, concurrency: 2 }
  }
  const first = new Notifier(options)
  const second = new Notifier(options)
  t.teardown(async () => {
    await first.close()
    await second.close()
    await receiver.stop()
    await cleanup(prefix)
  })
  const notify = [
    { kind: 'webhook' as const, url: receiver.url('/a'), secret: SECRET },
    { kind: 'webhook' as const, url: receiver.url('/b'), secret: SECRET }
  ]
  for (let checkpointIndex = 0; checkpointIndex < 6; checkpointIndex++) {
    await first.publish(outcome({ checkpointIndex, previous: null, notify }))
  }
  const expected = 12

  await first.startWorker()
  await receiver.waitFor(() => receiver.delivered().length >= 3, 'some deliveries')
  await first.close()
  const atClose = receiver.delivered().length
  t.ok(atClose < expected, `closed mid-way, after ${atClose} of ${expected}`)
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(receiver.delivered().length, atClose, 'nothing is delivered while no worker runs')

  // The new process publishes the same outcomes again, as a retried checkpoint job would.
  for (let checkpointIndex = 0; checkpointIndex < 6; checkpointIndex++) {
    await second.publish(outcome({ checkpointIndex, previous: null, notify }))
  }
  await second.startWorker()
  await receiver.waitFor(() => receiver.delivered().length >= expected, 'every delivery')
  await new Promise(resolve => setTimeout(resolve, 500))

  const keys = receiver.delivered().map(r => `${r.path} ${String(r.headers['x-gonogo-delivery'])}`)
  t.equal(keys.length, expected, 'no completed delivery was repeated')
  t.equal(new Set(keys).size, expected, 'each (target, event) exactly once')
})
