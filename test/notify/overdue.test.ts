/** checkpoint.overdue: its event id, who gets it, and what Slack, Teams and webhooks say. */
import t from 'tap'
import { eventsFor } from '../../src/notify/events.ts'
import { slackMessage } from '../../src/notify/format/slack.ts'
import { fallbackText, summarize } from '../../src/notify/format/summary.ts'
import { teamsMessage } from '../../src/notify/format/teams.ts'
import { webhookBody } from '../../src/notify/format/webhook.ts'
import { planDeliveries } from '../../src/notify/plan.ts'
import type { OverdueOutcome } from '../../src/rollout/outcome.ts'
import { outcome, SECRET } from './helpers/fixtures.ts'

const REASON = 'checkpoint 3 (due 15:30 Asia/Kolkata) is 4 min overdue: no worker has recorded it'

function overdue (over: Partial<OverdueOutcome> = {}): OverdueOutcome {
  return {
    kind: 'overdue',
    rollout: { ...outcome().rollout, name: 'IIS pool: *PRDIIS09*', state: 'monitoring' },
    checkpointIndex: 2,
    planKind: 'checkpoint',
    at: '2025-05-14T10:00:00.000Z',
    dueAt: '2025-05-14T10:01:00.000Z',
    lateSeconds: 240,
    reason: REASON,
    previous: 'GO',
    ...over
  }
}

t.test('one event per plan entry, with the entry\'s id', async t => {
  const events = eventsFor(overdue(), new Date('2025-05-14T10:05:00Z'))
  t.same(events.map(e => [e.id, e.type, e.occurredAt]), [
    ['ro_01JTEST.2.checkpoint.overdue', 'checkpoint.overdue', '2025-05-14T10:05:00.000Z']
  ])
})

t.test('every target gets it unless its events leave it out', async t => {
  const targets = [
    { kind: 'slack' as const, url: 'https://hooks.slack.com/services/T/B/X' },
    { kind: 'webhook' as const, url: 'https://example.com/hook', secret: SECRET },
    { kind: 'teams' as const, url: 'https://example.com/teams', events: ['decision.made' as const] }
  ]
  const planned = planDeliveries({ ...overdue(), rollout: { ...overdue().rollout, notify: targets } }, [], undefined)
  t.same(planned.map(p => [p.jobId, p.data.kind]), [
    ['ro_01JTEST.2.checkpoint.overdue.0', 'slack'], ['ro_01JTEST.2.checkpoint.overdue.1', 'webhook']
  ])
})

t.test('the webhook body: the entry, no result, how late, what stood', async t => {
  const body = webhookBody(eventsFor(overdue())[0])
  t.match(body, {
    id: 'ro_01JTEST.2.checkpoint.overdue',
    type: 'checkpoint.overdue',
    rollout: { id: 'ro_01JTEST', state: 'monitoring' },
    checkpoint: { index: 2, kind: 'checkpoint', at: '2025-05-14T10:00:00.000Z' },
    recommendation: null,
    overdue: { dueAt: '2025-05-14T10:01:00.000Z', lateSeconds: 240, reason: REASON },
    previousRecommendation: 'GO'
  })
  t.notOk('result' in body)
  t.notOk('notify' in (body.rollout as object), 'no targets (credentials) in the body')
})

t.test('chat: the reason, that the gate is closed, and what stood; names escaped', async t => {
  const summary = summarize(eventsFor(overdue())[0])
  t.match(summary, {
    headline: '⏰ OVERDUE', stage: 'Checkpoint 3 of 7', recommendation: null, overdue: REASON, previousRecommendation: 'GO'
  })
  t.match(fallbackText(summary), /^⏰ OVERDUE · IIS pool: \*PRDIIS09\* · Checkpoint 3 of 7 · .*\. Checkpoint 3 \(due 15:30 Asia\/Kolkata\) is 4 min overdue/)

  const slack = JSON.stringify(slackMessage(summary))
  t.match(slack, /\*Overdue:\* checkpoint 3 \(due 15:30 Asia\/Kolkata\) is 4 min overdue: no worker has recorded it/)
  t.match(slack, /The gate is closed until a worker records it; the last recommendation was \*GO\*\./)
  t.notMatch(slack, /Error/)

  const teams = JSON.stringify(teamsMessage(summary))
  t.match(teams, /\*\*Overdue:\*\* checkpoint 3 \\\\\(due 15:30 Asia\/Kolkata\\\\\) is 4 min overdue/)
  t.match(teams, /the last recommendation was \*\*GO\*\*/)

  const decision = summarize(eventsFor(overdue({ planKind: 'decision', checkpointIndex: 6, previous: null }))[0])
  t.equal(decision.stage, 'Decision')
  t.match(JSON.stringify(slackMessage(decision)), /no checkpoint had succeeded/)
})
