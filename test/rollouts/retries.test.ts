/** NerdGraph faults: a checkpoint retries and succeeds; one that keeps failing is recorded failed; the decision is never GO on unread data. */
import t from 'tap'
import { buildTestApp, recordingNotifier } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, healthyScenario } from '../helpers/scenarios.ts'
import { waitForState } from '../helpers/wait.ts'

const prefix = uniquePrefix('retries')
const from = Date.parse('2026-11-25T02:30:00Z')
const scenario = healthyScenario({ from, until: from + 8 * 3_600_000, joinsAt: from + 2 * 3_600_000 })
const notifier = recordingNotifier()
// The NerdGraph client's own retries are off in tests, so every fault reaches the checkpoint retries.
const { app, sim, close } = await buildTestApp({ prefix, scenario, notifier, env: { GONOGO_CHECKPOINT_ATTEMPTS: '3' } })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})
const body = healthyRollout({ startAt: '2026-11-25T04:30:00Z', decisionAt: '2026-11-25T07:00:00Z' })

t.test('500, 500, then ok: the first checkpoint retries and succeeds', async t => {
  sim.setFaults({ script: ['500', '500', 'ok'] })
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: body })
  const rollout = await waitForState(app, res.json().id, 'decided')
  t.equal(rollout.recommendation, 'GO')
  const cps = (await app.inject(`/v1/rollouts/${rollout.id}/checkpoints`)).json().items
  t.same(cps.map((c: { status: string }) => c.status), ['ok', 'ok', 'ok'])
  t.ok(cps[0].attempts >= 2, `first checkpoint took ${cps[0].attempts} attempts`)
  t.equal(cps[2].attempts, 1)
  t.notOk(cps[0].error)
})

t.test('permanent failure: every checkpoint failed with its cause; the decision is final INCONCLUSIVE', async t => {
  sim.setFaults({ rate500: 1 })
  notifier.outcomes.length = 0
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: body })
  const rollout = await waitForState(app, res.json().id, 'decided')
  sim.setFaults({})
  t.equal(rollout.recommendation, 'INCONCLUSIVE')
  t.same(rollout.plan.map(p => p.status), ['failed', 'failed', 'failed'])
  const cps = (await app.inject(`/v1/rollouts/${rollout.id}/checkpoints`)).json().items
  for (const c of cps) {
    t.equal(c.status, 'failed')
    t.equal(c.attempts, 3)
    t.equal(c.result, null)
    t.match(c.error, /500/, 'the cause is recorded')
  }
  const rec = (await app.inject(`/v1/rollouts/${rollout.id}/recommendation`)).json()
  t.equal(rec.final, true)
  t.equal(rec.recommendation, 'INCONCLUSIVE')
  t.match(rec.error, /500/)
  t.match(rec.message, /could not read New Relic data.*no earlier checkpoint succeeded/)
  const gate = await app.inject(`/v1/rollouts/${rollout.id}/gate`)
  t.equal(gate.statusCode, 409, 'the gate stays shut')
  await eventually(async () => notifier.outcomes.length >= 3 ? true : undefined, 10_000, 'three outcomes')
  t.same(notifier.outcomes.map(o => [o.kind, o.result === null, typeof o.error]), [
    ['checkpoint', true, 'string'], ['checkpoint', true, 'string'], ['decision', true, 'string']
  ], 'the notifier is told of each failure')
  const metrics = (await app.inject('/metrics')).body
  t.match(metrics, /gonogo_checkpoints_total\{kind="checkpoint",outcome="failed"\} 2/)
  t.match(metrics, /gonogo_checkpoints_total\{kind="decision",outcome="failed"\} 1/)
})

t.test('an account the key cannot read fails each checkpoint at once, saying so, without retries', async t => {
  const res = await app.inject({ method: 'POST', url: '/v1/rollouts', payload: { ...body, accountId: 999 } })
  t.equal(res.statusCode, 201, 'preflight is off in tests, as when New Relic did not answer it')
  const rollout = await waitForState(app, res.json().id, 'decided')
  t.equal(rollout.recommendation, 'INCONCLUSIVE')
  const cps = (await app.inject(`/v1/rollouts/${rollout.id}/checkpoints`)).json().items
  for (const c of cps) {
    t.equal(c.attempts, 1, 'not retried')
    t.equal(c.error, 'New Relic account 999 cannot be read with the configured API key; use an account the key has access to')
  }
})
