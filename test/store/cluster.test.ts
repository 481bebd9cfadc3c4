/**
 * On a three-master Redis Cluster, with two worker processes and a master killed and started again
 * mid-rollout, the bundled catch-up rollout decides exactly as it does on one Redis: the same
 * recommendation at every checkpoint and the same verdict for every app. Also a smoke test on a
 * master found through Sentinel.
 */
import t from 'tap'
import type { Checkpoint } from '../../src/schemas/rollout.ts'
import { startSimulator } from '../../src/sim/index.ts'
import { buildTestApp, POOL_ADD, poolAddRollout, SIM_KEY, type TestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { reportLeftOpen } from '../helpers/left-open.ts'
import { missingRedisTools, startCluster, startSentinel } from '../helpers/redis-cluster.ts'
import { waitForState } from '../helpers/wait.ts'

const missing = missingRedisTools()
if (missing !== null) t.comment(`skipped: ${missing}`)
// CI hung here after every assertion had passed: say what kept the process alive.
reportLeftOpen(t)

/** What must not depend on where Redis is: per checkpoint, the recommendation and each app's verdict. */
function outcome (items: Checkpoint[]): Array<{ index: number, status: string, recommendation: string | null, apps: string[] }> {
  return items.map(c => ({
    index: c.index,
    status: c.status,
    recommendation: c.result?.recommendation ?? null,
    apps: (c.result?.apps ?? []).map(a => `${a.app}: ${a.verdict}`).sort()
  }))
}

t.test('a catch-up rollout on a Redis Cluster, two workers, a master restarted mid-rollout', { skip: missing ?? false }, async t => {
  // Each NerdGraph request a little slow, so the catch-up is still running when the master goes down.
  const sim = await startSimulator({ scenario: POOL_ADD, port: 0, apiKey: SIM_KEY, faults: { latencyMs: 250 } })
  const plainPrefix = uniquePrefix('cluster-plain')
  const open: TestApp[] = []
  const cluster = await startCluster()
  // Where the time went, for a run that times out on a loaded machine.
  const since = (t0: number): string => `${((Date.now() - t0) / 1000).toFixed(1)} s`
  t.teardown(async () => {
    const t0 = Date.now()
    for (const a of open) await a.close()
    t.comment(`apps closed in ${since(t0)}`)
    await cluster.close()
    await sim.close()
    await cleanPrefix(plainPrefix)
  })

  const plain = await buildTestApp({ prefix: plainPrefix, sim })
  open.push(plain)
  const p = await plain.app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout() })
  t.equal(p.statusCode, 201, 'created on one Redis')
  const t1 = Date.now()
  await waitForState(plain.app, p.json().id, 'decided', 120_000)
  t.comment(`decided on one Redis in ${since(t1)}`)
  const expected = outcome((await plain.app.inject(`/v1/rollouts/${p.json().id}/checkpoints`)).json().items)
  await plain.close()

  const env = { REDIS_CLUSTER_NODES: cluster.nodes, GONOGO_WORKER_CONCURRENCY: '2' }
  const prefix = uniquePrefix('cluster')
  const api = await buildTestApp({ prefix, sim, env, role: 'all' })
  open.push(api)
  const worker = await buildTestApp({ prefix, sim, env, role: 'worker' })
  open.push(worker)

  const create = { method: 'POST' as const, url: '/v1/rollouts', payload: poolAddRollout(), headers: { 'idempotency-key': 'cluster-1' } }
  const c = await api.app.inject(create)
  t.equal(c.statusCode, 201, 'created on the cluster')
  const id: string = c.json().id
  const again = await api.app.inject(create)
  t.equal(again.json().id, id, 'the Idempotency-Key (in another slot than the rollout) answers the same rollout')

  const before = await eventually(async () => {
    const r = await api.app.rollouts.get(id)
    return r !== null && r.statuses.includes('o') ? r : undefined
  }, 60_000, 'a first checkpoint')
  const port = cluster.masterOf(api.app.checkpointStore.keys.rollout(id))
  await cluster.restart(port)
  t.not(before.state, 'decided', `the master of the rollout's slot (${port}) restarted mid-rollout (statuses ${before.statuses})`)

  const decided = await waitForState(api.app, id, 'decided', 180_000)
  t.comment(`decided on the cluster in ${since(t1)} from the first create`)
  t.equal(decided.recommendation, 'NO_GO', 'the bundled scenario is a NO_GO')
  const items: Checkpoint[] = (await api.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  t.same(outcome(items), expected, 'every checkpoint as on one Redis: recommendation and per-app verdicts')

  const listed = (await api.app.inject('/v1/rollouts?state=decided')).json().items.map((r: { id: string }) => r.id)
  t.same(listed, [id], 'listed under its state, and only there')
  t.same((await api.app.inject('/v1/rollouts?state=monitoring')).json().items, [], 'no longer listed as monitoring')
})

t.test('Sentinel: the service finds its master through a Sentinel', { skip: missing ?? false }, async t => {
  const sentinel = await startSentinel()
  const prefix = uniquePrefix('sentinel')
  const sim = await startSimulator({ scenario: POOL_ADD, port: 0, apiKey: SIM_KEY })
  const a = await buildTestApp({ prefix, sim, env: { REDIS_SENTINELS: sentinel.sentinels, REDIS_SENTINEL_NAME: sentinel.name } })
  t.teardown(async () => {
    await a.close()
    await sim.close()
    await sentinel.close()
  })
  const c = await a.app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout() })
  t.equal(c.statusCode, 201, 'created through the Sentinel\'s master')
  const decided = await waitForState(a.app, c.json().id, 'decided', 120_000)
  t.equal(decided.recommendation, 'NO_GO')
  t.equal((await a.app.inject('/readyz')).statusCode, 200, 'ready')
})
