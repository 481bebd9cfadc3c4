/**
 * policy.earlyDecision end to end: the real judge on the simulator over HTTP, real Redis.
 * A critical app's FAIL decides NO_GO at the look that shows it; a busy, clean pool decides GO
 * before decisionAt once every bound is under its margin; the default waits for decisionAt.
 */
import t from 'tap'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, healthyScenario } from '../helpers/scenarios.ts'
import { waitForState } from '../helpers/wait.ts'

const HOUR = 3_600_000
const prefix = uniquePrefix('early-e2e')
const { app, close } = await buildTestApp({ prefix })
// A busy, clean pool around now, on an account of its own: bounds tighten within an hour or two.
const now = Math.floor(Date.now() / 60_000) * 60_000
const busy = healthyScenario({ from: now - 5 * HOUR, until: now + 3 * HOUR, joinsAt: now - 4 * HOUR, accountId: 3300077 })
for (const a of busy.apps) {
  a.throughputRpm = 6000
  a.errorRate = 0.03
}
const busyApp = await buildTestApp({ prefix: `${prefix}:busy`, scenario: busy, accountId: 3300077 })
t.teardown(async () => {
  await busyApp.close()
  await close()
  await cleanPrefix(prefix)
  await cleanPrefix(`${prefix}:busy`)
})

async function create (target: typeof app, body: Record<string, unknown>): Promise<string> {
  const res = await target.inject({ method: 'POST', url: '/v1/rollouts', payload: body })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id
}

const criticalBilling = poolAddRollout().apps as string[]
const apps = criticalBilling.map(name => (name === 'Billing.Service' ? { name, critical: true } : name))

t.test('the bundled scenario with Billing.Service critical: NO_GO at the first look that shows its FAIL', async t => {
  const id = await create(app, poolAddRollout({ apps, policy: { earlyDecision: true } }))
  const rollout = await waitForState(app, id, 'decided', 120_000)
  t.equal(rollout.recommendation, 'NO_GO')
  const cps = (await app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  const decision = cps[cps.length - 1]
  t.equal(decision.kind, 'decision')
  t.equal(decision.index, 5)
  t.ok(decision.early, 'the decision says it came early')
  t.ok(decision.early.checkpoint < 5, `decided at plan entry ${decision.early.checkpoint}`)
  t.equal(decision.early.plannedAt, '2026-11-25T10:00:00.000Z')
  t.match(decision.early.reason, /critical app Billing\.Service stands/)
  t.match(decision.result.reasons[0], /^Decided early: the FAIL of critical app Billing\.Service stands/)
  t.ok(Date.parse(decision.at) < Date.parse('2026-11-25T10:00:00Z'), 'judged up to the look that decided')
  t.equal(decision.result.apps.find((a: { app: string }) => a.app === 'Billing.Service').verdict, 'FAIL')
  t.ok(rollout.plan.some(p => p.status === 'skipped'), 'what was left to run is skipped')
  t.equal(rollout.progress.total, 6)

  const gate = (await app.inject(`/v1/rollouts/${id}/gate`)).json()
  t.same([gate.open, gate.final, gate.recommendation], [false, true, 'NO_GO'])
})

t.test('the same rollout without earlyDecision runs every look to decisionAt', async t => {
  const id = await create(app, poolAddRollout({ apps }))
  const rollout = await waitForState(app, id, 'decided', 120_000)
  t.same(rollout.plan.map(p => p.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
  const cps = (await app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  t.equal(cps[5].early, undefined)
  t.equal(cps[5].result.recommendation, 'NO_GO', 'the same answer, at its time')
})

t.test('a busy clean pool: GO before decisionAt, with the reason', async t => {
  const id = await create(busyApp.app, healthyRollout({
    startAt: new Date(now - 4 * HOUR).toISOString(),
    decisionAt: new Date(now + 2 * HOUR).toISOString(),
    checkpointEvery: 'PT30M',
    policy: { earlyDecision: true }
  }))
  const rollout = await waitForState(busyApp.app, id, 'decided', 120_000)
  t.equal(rollout.recommendation, 'GO')
  t.ok(Date.parse(rollout.decidedAt ?? '') < now + 2 * HOUR, 'decided before decisionAt')
  const cps = (await busyApp.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  const decision = cps[cps.length - 1]
  t.equal(decision.kind, 'decision')
  t.ok(decision.early.checkpoint < rollout.progress.total - 1)
  t.match(decision.result.reasons[0], /^Decided early: all 3 apps pass with every confidence bound under its margins/)
  for (const a of decision.result.apps) {
    const er = a.metrics.find((m: { metric: string }) => m.metric === 'errorRate')
    t.ok(er.ci.high < 1.25, `${a.app}: error-rate bound ${er.ci.high} under the 1.25 margin`)
  }
  const gate = (await busyApp.app.inject(`/v1/rollouts/${id}/gate`)).json()
  t.same([gate.open, gate.final, gate.recommendation], [true, true, 'GO'])
})

t.test('a rollout that has not settled yet keeps monitoring', async t => {
  // One look of 5 minutes on the busy pool: the bounds are not under the margins yet.
  const id = await create(busyApp.app, healthyRollout({
    startAt: new Date(now - 5 * 60_000).toISOString(),
    decisionAt: new Date(now + 3 * HOUR).toISOString(),
    checkpointEvery: 'PT5M',
    policy: { earlyDecision: true }
  }))
  const first = async () => {
    const r = await busyApp.app.rollouts.get(id)
    return r !== null && (r.statuses[0] !== '-' || r.state === 'decided') ? r : undefined
  }
  const rollout = await eventually(first, 60_000, 'first look')
  t.equal(rollout.state, 'monitoring')
  t.equal(rollout.statuses[0], 'o')
  // Five minutes of data may leave a check INCONCLUSIVE or PASS, by the draw: either way nothing is decided yet.
  t.not(rollout.recommendation, 'NO_GO', 'no regression in the pool')
})
