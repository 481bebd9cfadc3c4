/** GO and the gate, cancel, the recommendation before any checkpoint, manual checkpoints. */
import t from 'tap'
import { jobId } from '../../src/jobs/queue.ts'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { healthyRollout, liveScenario } from '../helpers/scenarios.ts'
import { waitForState } from '../helpers/wait.ts'

const prefix = uniquePrefix('lifecycle')
const now = Date.now()
const { app, sim, close } = await buildTestApp({ prefix, scenario: liveScenario(now) })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})
const iso = (ms: number) => new Date(ms).toISOString()
const post = async (url: string, payload?: object) => await app.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload }) })

t.test('a healthy past window is GO: the gate opens', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now - 2 * 3_600_000), decisionAt: iso(now - 5 * 60_000), checkpointEvery: 'PT30M' }))
  t.equal(res.statusCode, 201, res.body)
  const id = res.json().id
  const rollout = await waitForState(app, id, 'decided')
  t.equal(rollout.plan.length, 4, 'checkpoints at +30, +60, +90 minutes and the decision')
  t.equal(rollout.recommendation, 'GO')
  const gate = await app.inject(`/v1/rollouts/${id}/gate`)
  t.equal(gate.statusCode, 200)
  t.equal(gate.json().recommendation, 'GO')
  t.equal(gate.json().final, true)
})

t.test('before any checkpoint: recommendation null with a message; gate 409', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now + 3_600_000), decisionAt: iso(now + 4 * 3_600_000), timezone: 'Europe/London' }))
  const id = res.json().id
  const rec = await app.inject(`/v1/rollouts/${id}/recommendation`)
  t.equal(rec.statusCode, 200)
  t.same({ ...rec.json(), message: undefined }, { rolloutId: id, state: 'scheduled', final: false, gate: { open: false, reason: 'no checkpoint has succeeded yet' }, recommendation: null, checkpoint: null, result: null, message: undefined })
  t.match(rec.json().message, /no checkpoint has succeeded yet; the next is due at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)/)
  const gate = await app.inject(`/v1/rollouts/${id}/gate`)
  t.equal(gate.statusCode, 409)
  t.equal(gate.json().recommendation, null)
  const manual = await post(`/v1/rollouts/${id}/checkpoints`)
  t.equal(manual.statusCode, 409)
  t.match(manual.json().message, /starts at .*no data to judge yet/)
})

t.test('cancel: state, skipped plan, pending jobs removed, second cancel 409', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now + 3_600_000), decisionAt: iso(now + 4 * 3_600_000) }))
  const { id } = res.json()
  t.ok(await app.scheduler.queue.getJob(jobId(id, 0)), 'a delayed job waits for the first checkpoint')
  t.equal((await app.inject(`/v1/rollouts/${id}/recommendation`)).json().state, 'scheduled', 'read once, so it is cached')
  const cancel = await post(`/v1/rollouts/${id}/cancel`)
  t.equal(cancel.statusCode, 200)
  t.equal(cancel.json().state, 'cancelled')
  t.ok(cancel.json().cancelledAt)
  t.same(cancel.json().cancellation, { at: cancel.json().cancelledAt, by: 'anonymous', reason: null },
    'no body: no reason; no tokens: anonymous')
  t.same([...new Set(cancel.json().plan.map((p: { status: string }) => p.status))], ['skipped'])
  t.equal(cancel.json().nextAt, null)
  for (const what of ['start', 0, 1, 2] as const) t.notOk(await app.scheduler.queue.getJob(jobId(id, what)), `job ${what} removed`)
  const again = await post(`/v1/rollouts/${id}/cancel`)
  t.equal(again.statusCode, 409)
  t.match(again.json().message, /already cancelled/)
  t.equal((await post(`/v1/rollouts/${id}/checkpoints`)).statusCode, 409)
  const rec = (await app.inject(`/v1/rollouts/${id}/recommendation`)).json()
  t.equal(rec.state, 'cancelled', 'the cached read saw the write at once')
  t.match(rec.message, /cancelled before any checkpoint/)
  t.same((await app.inject('/v1/rollouts?state=cancelled')).json().items.map((r: { id: string }) => r.id), [id])
})

