import t from 'tap'
import { Metrics } from '../../src/metrics.ts'
import { Notifier } from '../../src/notify/notifier.ts'
import { verifySignature } from '../../src/notify/deliver/signature.ts'
import type { NotifyTarget } from '../../src/schemas/notify.ts'
import { SECRET, outcome, testConfig } from './helpers/fixtures.ts'
import { captureLogs } from './helpers/logs.ts'
import { Receiver } from './helpers/receiver.ts'
import { connectRedis, cleanup, dumpPrefix, uniquePrefix } from './helpers/redis.ts'

const DEFAULT_SECRET = 'default-secret-0123456789'

t.test('every kind is delivered once, with the right body and headers, and nothing leaks', async t => {
  const prefix = uniquePrefix('delivery')
  const receiver = await Receiver.start()
  const slackPath = '/services/T0/B0/slackcredentialpath'
  const teamsPath = '/workflows/abc/triggers/manual/paths/invoke?sig=teamscredential'
  const targets: NotifyTarget[] = [
    { kind: 'slack', url: receiver.url(slackPath) },
    { kind: 'teams', url: receiver.url(teamsPath) },
    { kind: 'webhook', url: receiver.url('/hook'), secret: SECRET }
  ]
  const config = testConfig({
    GONOGO_NOTIFY_DEFAULT: JSON.stringify({ kind: 'webhook', url: receiver.url('/default'), secret: DEFAULT_SECRET })
  })
  const { logger, lines } = captureLogs()
  const metrics = new Metrics()
  const notifier = new Notifier({ connect: connectRedis, prefix, config, logger, metrics, delivery: { attempts: 3, baseDelayMs: 100 } })
  t.teardown(async () => {
    await notifier.close()
    await receiver.stop()
    await cleanup(prefix)
  })

  const o = outcome({ notify: targets })
  await notifier.publish(o)
  const ids = (await notifier.pendingJobIds()).sort()
  t.same(ids, [
    'ro_01JTEST.2.checkpoint.completed.0', 'ro_01JTEST.2.checkpoint.completed.1', 'ro_01JTEST.2.checkpoint.completed.2',
    'ro_01JTEST.2.checkpoint.completed.d0', 'ro_01JTEST.2.verdict.changed.2', 'ro_01JTEST.2.verdict.changed.d0'
  ], 'chat targets get the checkpoint message; webhooks and the default target get every event')
  await notifier.publish(o)
  t.same((await notifier.pendingJobIds()).sort(), ids, 'publishing again gives the same job ids')
  t.equal((await notifier.jobCounts()).waiting, 6, 'and adds no job')

  // Job data holds references, not URLs or secrets; only the target store has them.
  for (const [key, value] of await dumpPrefix(prefix)) {
    if (key.includes(':notify-targets:')) continue
    t.notMatch(value, /slackcredentialpath|teamscredential|whsec-test|default-secret/, `nothing secret in ${key}`)
  }

  await notifier.startWorker()
  await notifier.startWorker()
  await receiver.waitFor(() => receiver.delivered().length === 6, 'six deliveries')

  const byPath = (p: string) => receiver.requests.filter(r => r.path === p)
  const [slack] = byPath(slackPath)
  t.equal(slack.headers['content-type'], 'application/json')
  t.match(slack.headers['user-agent'], /^gonogo\//)
  t.equal(slack.headers['x-gonogo-signature'], undefined)
  const slackBody = JSON.parse(slack.body)
  t.equal(slackBody.blocks[0].text.text, '🔴 NO GO · IIS pool: PRDIIS09 (Windows 2025)')
  t.match(slackBody.text, /3 apps flagged, 9 other apps PASS/)
  t.match(JSON.stringify(slackBody.blocks), /What changed/, 'the change is shown inside the checkpoint message')
  t.match(JSON.stringify(slackBody.blocks), /https:\/\/gonogo\.example\.com\/board\/rollouts\/ro_01JTEST\|Rollout/)

  const [teams] = byPath(teamsPath)
  t.equal(JSON.parse(teams.body).attachments[0].content.type, 'AdaptiveCard')

  const hooks = byPath('/hook')
  t.same(hooks.map(h => h.headers['x-gonogo-event']).sort(), ['checkpoint.completed', 'verdict.changed'])
  for (const h of hooks) {
    const body = JSON.parse(h.body)
    t.equal(h.headers['x-gonogo-delivery'], body.id)
    t.equal(body.type, h.headers['x-gonogo-event'])
    t.ok(verifySignature(SECRET, h.headers['x-gonogo-signature'] as string, h.body), 'signature verifies with the target secret')
    t.notOk(verifySignature(DEFAULT_SECRET, h.headers['x-gonogo-signature'] as string, h.body), 'and not with another')
    t.notMatch(h.body, /slackcredentialpath|teamscredential|whsec-test|default-secret/)
  }
  const defaults = byPath('/default')
  t.equal(defaults.length, 2)
  for (const h of defaults) {
    t.ok(verifySignature(DEFAULT_SECRET, h.headers['x-gonogo-signature'] as string, h.body), 'the default target signs with its own secret')
  }

  // Publishing the finished outcome again (a retried checkpoint job) delivers nothing new.
  await notifier.publish(o)
  await new Promise(resolve => setTimeout(resolve, 500))
  t.equal(receiver.requests.length, 6, 'no duplicate delivery')

  const delivered = (await metrics.notifications.get()).values
    .filter(v => v.labels.outcome === 'delivered').reduce((n, v) => n + v.value, 0)
  t.equal(delivered, 6, 'gonogo_notifications_total{outcome="delivered"}')
  const log = lines.join('')
  t.match(log, /notification delivered/)
  t.match(log, /"target":"http:\/\/127\.0\.0\.1:\d+"/, 'logs name scheme and host')
  t.notMatch(log, /slackcredentialpath|teamscredential|whsec-test|default-secret|\/hook|\/default/, 'never paths or secrets')
})

t.test('a rollout without targets and no default publishes nothing', async t => {
  const prefix = uniquePrefix('empty')
  const notifier = new Notifier({ connect: connectRedis, prefix, config: testConfig() })
  t.teardown(async () => { await notifier.close(); await cleanup(prefix) })
  await notifier.publish(outcome())
  t.same(await notifier.pendingJobIds(), [])
  await notifier.close()
  await notifier.close()
  await t.rejects(notifier.publish(outcome()), /closed/)
  await t.rejects(notifier.startWorker(), /closed/)
})

t.test('a bad GONOGO_NOTIFY_DEFAULT stops construction with a clear message', async t => {
  t.throws(() => new Notifier({
    connect: connectRedis,
    prefix: uniquePrefix('bad'),
    config: testConfig({
      GONOGO_NOTIFY_DEFAULT: '{"kind":"slack","url":"http://hooks.slack.com/services/x"}', GONOGO_WEBHOOK_ALLOW_HOSTS: ''
    })
  }), /GONOGO_NOTIFY_DEFAULT url must use https/)
})
