import t from 'tap'
import { buildPlan, duePlanEntries, planLength } from '../../src/rollout/plan.ts'

const at = (s: string) => Date.parse(s)
const iso = (ms: number) => new Date(ms).toISOString()
const HOUR = 3_600_000

t.test('10:00 to 15:30 hourly: 11, 12, 13, 14, 15, decision 15:30', async t => {
  const plan = buildPlan(at('2026-11-25T10:00:00Z'), at('2026-11-25T15:30:00Z'), HOUR)
  t.same(plan.map(p => [p.index, p.kind, iso(p.at)]), [
    [0, 'checkpoint', '2026-11-25T11:00:00.000Z'],
    [1, 'checkpoint', '2026-11-25T12:00:00.000Z'],
    [2, 'checkpoint', '2026-11-25T13:00:00.000Z'],
    [3, 'checkpoint', '2026-11-25T14:00:00.000Z'],
    [4, 'checkpoint', '2026-11-25T15:00:00.000Z'],
    [5, 'decision', '2026-11-25T15:30:00.000Z']
  ])
  t.equal(planLength(at('2026-11-25T10:00:00Z'), at('2026-11-25T15:30:00Z'), HOUR), 6)
})

t.test('a checkpoint never lands on the decision: strictly before it', async t => {
  const plan = buildPlan(at('2026-11-25T04:30:00Z'), at('2026-11-25T10:30:00Z'), HOUR)
  t.same(plan.map(p => iso(p.at).slice(11, 16)), ['05:30', '06:30', '07:30', '08:30', '09:30', '10:30'])
  t.equal(plan.filter(p => p.kind === 'decision').length, 1)
  t.equal(plan.length, planLength(at('2026-11-25T04:30:00Z'), at('2026-11-25T10:30:00Z'), HOUR))
})

t.test('interval longer than the window: only the decision', async t => {
  const plan = buildPlan(0, HOUR, 2 * HOUR)
  t.same(plan, [{ index: 0, kind: 'decision', at: HOUR }])
  t.equal(planLength(0, HOUR, 2 * HOUR), 1)
})

t.test('planLength agrees with buildPlan', async t => {
  for (const [window, every] of [[HOUR, 60_000], [5.5 * HOUR, HOUR], [7 * HOUR, HOUR], [100_000, 3000], [10, 3]]) {
    t.equal(planLength(0, window, every), buildPlan(0, window, every).length, `${window}/${every}`)
  }
})

t.test('due entries: time plus lag has come, not yet recorded, in order', async t => {
  const plan = buildPlan(0, 6 * HOUR, HOUR)
  t.same(duePlanEntries(plan, new Set(), 3 * HOUR, 0).map(p => p.index), [0, 1, 2])
  t.same(duePlanEntries(plan, new Set(), 3 * HOUR, 60_000).map(p => p.index), [0, 1])
  t.same(duePlanEntries(plan, new Set([0]), 10 * HOUR, 0).map(p => p.index), [1, 2, 3, 4, 5])
})
