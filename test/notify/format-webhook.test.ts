import t from 'tap'
import { eventsFor } from '../../src/notify/events.ts'
import { deliveryHeaders, USER_AGENT } from '../../src/notify/deliver/headers.ts'
import { renderBody, wants } from '../../src/notify/render.ts'
import { verifySignature } from '../../src/notify/deliver/signature.ts'
import { cancelOutcome, SECRET, outcome } from './helpers/fixtures.ts'

const webhook = { kind: 'webhook' as const, url: 'https://hooks.example.com/gonogo?token=abc', secret: SECRET }
const slack = { kind: 'slack' as const, url: 'https://hooks.slack.com/services/T/B/SECRETPATH' }

t.test('the body is { id, type, occurredAt, rollout, checkpoint, recommendation, result } without targets', async t => {
  const o = outcome({ notify: [webhook, slack] })
  const [completed, changed] = eventsFor(o, new Date('2025-05-14T10:00:03Z'))
  const body = JSON.parse(renderBody('webhook', completed))
  t.same(Object.keys(body), ['id', 'type', 'occurredAt', 'rollout', 'checkpoint', 'recommendation', 'result', 'changes'])
  t.equal(body.recommendation, o.result?.recommendation)
  t.equal(body.id, 'ro_01JTEST.2.checkpoint.completed')
  t.equal(body.type, 'checkpoint.completed')
  t.equal(body.occurredAt, '2025-05-14T10:00:03.000Z')
  t.same(body.checkpoint, { index: 2, kind: 'checkpoint', at: '2025-05-14T10:00:00.000Z' })
  t.equal(body.rollout.id, 'ro_01JTEST')
  t.equal(body.rollout.timezone, 'Asia/Kolkata')
  t.same(body.result, o.result)
  t.notOk('notify' in body.rollout)
  const raw = renderBody('webhook', changed)
  t.notMatch(raw, /hooks\.slack\.com|hooks\.example\.com|SECRETPATH|whsec/, 'no URL or secret anywhere')
  const verdict = JSON.parse(raw)
  t.equal(verdict.type, 'verdict.changed')
  t.equal(verdict.changes.length, 3)
  t.equal(verdict.previous.recommendation, 'GO')
})

t.test('a failed checkpoint carries the error and a null result', async t => {
  const body = JSON.parse(renderBody('webhook', eventsFor(outcome({ result: null, error: 'boom' }))[0]))
  t.equal(body.type, 'checkpoint.failed')
  t.equal(body.result, null)
  t.equal(body.recommendation, null)
  t.equal(body.error, 'boom')
})

t.test('a decision that could not read its data is decision.made, INCONCLUSIVE, with the error', async t => {
  const events = eventsFor(outcome({ kind: 'decision', result: null, error: 'New Relic could not be read (HTTP 500)' }))
  t.same(events.map(e => e.type), ['decision.made', 'verdict.changed'], 'the recommendation moved from the last good one')
  t.same(events[1].changes, [{ app: null, from: 'GO', to: 'INCONCLUSIVE' }])
  const body = JSON.parse(renderBody('webhook', events[0]))
  t.equal(body.recommendation, 'INCONCLUSIVE')
  t.equal(body.result, null)
  t.match(body.error, /HTTP 500/)
  const slackText = renderBody('slack', events[0])
  t.match(slackText, /🟡 INCONCLUSIVE/)
  t.match(slackText, /the decision could not read New Relic data \(New Relic could not be read \(HTTP 500\)\): final INCONCLUSIVE/)
  t.match(slackText, /the last successful checkpoint said GO/)
  t.notMatch(slackText, /Checkpoint failed|0 of 0|No apps analysed/)
})

t.test('headers: type, delivery id, user agent and a signature over the exact body', async t => {
  const [event] = eventsFor(outcome())
  const body = renderBody('webhook', event)
  const now = Date.parse('2025-05-14T10:00:09Z')
  const h = deliveryHeaders({ type: event.type, eventId: event.id, body }, webhook, now)
  t.equal(h['content-type'], 'application/json')
  t.match(h['user-agent'], /^gonogo\/\d+\.\d+\.\d+/)
  t.equal(h['user-agent'], USER_AGENT)
  t.equal(h['x-gonogo-event'], 'checkpoint.completed')
  t.equal(h['x-gonogo-delivery'], 'ro_01JTEST.2.checkpoint.completed')
  t.match(h['x-gonogo-signature'], /^t=1747216809,v1=[0-9a-f]{64}$/)
  t.ok(verifySignature(SECRET, h['x-gonogo-signature'], body, 300, 1747216809))
  const chat = deliveryHeaders({ type: event.type, eventId: event.id, body }, slack, now)
  t.same(Object.keys(chat).sort(), ['content-type', 'user-agent'], 'chat targets get no gonogo headers')
})

t.test('chat targets skip verdict.changed (it is inside the checkpoint message); webhooks get all', async t => {
  const [completed, changed] = eventsFor(outcome())
  t.ok(wants({ kind: 'webhook' }, changed))
  t.notOk(wants({ kind: 'slack' }, changed))
  t.notOk(wants({ kind: 'teams' }, changed))
  t.ok(wants({ kind: 'slack' }, completed))
})

t.test('a target with events receives those types only', async t => {
  const [completed, changed] = eventsFor(outcome())
  t.notOk(wants({ kind: 'webhook', events: ['decision.made'] }, completed))
  t.ok(wants({ kind: 'webhook', events: ['decision.made', 'verdict.changed'] }, changed))
  t.notOk(wants({ kind: 'slack', events: ['verdict.changed'] }, changed), 'chat still never gets verdict.changed on its own')
})

t.test('rollout.cancelled: who, why and what stood; nothing to act on', async t => {
  const o = cancelOutcome({ reason: 'back to *staging*' })
  o.rollout.notify = [webhook, slack]
  const raw = renderBody('webhook', eventsFor(o)[0])
  const body = JSON.parse(raw)
  t.same(Object.keys(body), ['id', 'type', 'occurredAt', 'rollout', 'recommendation', 'cancellation', 'previous'])
  t.equal(body.type, 'rollout.cancelled')
  t.equal(body.rollout.state, 'cancelled')
  t.equal(body.recommendation, null)
  t.same(body.cancellation, { at: '2025-05-14T10:00:00.000Z', by: 'release-manager', reason: 'back to *staging*' },
    'JSON: as given, unescaped')
  t.equal(body.previous.recommendation, 'NO_GO')
  t.notMatch(raw, /SECRETPATH|whsec/)
  t.equal(JSON.parse(renderBody('webhook', eventsFor(cancelOutcome({ reason: null, previous: null }))[0])).cancellation.reason, null)
})
