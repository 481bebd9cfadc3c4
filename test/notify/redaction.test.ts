/**
 * Redaction by construction: a receiver that echoes the webhook path back (upper-cased,
 * URL-decoded, as is) leaks none of it into the logs, the rollout's notifyFailures or the
 * failed jobs BullMQ keeps. Only the status, our own words and a digest of the answer are kept.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { Redis } from 'ioredis'
import { Notifier } from '../../src/notify/notifier.ts'
import { queuePrefix } from '../../src/store/keys.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { SECRET, outcome, testConfig } from './helpers/fixtures.ts'
import { captureLogs } from './helpers/logs.ts'
import { Receiver } from './helpers/receiver.ts'
import { connectRedis, REDIS_URL } from './helpers/redis.ts'

// The credential parts of the two URLs; any spelling of them in what is kept is a leak.
const SLACK_PATH = '/services/T0K3N/B0BB/Zq9%58w-Path'
const HOOK_PATH = '/hooks/W3BH00K/pr1v%61te'
const FRAGMENTS = ['t0k3n', 'b0bb', 'zq9%58w', 'zq9xw', 'w3bh00k', 'pr1v%61te', 'pr1vate']

/** What the receiver answers: the path every way a careless receiver might quote it. */
const echo = (path: string) => `no such hook: ${decodeURIComponent(path).toUpperCase()} (${path}; ${decodeURIComponent(path)})`
const digestOf = (body: string) =>
  `sha256:${createHash('sha256').update(body).digest('hex').slice(0, 12)} (${Buffer.byteLength(body)} bytes)`

const prefix = uniquePrefix('redaction')
// First attempt 503 (the retry log line), then 404 (the give-up line and the failure record).
const receiver = await Receiver.start((req, n) => ({ status: n < 2 ? 503 : 404, body: echo(req.path) }))
const { app, close } = await buildTestApp({ prefix, role: 'api' })
const { logger, lines } = captureLogs()
const notifier = new Notifier({
  connect: connectRedis,
  prefix,
  config: testConfig(),
  logger,
  onFailure: async (rolloutId, failure) => { await app.notifyFailures.record(rolloutId, failure) },
  delivery: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200, timeoutMs: 2000 }
})
t.teardown(async () => {
  await notifier.close()
  await close()
  await receiver.stop()
  await cleanPrefix(prefix)
})

const leaks = (text: string): string[] => FRAGMENTS.filter(f => text.toLowerCase().includes(f))

t.test('an echoing receiver leaks nothing into logs, failure records or failed jobs', async t => {
  const T0 = Date.now()
  const create = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: poolAddRollout({
      apps: ['RESTAPI'], startAt: new Date(T0 + 3_600_000).toISOString(), decisionAt: new Date(T0 + 7_200_000).toISOString()
    })
  })
  t.equal(create.statusCode, 201, create.body)
  const id = create.json().id as string
  await notifier.publish(outcome({
    rolloutId: id,
    previous: null,
    notify: [{ kind: 'slack', url: receiver.url(SLACK_PATH) }, { kind: 'webhook', url: receiver.url(HOOK_PATH), secret: SECRET }]
  }))
  await notifier.startWorker()

  const failures = await eventually(async () => {
    const list = (await app.inject(`/v1/rollouts/${id}`)).json().notifyFailures as Array<Record<string, unknown>>
    return list.length === 2 ? list : undefined
  }, 30_000, 'two failure records')
  t.ok(receiver.requests.some(r => r.status === 503) && receiver.requests.some(r => r.status === 404), 'both answers were given')
  t.ok(lines.some(l => /will retry/.test(l)) && lines.some(l => /giving up/.test(l)), 'the retry and the give-up were logged')

  const view = (await app.inject(`/v1/rollouts/${id}`)).body
  t.same(leaks(view), [], 'GET /v1/rollouts/{id} holds no spelling of the paths')
  t.same(leaks(lines.join('')), [], 'the logs hold no spelling of the paths')
  t.notMatch(lines.join(''), /no such hook/i, 'nor the receiver\'s words')

  for (const [path, kind] of [[SLACK_PATH, 'slack'], [HOOK_PATH, 'webhook']] as const) {
    const f = failures.find(x => x.kind === kind)
    t.equal(f?.status, 404, `${kind}: the status is kept`)
    t.equal(f?.digest, digestOf(echo(path)), `${kind}: the answer as its digest, to match in the receiver's log`)
    t.equal(f?.error, `HTTP 404 (no such webhook at the receiver), answer ${digestOf(echo(path))}`, `${kind}: our own words`)
  }

  // BullMQ keeps failed jobs (failedReason, stacktrace) for inspection: they hold our words only.
  const redis = new Redis(REDIS_URL)
  t.teardown(async () => { await redis.quit() })
  const jobKeys: string[] = []
  let cursor = '0'
  do {
    // BullMQ's keys are under the hash-tagged queue prefix ({<prefix>}, store/keys.ts queuePrefix).
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix(prefix)}:notify:*`, 'COUNT', 500)
    cursor = next
    jobKeys.push(...keys.filter(k => /:notify:[^:]+$/.test(k)))
  } while (cursor !== '0')
  let reasons = ''
  for (const key of jobKeys) {
    if (await redis.type(key) !== 'hash') continue
    reasons += (await redis.hget(key, 'failedReason')) ?? ''
    reasons += (await redis.hget(key, 'stacktrace')) ?? ''
  }
  t.match(reasons, /HTTP 404/, 'the failed jobs were read')
  t.same(leaks(reasons), [], 'failed jobs hold no spelling of the paths')
})
