/** When the deployment gate opens (rollout/gate.ts). */
import t from 'tap'
import { gateOf } from '../../src/rollout/gate.ts'

t.test('the gate opens only on a current GO', async t => {
  t.same(gateOf('decided', 'GO', 'ooo'), { open: true, reason: 'final GO' })
  t.same(gateOf('monitoring', 'GO', 'o--'), { open: true, reason: 'GO so far; not final until the decision' })
  t.same(gateOf('monitoring', 'GO', 'of-'), { open: false, reason: 'the newest checkpoint failed: the GO is from an earlier one' })
  t.equal(gateOf('monitoring', 'GO', 'ofo').open, true, 'a later success reopens it')
  t.same(gateOf('cancelled', 'GO', 'o--'), { open: false, reason: 'the rollout was cancelled' })
  t.same(gateOf('decided', 'NO_GO', 'ooo'), { open: false, reason: 'the recommendation is NO_GO' })
  t.same(gateOf('scheduled', null, '---'), { open: false, reason: 'no checkpoint has succeeded yet' })
})

t.test('overdue closes the gate with its reason, before anything else but a cancellation', async t => {
  const reason = 'checkpoint 3 is 4 min overdue'
  const overdue = { overdue: true as const, index: 2, kind: 'checkpoint' as const, at: 0, dueAt: 0, lateSeconds: 240, reason }
  t.same(gateOf('monitoring', 'GO', 'oo-', overdue), { open: false, reason: 'checkpoint 3 is 4 min overdue' })
  t.same(gateOf('scheduled', null, '---', overdue), { open: false, reason: 'checkpoint 3 is 4 min overdue' })
  t.same(gateOf('cancelled', 'GO', 'oo-', overdue), { open: false, reason: 'the rollout was cancelled' })
  t.same(gateOf('monitoring', 'GO', 'oo-', { overdue: false }), { open: true, reason: 'GO so far; not final until the decision' })
})
