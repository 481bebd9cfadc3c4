/**
 * A restart in the middle of a rollout loses nothing and runs nothing twice;
 * two worker processes on one Redis run each checkpoint once.
 */
import t, { type Test } from 'tap'
import type { Checkpoint } from '../../src/schemas/rollout.ts'
import { startSimulator } from '../../src/sim/index.ts'
import { buildTestApp, recordingNotifier, SIM_KEY, type TestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, liveScenario } from '../helpers/scenarios.ts'

const prefix = uniquePrefix('restart')
const sim = await startSimulator({ scenario: liveScenario(), port: 0, apiKey: SIM_KEY })
const open: TestApp[] = []
t.teardown(async () => {
  for (const a of open) await a.close()
  await sim.close()
  await cleanPrefix(prefix)
})
const iso = (ms: number) => new Date(ms).toISOString()
const sleep = async (ms: number) => await new Promise(resolve => setTimeout(resolve, ms))

async function start (role: 'all' | 'api' | 'worker', notifier = recordingNotifier()): Promise<TestApp & { notifier: typeof notifier }> {
  const a = await buildTestApp({ prefix, role, sim, notifier })
  open.push(a)
  return { ...a, notifier }
}

function checkComplete (t: Test, items: Checkpoint[], planLength: number): void {
  t.same(items.map(c => c.index), Array.from({ length: planLength }, (_, i) => i), 'every plan entry recorded once, in order')
  const ats = items.map(c => Date.parse(c.at))
  t.ok(ats.every((at, i) => i === 0 || at > ats[i - 1]), 'strictly increasing times')
  t.equal(items[planLength - 1].kind, 'decision')
}

t.test('restart mid-rollout', async t => {
  const first = await start('all')
  const startAt = Date.now() + 1000
  // Checkpoints every 2 s from startAt: 6 of them and the decision at +13 s.
  const res = await first.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: healthyRollout({ startAt: iso(startAt), decisionAt: iso(startAt + 13_000), checkpointEvery: 'PT2S' })
  })
  t.equal(res.statusCode, 201, res.body)
  const { id, plan } = res.json()
  t.equal(plan.length, 7)
  await eventually(async () => ((await first.app.rollouts.get(id))?.statuses.startsWith('oo') === true ? true : undefined), 20_000, 'two checkpoints')
  await first.close()
  const stoppedWith = (await first.app.rollouts.get(id).catch(() => null))?.statuses
  t.equal(stoppedWith, undefined, 'the closed app no longer reads Redis')

  // Let two or three checkpoints fall due while no worker runs.
  await sleep(5000)
  const second = await start('all')
  await eventually(async () => ((await second.app.rollouts.get(id))?.state === 'decided' ? true : undefined), 30_000, 'decided')
  // The outbox tells the notifier after the record: the decision's outcome may trail the state.
  await eventually(async () => first.notifier.outcomes.length + second.notifier.outcomes.length >= 7 ? true : undefined, 10_000, 'told')
  const items: Checkpoint[] = (await second.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  checkComplete(t, items, 7)
  t.ok(items.every(c => c.status === 'ok'), 'all ok')
  const heard = [...first.notifier.outcomes, ...second.notifier.outcomes].map(o => o.checkpointIndex)
  t.same(heard.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6], 'each checkpoint ran (and was told) exactly once across both lives')
  t.ok(first.notifier.outcomes.length >= 2, 'the first process did some')
  t.ok(second.notifier.outcomes.length >= 1, 'the second caught up the rest')
  await second.close()
})

t.test('two workers, one API, one Redis: each checkpoint once', async t => {
  const api = await start('api')
  const w1 = await start('worker')
  const w2 = await start('worker')
  const startAt = Date.now() + 500
  const ids: string[] = []
  // A past window (all due at once) and two live ones, so both workers have work at the same time.
  for (const payload of [
    healthyRollout({ startAt: iso(Date.now() - 2 * 3_600_000), decisionAt: iso(Date.now() - 60_000), checkpointEvery: 'PT10M' }),
    healthyRollout({ startAt: iso(startAt), decisionAt: iso(startAt + 9000), checkpointEvery: 'PT1S' }),
    healthyRollout({ startAt: iso(startAt), decisionAt: iso(startAt + 9000), checkpointEvery: 'PT2S' })
  ]) {
    const res = await api.app.inject({ method: 'POST', url: '/v1/rollouts', payload })
    t.equal(res.statusCode, 201, res.body)
    ids.push(res.json().id)
  }
  for (const id of ids) {
    await eventually(async () => ((await api.app.rollouts.get(id))?.state === 'decided' ? true : undefined), 60_000, `${id} decided`)
  }
  let planned = 0
  for (const id of ids) planned += (await api.app.inject(`/v1/rollouts/${id}`)).json().plan.length
  // The outbox tells the notifier after the record: the last outcomes may trail the state.
  await eventually(async () => w1.notifier.outcomes.length + w2.notifier.outcomes.length >= planned ? true : undefined, 10_000, 'told')
  const heard = [...w1.notifier.outcomes, ...w2.notifier.outcomes]
  t.equal(api.notifier.outcomes.length, 0, 'the API process runs no checkpoint')
  for (const id of ids) {
    const rollout = (await api.app.inject(`/v1/rollouts/${id}`)).json()
    const items: Checkpoint[] = (await api.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
    checkComplete(t, items, rollout.plan.length)
    const told = heard.filter(o => o.rollout.id === id).map(o => o.checkpointIndex).sort((a, b) => a - b)
    t.same(told, Array.from({ length: rollout.plan.length }, (_, i) => i), `rollout ${id}: each checkpoint run once`)
  }
  t.ok(w1.notifier.outcomes.length > 0 && w2.notifier.outcomes.length > 0, `both workers worked (${w1.notifier.outcomes.length} and ${w2.notifier.outcomes.length})`)
})
