/** GONOGO_ROLE: api-only processes no job, worker-only serves no /v1 route nor the board, all roles answer health and metrics. */
import t from 'tap'
import { buildTestApp, poolAddRollout, recordingNotifier } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('roles')
const api = await buildTestApp({ prefix, role: 'api' })
t.teardown(async () => {
  await api.close()
  await cleanPrefix(prefix)
})

t.test('api only: the rollout waits in the queue', async t => {
  const res = await api.app.inject({ method: 'POST', url: '/v1/rollouts', payload: poolAddRollout() })
  t.equal(res.statusCode, 201)
  const { id } = res.json()
  await new Promise(resolve => setTimeout(resolve, 1500))
  t.equal((await api.app.rollouts.get(id))?.state, 'scheduled')
  t.same((await api.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items, [])
  const counts = await api.app.scheduler.queue.getJobCounts('waiting')
  t.equal(counts.waiting, 7, 'start job and six plan jobs, all due')
  t.match((await api.app.inject('/metrics')).body, /gonogo_queue_jobs\{queue="checkpoints",state="waiting"\} 7/)

  t.test('a worker-only process picks them up', async t => {
    const notifier = recordingNotifier()
    const worker = await buildTestApp({ prefix, role: 'worker', sim: api.sim, notifier })
    t.teardown(worker.close)
    await eventually(async () => ((await api.app.rollouts.get(id))?.state === 'decided' ? true : undefined), 60_000, 'decided')
    // The outbox tells the notifier after the record, so the decision's outcome may trail the state by a moment.
    await eventually(async () => notifier.outcomes.length >= 6 ? true : undefined, 10_000, 'six outcomes')
    t.equal(notifier.outcomes.length, 6)
    t.equal((await worker.app.inject('/v1/rollouts')).statusCode, 404, 'no API routes on a worker')
    t.equal((await worker.app.inject({ method: 'POST', url: '/v1/analyses', payload: {} })).statusCode, 404)
    t.equal((await worker.app.inject('/')).statusCode, 404, 'nor the board')
    t.equal((await worker.app.inject('/board/')).statusCode, 404)
    t.equal((await api.app.inject('/board/')).statusCode, 200, 'which the API process serves')
    t.equal((await worker.app.inject('/healthz')).statusCode, 200)
    t.equal((await worker.app.inject('/readyz')).statusCode, 200)
    // Decided: counted where it was decided, and gone from the per-rollout gauge in every process.
    const workerMetrics = (await worker.app.inject('/metrics')).body
    t.match(workerMetrics, /gonogo_rollouts_finished_total\{outcome="NO_GO"\} 1\n/)
    t.notMatch(workerMetrics, new RegExp(`gonogo_rollout_recommendation\\{rollout="${id}"`))
    t.notMatch((await api.app.inject('/metrics')).body, new RegExp(`gonogo_rollout_recommendation\\{rollout="${id}"`))
    t.equal((await api.app.inject(`/v1/rollouts/${id}/recommendation`)).json().final, true)
  })
})

t.test('/docs serves the UI and the document', async t => {
  const ui = await api.app.inject('/docs')
  t.ok([200, 302].includes(ui.statusCode), `GET /docs answered ${ui.statusCode}`)
  const doc = await api.app.inject('/docs/json')
  t.equal(doc.statusCode, 200)
  t.ok(doc.json().paths['/v1/rollouts/{id}/gate'])
})
