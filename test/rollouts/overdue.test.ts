/**
 * Staleness on the real clock: with its only worker stopped a rollout goes overdue and its gate
 * closes within lag + grace of the missed checkpoint; /readyz of the API says no worker beats;
 * a worker stuck in retries announces checkpoint.overdue once to a real webhook receiver.
 */
import t from 'tap'
import { HeartbeatStore } from '../../src/store/heartbeat-store.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, liveScenario } from '../helpers/scenarios.ts'
import { Receiver } from '../notify/helpers/receiver.ts'

const GRACE_S = 2
const env = { GONOGO_OVERDUE_GRACE_SECONDS: String(GRACE_S) }
const MIN = 60_000

t.test('the only worker stops: overdue, gate 409 within lag + grace, readyz 503', async t => {
  const prefix = uniquePrefix('overdue')
  const api = await buildTestApp({ prefix, role: 'api', scenario: liveScenario(), env })
  t.teardown(async () => {
    await api.close()
    await cleanPrefix(prefix)
  })
  const ready = async () => await api.app.inject('/readyz')
  t.match((await ready()).json(), {
    status: 'unavailable', workers: { alive: 0, lastHeartbeatSecondsAgo: null }, reason: /no worker heartbeat yet/
  })

  const worker = await buildTestApp({ prefix, role: 'worker', sim: api.sim, env })
  t.equal((await ready()).statusCode, 200, 'a worker beats at start')
  t.match((await ready()).json(), { status: 'ready', workers: { alive: 1 } })

  // Checkpoint 1 is due at once (half an hour of data), checkpoint 2 a few seconds from now.
  const now = Date.now()
  const every = 30 * MIN
  const second = now + 8000
  const startAt = second - 2 * every
  const res = await api.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: healthyRollout({
      startAt: new Date(startAt).toISOString(),
      decisionAt: new Date(startAt + 3 * every).toISOString(),
      checkpointEvery: 'PT30M',
      timezone: 'Asia/Kolkata'
    })
  })
  t.equal(res.statusCode, 201, 'created')
  const id = res.json().id as string
  const gate = async () => await api.app.inject(`/v1/rollouts/${id}/gate`)
  await eventually(async () => (await gate()).statusCode === 200 ? true : undefined, 30_000, 'the first checkpoint GO')
  t.match((await gate()).json(), { open: true, reason: 'GO so far; not final until the decision' })
  const before = await api.app.inject(`/v1/rollouts/${id}`)
  t.equal(before.json().overdue, null)
  t.equal(Date.now() < second, true, 'the first checkpoint ran before the second was due (else the test proves nothing)')

  await worker.close()
  const stopped = (await ready()).json()
  t.match(stopped, { status: 'unavailable', workers: { alive: 0 }, reason: /no worker running: the last one stopped \d+ s ago/ })

  const closedAt = await eventually(async () => (await gate()).statusCode === 409 ? Date.now() : undefined, 30_000, 'the gate to close')
  t.ok(closedAt >= second + GRACE_S * 1000, 'not before the bound')
  // Lag 0 in tests: the bound is the checkpoint time + grace; seconds of slack for a loaded machine.
  t.ok(closedAt <= second + GRACE_S * 1000 + 3000, `closed ${closedAt - second - GRACE_S * 1000} ms after the bound`)
  t.match((await gate()).json(), {
    open: false,
    final: false,
    recommendation: 'GO',
    reason: /^checkpoint 2 \(due \d\d:\d\d Asia\/Kolkata\) is \d+ s overdue: no worker has recorded it$/
  })
  const detail = await api.app.inject(`/v1/rollouts/${id}/gate?detail=true`)
  t.equal(detail.statusCode, 409)
  t.match(detail.json(), { gate: { open: false, reason: /overdue/ } })
  t.match((await api.app.inject(`/v1/rollouts/${id}/recommendation`)).json(), { gate: { open: false, reason: /overdue/ } })

  // A page polling with the ETag it had sees the change, though nothing was written.
  const after = await api.app.inject({ url: `/v1/rollouts/${id}`, headers: { 'if-none-match': String(before.headers.etag) } })
  t.equal(after.statusCode, 200)
  const dueAt = new Date(second).toISOString()
  t.match(after.json().overdue, { index: 1, kind: 'checkpoint', at: dueAt, dueAt, reason: /overdue/ })
  t.match((await api.app.inject('/v1/rollouts')).json().items.find((r: { id: string }) => r.id === id), { overdue: { index: 1 } })
  const matrix = (await api.app.inject(`/v1/rollouts/${id}/matrix`)).json()
  t.match(matrix, { overdue: { index: 1 }, gate: { open: false, reason: /overdue/ } })
  const metrics = (await api.app.inject('/metrics')).body
  t.match(metrics, /\ngonogo_rollouts_overdue 1\n/)
  t.notMatch(metrics, new RegExp(`gonogo_rollouts_overdue\\{[^}]*${id}`), 'no rollout names as labels')

  // A crashed worker's last beat ages out; a live one brings readiness back.
  const beats = new HeartbeatStore(api.app.redis, prefix)
  await beats.beat('crashed', Date.now() - 31_000)
  t.match((await ready()).json(), { status: 'unavailable', reason: 'no worker heartbeat for 31 s' })
  t.equal((await ready()).statusCode, 503)
  await beats.beat('back', Date.now())
  t.equal((await ready()).statusCode, 200)

  // Cancelled: never overdue again.
  await api.app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel` })
  t.equal((await api.app.inject(`/v1/rollouts/${id}`)).json().overdue, null)
  t.match((await api.app.inject('/metrics')).body, /\ngonogo_rollouts_overdue 0\n/)
})

t.test('a worker stuck in retries announces checkpoint.overdue once, however many workers sweep', async t => {
  const prefix = uniquePrefix('overdue-event')
  const receiver = await Receiver.start()
  const retrying = { ...env, GONOGO_CHECKPOINT_ATTEMPTS: '20', GONOGO_CHECKPOINT_BACKOFF_MS: '500' }
  const one = await buildTestApp({ prefix, scenario: liveScenario(), env: retrying })
  const two = await buildTestApp({ prefix, role: 'worker', sim: one.sim, env: retrying })
  t.teardown(async () => {
    await two.close()
    await one.close()
    await receiver.stop()
    await cleanPrefix(prefix)
  })
  one.sim.setFaults({ rate500: 1 })
  const startAt = Date.now() - 45 * MIN
  const res = await one.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: healthyRollout({
      startAt: new Date(startAt).toISOString(),
      decisionAt: new Date(startAt + 2 * 60 * MIN).toISOString(),
      checkpointEvery: 'PT30M',
      notify: [{ kind: 'webhook', url: receiver.url('/hooks/overdue'), secret: 'x'.repeat(32) }]
    })
  })
  t.equal(res.statusCode, 201, 'created')
  const id = res.json().id as string
  const overdue = (r: { headers: Record<string, unknown> }) => r.headers['x-gonogo-event'] === 'checkpoint.overdue'
  // Each worker sweeps every 10 s: within two sweeps of the bound.
  const first = await eventually(async () => receiver.delivered().find(overdue), 40_000, 'checkpoint.overdue')
  const body = JSON.parse(first.body)
  t.match(body, {
    id: `${id}.0.checkpoint.overdue`,
    type: 'checkpoint.overdue',
    rollout: { id, state: 'monitoring' },
    checkpoint: { index: 0, kind: 'checkpoint', at: new Date(startAt + 30 * MIN).toISOString() },
    recommendation: null,
    overdue: {
      dueAt: new Date(startAt + 30 * MIN).toISOString(),
      reason: /^checkpoint 1 \(due \d\d:\d\d UTC\) is 15 min overdue: no worker has recorded it$/
    },
    previousRecommendation: null
  })
  t.equal(first.headers['x-gonogo-delivery'], `${id}.0.checkpoint.overdue`)
  t.ok((await one.app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items.length === 0, 'still retrying: nothing recorded')
  // Two more sweeps of each worker: still one delivery.
  await new Promise(resolve => setTimeout(resolve, 21_000))
  t.equal(receiver.delivered().filter(overdue).length, 1, 'sent once')
  t.match((await one.app.inject(`/v1/rollouts/${id}/gate`)).json(), { open: false, reason: /^checkpoint 1 \(due .*\) is 1\d min overdue/ })
  one.sim.setFaults({})
  await one.app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel` })
})
