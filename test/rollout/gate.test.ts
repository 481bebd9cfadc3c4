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
