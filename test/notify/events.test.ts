import t from 'tap'
import { changesBetween, eventsFor } from '../../src/notify/events.ts'
import { cancelOutcome, earlierResult, noGoResult, outcome } from './helpers/fixtures.ts'

const at = new Date('2025-05-14T10:00:05Z')

t.test('a checkpoint whose verdicts moved gives checkpoint.completed then verdict.changed', async t => {
  const events = eventsFor(outcome(), at)
  t.same(events.map(e => [e.id, e.type]), [
    ['ro_01JTEST.2.checkpoint.completed', 'checkpoint.completed'],
    ['ro_01JTEST.2.verdict.changed', 'verdict.changed']
  ])
  t.equal(events[0].occurredAt, '2025-05-14T10:00:05.000Z')
  t.same(events[1].changes, [
    { app: null, from: 'GO', to: 'NO_GO' },
    { app: 'Checkout API', from: 'PASS', to: 'FAIL' },
    { app: 'Search <Frontend> & Co', from: 'PASS', to: 'WARN' }
  ])
})

t.test('ids are deterministic: the same outcome gives the same ids', async t => {
  t.same(eventsFor(outcome(), at).map(e => e.id), eventsFor(outcome(), new Date()).map(e => e.id))
})

t.test('nothing changed, or no previous result: no verdict.changed', async t => {
  t.same(eventsFor(outcome({ previous: noGoResult() }), at).map(e => e.type), ['checkpoint.completed'])
  t.same(eventsFor(outcome({ previous: null }), at).map(e => e.type), ['checkpoint.completed'])
})

t.test('manual checkpoints complete like scheduled ones', async t => {
  t.same(eventsFor(outcome({ kind: 'manual', checkpointIndex: 100, previous: null }), at).map(e => e.id),
    ['ro_01JTEST.100.checkpoint.completed'])
})

t.test('the decision gives decision.made (and verdict.changed when something moved)', async t => {
  t.same(eventsFor(outcome({ kind: 'decision', checkpointIndex: 6 }), at).map(e => e.id),
    ['ro_01JTEST.6.decision.made', 'ro_01JTEST.6.verdict.changed'])
})

t.test('a failed checkpoint gives checkpoint.failed only', async t => {
  const events = eventsFor(outcome({ result: null, error: 'NerdGraph timed out' }), at)
  t.same(events.map(e => e.id), ['ro_01JTEST.2.checkpoint.failed'])
  t.same(events[0].changes, [])
})

t.test('changesBetween reports new apps and ignores unchanged ones', async t => {
  const before = earlierResult()
  const now = { ...before, apps: [...before.apps, { ...before.apps[0], app: 'Brand New', verdict: 'INCONCLUSIVE' as const }] }
  t.same(changesBetween(before, now), [{ app: 'Brand New', from: 'none', to: 'INCONCLUSIVE' }])
})

t.test('a cancellation gives one rollout.cancelled, at the time it was cancelled, with a deterministic id', async t => {
  const events = eventsFor(cancelOutcome(), at)
  t.same(events.map(e => [e.id, e.type, e.occurredAt]), [['ro_01JTEST.rollout.cancelled', 'rollout.cancelled', '2025-05-14T10:00:00.000Z']])
  t.same(events[0].changes, [])
})
