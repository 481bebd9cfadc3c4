/**
 * The app read says whom each checkpoint compared the app with: the existing hosts, and a sick existing host left out
 * of the error-rate and latency baselines, named with those checks, for a PASS app too.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { SICK_OLD, sickOldHostRollout, sickOldHostScenario } from '../helpers/scenarios.ts'
import { waitForState } from '../helpers/wait.ts'

const prefix = uniquePrefix('board-baseline')
const test = await buildTestApp({ prefix, role: 'all', scenario: sickOldHostScenario() })
t.teardown(async () => {
  await test.close()
  await cleanPrefix(prefix)
})

const created = await test.app.inject({ method: 'POST', url: '/v1/rollouts', payload: sickOldHostRollout() })
const id = created.json().id as string
await waitForState(test.app, id, 'decided', 120_000)

interface Checkpoint {
  kind: string
  verdict: string
  baselineHosts?: string[]
  baselineHostCount?: number
  excludedBaselineHosts?: Array<{ host: string, checks: string[] }>
}
async function checkpointsOf (app: string): Promise<Checkpoint[]> {
  const res = await test.app.inject(`/v1/rollouts/${id}/apps/${encodeURIComponent(app)}`)
  if (res.statusCode !== 200) throw new Error(`${app}: ${res.statusCode} ${res.body}`)
  return res.json().checkpoints
}

t.test('the sick existing host is left out of the app\'s baselines, at every checkpoint', async t => {
  t.equal(created.statusCode, 201, created.body)
  const checkpoints = await checkpointsOf('Clean.BehindSickOld')
  t.equal(checkpoints.length, 2, 'a checkpoint and the decision')
  for (const c of checkpoints) {
    t.same(c.baselineHosts, ['PRDWEB01', 'PRDWEB02', 'PRDWEB04'], c.kind)
    t.equal(c.baselineHostCount, 3)
    t.same(c.excludedBaselineHosts, [{ host: 'PRDWEB03', checks: ['errorRate', 'latency'] }], c.kind)
  }
  t.not(checkpoints.at(-1)?.verdict, 'FAIL', 'the new host is not blamed for the old one')
})

t.test('an app without a sick host: compared with all four, nothing left out', async t => {
  const checkpoints = await checkpointsOf('Clean')
  const last = checkpoints.at(-1)
  t.equal(last?.verdict, 'PASS')
  t.same(last?.baselineHosts, SICK_OLD)
  t.equal(last?.baselineHostCount, 4)
  t.notOk(last !== undefined && 'excludedBaselineHosts' in last)
})
