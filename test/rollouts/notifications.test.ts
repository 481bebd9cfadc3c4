import t from 'tap'
import { verifySignature } from '../../src/notify/index.ts'
import { Receiver } from '../notify/helpers/receiver.ts'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

// The service as deployed: its own Notifier (no test double), delivering through
// its queue to real receivers on 127.0.0.1.
const SECRET = 'whsec-e2e-0123456789abcdef'
const prefix = uniquePrefix('rollout-notify')
const webhook = await Receiver.start()
const slack = await Receiver.start()
const test = await buildTestApp({
  prefix,
  env: { GONOGO_NOTIFY_ATTEMPTS: '2', GONOGO_NOTIFY_BACKOFF_MS: '50', GONOGO_NOTIFY_TIMEOUT_MS: '2000', GONOGO_PUBLIC_URL: 'https://gonogo.example.com' }
})
t.teardown(async () => {
  await test.close()
  await webhook.stop()
  await slack.stop()
  await cleanPrefix(prefix)
})
const { app } = test

t.test('a past-window rollout notifies every checkpoint and the decision, signed', async (t) => {
  const create = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: poolAddRollout({
      notify: [
        { kind: 'webhook', url: `${webhook.url('/hooks/gonogo')}`, secret: SECRET },
        { kind: 'slack', url: `${slack.url('/services/T000/B000/XXXX')}` }
      ]
    })
  })
  t.equal(create.statusCode, 201, create.body)
  const id = create.json().id as string
  t.notMatch(create.body, SECRET, 'the secret is never returned')
  t.notMatch(create.body, '/services/T000', 'nor the Slack URL path')
  await waitForState(app, id, 'decided')

  const types = await eventually(async () => {
    const seen = webhook.requests.filter(r => r.status === 200).map(r => r.headers['x-gonogo-event'])
    return seen.includes('decision.made') && seen.filter(s => s === 'checkpoint.completed').length === 5 ? seen : undefined
  }, 30_000, 'webhook deliveries')
  t.equal(types.filter(s => s === 'decision.made').length, 1, 'one decision')
  t.ok(types.includes('verdict.changed') || types.length === 6, 'verdict changes are announced when verdicts move')

  for (const r of webhook.requests.filter(r => r.status === 200)) {
    t.ok(verifySignature(SECRET, String(r.headers['x-gonogo-signature']), r.body), `signature of ${String(r.headers['x-gonogo-event'])} verifies`)
    const body = JSON.parse(r.body)
    t.equal(body.id, r.headers['x-gonogo-delivery'])
    t.equal(body.rollout.id, id)
    t.notMatch(r.body, SECRET)
  }
  const decision = JSON.parse(webhook.requests.find(r => r.headers['x-gonogo-event'] === 'decision.made')?.body ?? '{}')
  t.equal(decision.result.recommendation, 'NO_GO')

  const chat = await eventually(async () => slack.requests.length >= 6 ? slack.requests : undefined, 30_000, 'slack messages')
  const last = JSON.parse(chat[chat.length - 1].body) as { text: string, blocks: unknown[] }
  t.match(last.text, /^\S* ?NO GO/, 'the recommendation comes first')
  t.match(JSON.stringify(last.blocks), /Billing\.Service/, 'a flagged app is named')
  t.match(JSON.stringify(last.blocks), /IST/, 'times are in the rollout timezone')
  t.match(JSON.stringify(last.blocks), /https:\/\/gonogo\.example\.com\/board\/rollouts\/[0-9A-Z]{26}\|Rollout/, 'links to the rollout\'s board page')
})

t.test('a target that stays down is recorded on the rollout, not retried forever', async (t) => {
  const dead = await Receiver.start(() => ({ status: 503, body: 'down' }))
  t.teardown(async () => { await dead.stop() })
  const create = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: poolAddRollout({ apps: ['RESTAPI'], notify: [{ kind: 'webhook', url: `${dead.url('/x')}`, secret: SECRET }] })
  })
  t.equal(create.statusCode, 201, create.body)
  const id = create.json().id as string
  await waitForState(app, id, 'decided')
  const failures = await eventually(async () => {
    const res = await app.inject(`/v1/rollouts/${id}`)
    const list = res.json().notifyFailures as Array<{ type: string, attempts: number, target: string, error: string }>
    return list.some(f => f.type === 'decision.made') ? list : undefined
  }, 30_000, 'recorded failures')
  t.ok(failures.every(f => f.attempts === 2), 'after the configured attempts')
  t.ok(failures.every(f => /^http:\/\/127\.0\.0\.1:\d+$/.test(f.target)), 'target shown by scheme and host only')
  t.match(failures[0].error, /503/)
})

t.test('a cancellation is told to every target: who, why, and what stood', async (t) => {
  const teams = await Receiver.start(() => ({ status: 202, body: '' }))
  t.teardown(async () => { await teams.stop() })
  const hour = 3_600_000
  const create = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: poolAddRollout({
      apps: ['RESTAPI'],
      startAt: new Date(Date.now() + hour).toISOString(),
      decisionAt: new Date(Date.now() + 3 * hour).toISOString(),
      notify: [
        { kind: 'webhook', url: webhook.url('/hooks/cancel'), secret: SECRET },
        { kind: 'slack', url: slack.url('/services/T000/B000/CANCEL') },
        { kind: 'teams', url: teams.url('/workflows/cancel') }
      ]
    })
  })
  t.equal(create.statusCode, 201, create.body)
  const id = create.json().id as string
  const reason = 'PRDIIS09 goes back to *staging* [ticket](http://x)'
  const cancel = await app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, payload: { reason } })
  t.equal(cancel.statusCode, 200, cancel.body)

  const hook = await eventually(async () => webhook.requests.find(r => r.path === '/hooks/cancel'), 30_000, 'webhook cancellation')
  t.equal(hook.headers['x-gonogo-event'], 'rollout.cancelled')
  t.ok(verifySignature(SECRET, String(hook.headers['x-gonogo-signature']), hook.body), 'signed')
  const body = JSON.parse(hook.body)
  t.equal(body.id, `${id}.rollout.cancelled`)
  t.equal(body.type, 'rollout.cancelled')
  t.equal(body.rollout.state, 'cancelled')
  t.same(body.cancellation, { at: cancel.json().cancelledAt, by: 'anonymous', reason })
  t.equal(body.recommendation, null)
  t.equal(body.previous, null, 'no checkpoint had run')

  const chat = await eventually(async () => slack.requests.find(r => r.path === '/services/T000/B000/CANCEL'), 30_000, 'slack cancellation')
  const message = JSON.parse(chat.body) as { text: string, blocks: Array<{ text?: { text: string } }> }
  t.match(message.text, /^⛔ CANCELLED · PRDIIS09 joins the IIS pool · Cancelled · /)
  const z = '\u200B'
  t.equal(message.blocks[2].text?.text, `*Cancelled by* anonymous: PRDIIS09 goes back to ${z}*${z}staging${z}*${z} [ticket](http://x)`)
  t.equal(message.blocks[3].text?.text, 'No checkpoint had succeeded.')

  const card = await eventually(async () => teams.requests[0], 30_000, 'teams cancellation')
  const texts = (JSON.parse(card.body).attachments[0].content.body as Array<{ text: string }>).map(b => b.text)
  t.equal(texts[0], '⛔ CANCELLED · PRDIIS09 joins the IIS pool')
  t.equal(texts[2], '**Cancelled by** anonymous: PRDIIS09 goes back to \\*staging\\* \\[ticket\\]\\(http://x\\)')
})
