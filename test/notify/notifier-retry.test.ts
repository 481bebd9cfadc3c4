import t, { type Test } from 'tap'
import { Metrics } from '../../src/metrics.ts'
import { Notifier, type NotifierOptions } from '../../src/notify/notifier.ts'
import type { NotifyFailure as DeliveryFailure } from '../../src/schemas/rollout.ts'
import { verifySignature } from '../../src/notify/deliver/signature.ts'
import { SECRET, outcome, testConfig } from './helpers/fixtures.ts'
import { Receiver } from './helpers/receiver.ts'
import { connectRedis, cleanup, uniquePrefix } from './helpers/redis.ts'

const filePrefix = uniquePrefix('retry')
t.teardown(async () => await cleanup(filePrefix))

/** A notifier on its own prefix with fast retries, closed at the end of the test. */
async function setup (t: Test, name: string, delivery: NotifierOptions['delivery'] = {}) {
  const failures: Array<{ rolloutId: string, failure: DeliveryFailure }> = []
  const metrics = new Metrics()
  const notifier = new Notifier({
    connect: connectRedis,
    prefix: `${filePrefix}-${name}`,
    config: testConfig(),
    metrics,
    onFailure: async (rolloutId, failure) => { failures.push({ rolloutId, failure }) },
    delivery: { attempts: 6, baseDelayMs: 100, maxDelayMs: 2000, timeoutMs: 2000, ...delivery }
  })
  t.teardown(async () => await notifier.close())
  const count = async (outcome: string) => (await metrics.notifications.get()).values
    .filter(v => v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0)
  return { notifier, failures, count }
}

const webhookTo = (url: string) => [{ kind: 'webhook' as const, url, secret: SECRET }]
const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

t.test('a receiver that was down (connection refused) gets the event once it is back', async t => {
  const first = await Receiver.start()
  const port = first.port
  await first.stop()
  const { notifier, failures, count } = await setup(t, 'down')
  await notifier.publish(outcome({ notify: webhookTo(`http://127.0.0.1:${port}/hook`), previous: null }))
  await notifier.startWorker()
  await sleep(700)
  t.ok(await count('retried') >= 2, 'attempts failed while it was down')
  const receiver = await Receiver.start(undefined, port)
  t.teardown(async () => await receiver.stop())
  await receiver.waitFor(() => receiver.delivered().length === 1, 'the delivery after the receiver came back')
  t.equal(receiver.requests.length, 1)
  t.ok(verifySignature(SECRET, receiver.requests[0].headers['x-gonogo-signature'] as string, receiver.requests[0].body))
  t.same(failures, [])
})

/** Polls `read` until it returns `want` (or 2 s pass) and returns the last value. */
async function settled (read: () => Promise<number>, want: number): Promise<number> {
  const until = Date.now() + 2000
  let value = await read()
  while (value !== want && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, 20))
    value = await read()
  }
  return value
}

t.test('503s are retried with the same body and delivery id, re-signed each attempt', async t => {
  const receiver = await Receiver.start((_req, n) => n < 2 ? { status: 503, body: 'busy' } : { status: 200 })
  t.teardown(async () => await receiver.stop())
  const { notifier, failures, count } = await setup(t, '503')
  await notifier.publish(outcome({ notify: webhookTo(receiver.url()), previous: null }))
  await notifier.startWorker()
  await receiver.waitFor(() => receiver.delivered().length === 1, 'the third attempt')
  t.equal(receiver.requests.length, 3)
  t.same(receiver.requests.map(r => r.status), [503, 503, 200])
  t.equal(new Set(receiver.requests.map(r => r.body)).size, 1, 'identical body bytes on every attempt')
  t.same([...new Set(receiver.requests.map(r => r.headers['x-gonogo-delivery']))], ['ro_01JTEST.2.checkpoint.completed'])
  for (const r of receiver.requests) t.ok(verifySignature(SECRET, r.headers['x-gonogo-signature'] as string, r.body))
  // The receiver records a request when it answers; the sender counts it once the answer is read.
  t.equal(await settled(async () => await count('delivered'), 1), 1)
  t.equal(await count('retried'), 2)
  t.same(failures, [])
})

t.test('429 with Retry-After waits as long as the receiver asks', async t => {
  const receiver = await Receiver.start((_req, n) => n === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 })
  t.teardown(async () => await receiver.stop())
  // Our own backoff would retry after 50-100 ms; the receiver asked for a second.
  const { notifier } = await setup(t, '429')
  await notifier.publish(outcome({ notify: webhookTo(receiver.url()), previous: null }))
  await notifier.startWorker()
  await receiver.waitFor(() => receiver.delivered().length === 1, 'the delivery after Retry-After')
  const gap = receiver.requests[1].at - receiver.requests[0].at
  t.ok(gap >= 950, `waited ${gap} ms`)
  t.ok(gap < 3000, `but not much longer (${gap} ms)`)
})