t.test('a live rollout: due checkpoints catch up, then a manual one runs now', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now - 90 * 60_000), decisionAt: iso(now + 90 * 60_000) }))
  const { id } = res.json()
  await eventually(async () => ((await app.rollouts.get(id))?.statuses === 'o--' ? true : undefined), 30_000, 'first checkpoint')
  const live = (await app.inject(`/v1/rollouts/${id}`)).json()
  t.equal(live.state, 'monitoring')
  t.ok(live.startedAt)
  t.equal(live.nextAt, iso(now + 30 * 60_000))
  t.same(live.plan.map((p: { status: string }) => p.status), ['ok', 'pending', 'pending'])

  const before = Date.now()
  const manual = await post(`/v1/rollouts/${id}/checkpoints`)
  t.equal(manual.statusCode, 201, manual.body)
  const cp = manual.json()
  t.equal(cp.kind, 'manual')
  t.equal(cp.index, 3, 'numbered after the plan')
  t.equal(cp.status, 'ok')
  t.equal(manual.headers.location, `/v1/rollouts/${id}/checkpoints/3`)
  t.ok(Date.parse(cp.at) >= before - 1000 && Date.parse(cp.at) <= Date.now())
  t.equal(cp.result.window.from, iso(now - 90 * 60_000))
  t.equal(cp.result.window.until, cp.at)
  const list = (await app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  t.same(list.map((c: { index: number }) => c.index), [0, 3])
  const rec = (await app.inject(`/v1/rollouts/${id}/recommendation`)).json()
  t.equal(rec.final, false)
  t.same(rec.checkpoint, { index: 3, kind: 'manual', at: cp.at })
  t.equal((await app.rollouts.get(id))?.statuses, 'o--', 'the plan is untouched')
  t.equal(rec.result.recommendation, 'GO')
  t.equal((await app.inject(`/v1/rollouts/${id}/gate`)).statusCode, 200, 'an interim GO opens the gate')
  const series = new RegExp(`^gonogo_rollout_recommendation\\{rollout="${id}"\\} 1$`, 'm')
  t.match((await app.inject('/metrics')).body, series, 'a live rollout\'s recommendation: 1 for GO')
  // Another process that never ran a checkpoint reads it from the store.
  const other = await buildTestApp({ prefix, role: 'api', sim })
  t.teardown(other.close)
  t.match((await other.app.inject('/metrics')).body, series, 'an API-only process shows it too')
  const cancelled = async (): Promise<number> =>
    Number(/^gonogo_rollouts_finished_total\{outcome="cancelled"\} (\d+)$/m.exec((await app.inject('/metrics')).body)?.[1])
  const cancelledBefore = await cancelled()
  t.equal((await post(`/v1/rollouts/${id}/cancel`)).statusCode, 200)
  t.equal(await cancelled(), cancelledBefore + 1, 'counted as finished: cancelled')
  const anySeries = new RegExp(`gonogo_rollout_recommendation\\{rollout="${id}"`)
  t.notMatch((await app.inject('/metrics')).body, anySeries, 'and gone from the live gauge')
  t.notMatch((await other.app.inject('/metrics')).body, anySeries, 'in every process')
  const gate = await app.inject(`/v1/rollouts/${id}/gate`)
  t.equal(gate.statusCode, 409, 'a cancelled rollout closes the gate, whatever its last result')
  t.equal(gate.json().reason, 'the rollout was cancelled')
})

t.test('a manual checkpoint judges up to the ingest lag, and is refused while that is before startAt', async t => {
  const lagged = await buildTestApp({ prefix, role: 'api', env: { GONOGO_CHECKPOINT_LAG_SECONDS: '600' } })
  t.teardown(lagged.close)
  const res = await lagged.app.inject({ method: 'POST', url: '/v1/rollouts', payload: healthyRollout({ startAt: iso(Date.now() - 5 * 60_000), decisionAt: iso(Date.now() + 3_600_000) }) })
  t.equal(res.statusCode, 201, res.body)
  const manual = await lagged.app.inject({ method: 'POST', url: `/v1/rollouts/${res.json().id as string}/checkpoints` })
  t.equal(manual.statusCode, 409)
  t.match(manual.json().message, /no data to judge yet \(New Relic data is read 600 s behind\)/)
})

