import t from 'tap'
import { deliveryJobId } from '../../src/notify/job.ts'
import { planDeliveries } from '../../src/notify/plan.ts'
import { SECRET, outcome } from './helpers/fixtures.ts'

const slack = { kind: 'slack' as const, url: 'https://hooks.slack.com/services/T/B/one' }
const hook = { kind: 'webhook' as const, url: 'https://hooks.example.com/in', secret: SECRET }
const teams = { kind: 'teams' as const, url: 'https://prod-1.westus.logic.azure.com/workflows/x' }

t.test('one job per wanted (event, target); defaults last; same body for targets of a kind', async t => {
  const planned = planDeliveries(outcome({ notify: [slack, hook] }), [teams], undefined, new Date('2025-05-14T10:00:01Z'))
  t.same(planned.map(p => p.jobId), [
    'ro_01JTEST.2.checkpoint.completed.0', 'ro_01JTEST.2.checkpoint.completed.1', 'ro_01JTEST.2.checkpoint.completed.d0',
    'ro_01JTEST.2.verdict.changed.1'
  ])
  t.same(planned.map(p => p.data.target.slice(0, 2)), ['r:', 'r:', 'd:', 'r:'])
  t.same(planned.map(p => p.data.origin), [
    'https://hooks.slack.com', 'https://hooks.example.com', 'https://prod-1.westus.logic.azure.com', 'https://hooks.example.com'
  ])
  t.notMatch(JSON.stringify(planned), /services\/T\/B\/one|whsec|workflows\/x/, 'no URL path or secret in job data')
})

t.test('a default target the rollout already names is not sent twice', async t => {
  const planned = planDeliveries(outcome({ notify: [slack], previous: null }), [teams, slack], undefined)
  t.same(planned.map(p => p.jobId), ['ro_01JTEST.2.checkpoint.completed.0', 'ro_01JTEST.2.checkpoint.completed.d0'])
})

t.test('no targets, no deliveries', async t => {
  t.same(planDeliveries(outcome(), [], undefined), [])
})

t.test('job ids never hold the characters BullMQ refuses', async t => {
  t.equal(deliveryJobId('tenant:ro_1.0.checkpoint.completed', 0), 'tenant%3Aro_1.0.checkpoint.completed.0')
  t.equal(deliveryJobId('100%.0.decision.made', 'd1'), '100%25.0.decision.made.d1')
})
