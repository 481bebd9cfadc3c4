/** When a live rollout's due plan entry is overdue (rollout/overdue.ts); the clock is injected. */
import t from 'tap'
import { overdueFrom, overdueOf, type OverdueSettings } from '../../src/rollout/overdue.ts'
import type { StoredRollout } from '../../src/rollout/types.ts'

const MIN = 60_000
const HOUR = 60 * MIN
// 05:30Z is 11:00 in Asia/Kolkata (checkpoint 3 at 14:00): an injected instant, not today's date.
const START = Date.UTC(2030, 0, 1, 5, 30)
const settings: OverdueSettings = { lagMs: MIN, graceMs: 30_000 }

/** Hourly checkpoints from START, the decision after 4 hours: entries at +1 h, +2 h, +3 h and the decision at +4 h. */
type Over = Partial<Pick<StoredRollout, 'state' | 'statuses' | 'updatedAt'>>
function rollout (over: Over = {}, createdAt = START - HOUR): Parameters<typeof overdueOf>[0] {
  return {
    spec: {
      startAt: START, decisionAt: START + 4 * HOUR, everyMs: HOUR, planLength: 4, createdAt, timezone: 'Asia/Kolkata'
    } as StoredRollout['spec'],
    state: 'monitoring',
    statuses: '----',
    updatedAt: createdAt,
    ...over
  }
}

t.test('due + lag + grace: overdue with the entry, its due time and how late', async t => {
  const first = START + HOUR
  t.same(overdueOf(rollout(), first + MIN + 30_000, settings), { overdue: false }, 'at the bound: not yet')
  const o = overdueOf(rollout(), first + MIN + 30_001, settings)
  t.match(o, { overdue: true, index: 0, kind: 'checkpoint', at: first, dueAt: first + MIN, lateSeconds: 30 })
  const later = overdueOf(rollout({ statuses: 'oo--' }), START + 3 * HOUR + 5 * MIN, settings)
  t.match(later, {
    overdue: true, index: 2, lateSeconds: 240, reason: 'checkpoint 3 (due 14:00 Asia/Kolkata) is 4 min overdue: no worker has recorded it'
  })
})

t.test('the decision is named as such', async t => {
  const o = overdueOf(rollout({ statuses: 'ooo-' }), START + 4 * HOUR + 2 * HOUR + 7 * MIN, settings)
  t.match(o, { overdue: true, index: 3, kind: 'decision', reason: /^the decision \(due 15:00 Asia\/Kolkata\) is 2 h 6 min overdue/ })
})

t.test('only live rollouts: decided and cancelled ones are never overdue', async t => {
  const late = START + 10 * HOUR
  t.equal(overdueOf(rollout({ state: 'scheduled' }), late, settings).overdue, true, 'scheduled: no worker even started it')
  t.equal(overdueOf(rollout({ state: 'decided', statuses: 'ooo-' }), late, settings).overdue, false)
  t.equal(overdueOf(rollout({ state: 'cancelled' }), late, settings).overdue, false)
  t.equal(overdueOf(rollout({ statuses: 'oooo' }), late, settings).overdue, false, 'nothing pending')
})

t.test('a failed entry is recorded: the next one is what can be late', async t => {
  t.match(overdueOf(rollout({ statuses: 'f---' }), START + 2 * HOUR + 2 * MIN, settings), { overdue: true, index: 1 })
  t.equal(overdueOf(rollout({ statuses: 'f---' }), START + HOUR + 2 * MIN, settings).overdue, false, 'the next is not due yet')
})

t.test('a catch-up that keeps recording is not overdue; one that stalls is', async t => {
  const created = START + 3 * HOUR
  const now = created + 20_000
  t.equal(overdueOf(rollout({}, created), now, settings).overdue, false, 'just created with a past start')
  t.equal(overdueOf(rollout({ statuses: 'o---', updatedAt: now - 5000 }, created), now, settings).overdue, false,
    'the worker recorded one 5 s ago')
  t.match(overdueOf(rollout({ statuses: 'o---', updatedAt: now }, created), now + 31_000, settings),
    { overdue: true, index: 1, lateSeconds: Math.floor((now + 31_000 - (START + 2 * HOUR + MIN)) / 1000) }, 'late by its own due time')
})

t.test('overdueFrom: the instant overdueOf turns, or null', async t => {
  const r = rollout({ statuses: 'o---' })
  const from = overdueFrom(r, settings)
  t.equal(from, START + 2 * HOUR + MIN + 30_001)
  t.equal(overdueOf(r, (from ?? 0) - 1, settings).overdue, false)
  t.equal(overdueOf(r, from ?? 0, settings).overdue, true)
  t.equal(overdueFrom(rollout({ state: 'decided' }), settings), null)
})