t.test('actions refuse a body with fields they do not take; checkpoint indexes are digits only', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now + 3_600_000), decisionAt: iso(now + 4 * 3_600_000) }))
  const { id } = res.json()
  const withBody = await post(`/v1/rollouts/${id as string}/checkpoints`, { at: 'x' })
  t.equal(withBody.statusCode, 400)
  t.equal(withBody.json().message, 'POST /v1/rollouts/:id/checkpoints takes no body (unknown field "at")')
  const cancelAt = await post(`/v1/rollouts/${id as string}/cancel`, { at: 'x' })
  t.equal(cancelAt.statusCode, 400)
  t.equal(cancelAt.json().message, 'body has an unknown field "at"', 'cancel takes a reason, nothing else')
  t.equal((await app.inject(`/v1/rollouts/${id as string}`)).json().state, 'scheduled', 'not cancelled')
  t.equal((await post(`/v1/rollouts/${id as string}/cancel`, {})).statusCode, 200, 'an empty object is no body')
  for (const index of ['%20', '1e2', '-1']) {
    const r = await app.inject(`/v1/rollouts/${id as string}/checkpoints/${index}`)
    t.equal(r.statusCode, 400, index)
    t.match(r.json().message, /^params\.index .* is not of the expected form/)
  }
})

t.test('cancel takes an optional reason: stored, shown with who cancelled; bad input is a 400 naming the field', async t => {
  const res = await post('/v1/rollouts', healthyRollout({ startAt: iso(now + 3_600_000), decisionAt: iso(now + 4 * 3_600_000) }))
  const id = res.json().id as string
  const bad: Array<[unknown, RegExp]> = [
    [{ reason: 42 }, /^body\.reason must be string$/],
    [{ reason: 'x'.repeat(501) }, /^body\.reason must NOT have more than 500 characters$/],
    [{ reason: '' }, /^body\.reason must not be empty$/],
    [{ reason: 'two\nlines' }, /^body\.reason "two\\nlines" is not of the expected form \(Why, for people: one line/],
    [{ reason: '   ' }, /^body\.reason .* is not of the expected form/],
    [{ reason: 'ok', by: 'someone else' }, /^body has an unknown field "by"$/],
    [['reason'], /^body must be object$/]
  ]
  for (const [body, message] of bad) {
    const r = await app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, payload: body as object })
    t.equal(r.statusCode, 400, JSON.stringify(body).slice(0, 40))
    t.match(r.json().message, message)
  }
  t.equal((await app.inject(`/v1/rollouts/${id}`)).json().state, 'scheduled', 'none of them cancelled it')

  const reason = 'PRDIIS09 failed its disk check; back out <b>*now*</b>'
  const cancel = await post(`/v1/rollouts/${id}/cancel`, { reason })
  t.equal(cancel.statusCode, 200, cancel.body)
  const expected = { at: cancel.json().cancelledAt, by: 'anonymous', reason }
  t.same(cancel.json().cancellation, expected)
  t.same((await app.inject(`/v1/rollouts/${id}`)).json().cancellation, expected, 'GET shows it')
  const listed = (await app.inject('/v1/rollouts?state=cancelled')).json().items.find((r: { id: string }) => r.id === id)
  t.same(listed.cancellation, expected, 'and the list')
  const again = await post(`/v1/rollouts/${id}/cancel`, { reason: 'a second time' })
  t.equal(again.statusCode, 409)
  t.same((await app.inject(`/v1/rollouts/${id}`)).json().cancellation, expected, 'a refused cancel changes nothing')
  const scheduled = (await app.inject('/v1/rollouts?state=scheduled')).json().items as Array<{ cancellation?: unknown }>
  t.notOk(scheduled.some(r => r.cancellation !== undefined), 'only cancelled rollouts have a cancellation')
})