t.test('a permanent 4xx is not retried and is recorded on the rollout at once', async t => {
  const receiver = await Receiver.start(() => ({ status: 400, body: 'invalid_payload' }))
  t.teardown(async () => await receiver.stop())
  const { notifier, failures, count } = await setup(t, '400')
  await notifier.publish(outcome({
    rolloutId: 'ro_perm', notify: [{ kind: 'slack', url: receiver.url('/services/T/B/path') }], previous: null
  }))
  await notifier.startWorker()
  await receiver.waitFor(() => failures.length === 1, 'onFailure')
  await sleep(500)
  t.equal(receiver.requests.length, 1, 'one attempt only')
  t.equal(failures[0].rolloutId, 'ro_perm')
  t.match(failures[0].failure, {
    eventId: 'ro_perm.2.checkpoint.completed',
    type: 'checkpoint.completed',
    kind: 'slack',
    target: `http://127.0.0.1:${receiver.port}`,
    attempts: 1,
    status: 400,
    digest: /^sha256:[0-9a-f]{12} \(15 bytes\)$/,
    error: /^HTTP 400 \(the receiver refused the message\), answer sha256:[0-9a-f]{12} \(15 bytes\)$/
  })
  t.notMatch(JSON.stringify(failures), /invalid_payload/, 'nor the receiver\'s words')
  t.notMatch(JSON.stringify(failures), /\/services\//, 'the failure record has no URL path')
  t.equal(await settled(async () => await count('failed'), 1), 1)
  t.equal(await count('retried'), 0)
})

t.test('after the bound, onFailure is called once and the metric counts it', async t => {
  const receiver = await Receiver.start(() => ({ status: 503 }))
  t.teardown(async () => await receiver.stop())
  const { notifier, failures, count } = await setup(t, 'bound', { attempts: 3 })
  await notifier.publish(outcome({ rolloutId: 'ro_bound', notify: webhookTo(receiver.url()), previous: null }))
  await notifier.startWorker()
  await receiver.waitFor(() => failures.length === 1, 'onFailure')
  await sleep(600)
  t.equal(receiver.requests.length, 3, 'exactly `attempts` attempts')
  t.equal(failures.length, 1)
  t.match(failures[0], {
    rolloutId: 'ro_bound', failure: { attempts: 3, error: 'HTTP 503', kind: 'webhook', eventId: 'ro_bound.2.checkpoint.completed' }
  })
  t.ok(!Number.isNaN(Date.parse(failures[0].failure.at)))
  t.equal(await settled(async () => await count('failed'), 1), 1)
  t.equal(await count('retried'), 2)
})

t.test('a target whose host left the allow list is refused at delivery', async t => {
  const receiver = await Receiver.start()
  t.teardown(async () => await receiver.stop())
  const { notifier: publisher } = await setup(t, 'allow')
  await publisher.publish(outcome({ notify: webhookTo(receiver.url()), previous: null }))
  await publisher.close()
  const failures: DeliveryFailure[] = []
  const strict = new Notifier({
    connect: connectRedis,
    prefix: `${filePrefix}-allow`,
    config: testConfig({ GONOGO_WEBHOOK_ALLOW_HOSTS: '' }),
    onFailure: async (_id, f) => { failures.push(f) },
    delivery: { attempts: 3, baseDelayMs: 100 }
  })
  t.teardown(async () => await strict.close())
  await strict.startWorker()
  await receiver.waitFor(() => failures.length === 1, 'onFailure')
  t.equal(receiver.requests.length, 0)
  t.match(failures[0], { attempts: 1, error: /^url must use https/ })
})

t.test('the pending deliveries of a forgotten rollout fail permanently', async t => {
  const receiver = await Receiver.start()
  t.teardown(async () => await receiver.stop())
  const { notifier, failures } = await setup(t, 'forget')
  await notifier.publish(outcome({ rolloutId: 'ro_gone', notify: webhookTo(receiver.url()), previous: null }))
  await notifier.forget('ro_gone')
  await notifier.startWorker()
  await receiver.waitFor(() => failures.length === 1, 'onFailure')
  t.equal(receiver.requests.length, 0)
  t.match(failures[0].failure, { attempts: 1, error: /target no longer known/ })
})
