/** A rollout over a past window catches up at once and decides: the bundled scenario, end to end. */
import t from 'tap'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { Checkpoint, RecommendationView, Rollout } from '../../src/schemas/rollout.ts'
import { buildTestApp, poolAddRollout, recordingNotifier } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', v => Number.isFinite(Date.parse(v)))

const prefix = uniquePrefix('past-window')
const notifier = recordingNotifier()
const { app, close } = await buildTestApp({ prefix, notifier })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})

const SECRET = 'whsec-0123456789abcdef-secret'
const started = Date.now()
const created = await app.inject({
  method: 'POST',
  url: '/v1/rollouts',
  payload: poolAddRollout({
    notify: [
      { kind: 'webhook', url: 'http://127.0.0.1:9/hooks/very-secret-path?token=abc', secret: SECRET },
      { kind: 'slack', url: 'http://127.0.0.1:9/services/T000/B000/XXXXSECRET' }
    ]
  })
})

t.test('201 with the plan, a Location and no notify secrets', async t => {
  t.equal(created.statusCode, 201, created.body)
  const body = created.json()
  t.equal(created.headers.location, `/v1/rollouts/${body.id}`)
  t.equal(body.checkpointEvery, 'PT1H')
  t.equal(body.timezone, 'Asia/Kolkata')
  t.equal(body.accountId, 3300001, 'default account from config')
  t.same(body.plan.map((p: { index: number, kind: string, at: string, localAt: string }) => [p.index, p.kind, p.at, p.localAt]), [
    [0, 'checkpoint', '2026-11-25T05:30:00.000Z', '2026-11-25T11:00:00+05:30'],
    [1, 'checkpoint', '2026-11-25T06:30:00.000Z', '2026-11-25T12:00:00+05:30'],
    [2, 'checkpoint', '2026-11-25T07:30:00.000Z', '2026-11-25T13:00:00+05:30'],
    [3, 'checkpoint', '2026-11-25T08:30:00.000Z', '2026-11-25T14:00:00+05:30'],
    [4, 'checkpoint', '2026-11-25T09:30:00.000Z', '2026-11-25T15:00:00+05:30'],
    [5, 'decision', '2026-11-25T10:00:00.000Z', '2026-11-25T15:30:00+05:30']
  ])
  t.same(body.notify.map(({ id: _, ...view }: { id: string }) => view), [{ kind: 'webhook', url: 'http://127.0.0.1:9' }, { kind: 'slack', url: 'http://127.0.0.1:9' }])
  t.match(body.notify.map((v: { id: string }) => v.id), [/^r:[0-9a-f]{16}$/, /^r:[0-9a-f]{16}$/], 'each target by its id')
  t.notMatch(created.body, /secret|SECRET|very-secret-path|token=abc/)
})

t.test('decided NO_GO within seconds, six checkpoints in order', async t => {
  const rollout = await waitForState(app, created.json().id, 'decided', 120_000)
  t.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`)
  t.equal(rollout.recommendation, 'NO_GO')
  t.same(rollout.plan.map(p => p.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
  t.equal(rollout.nextAt, null)
  t.same(rollout.progress, { ok: 6, failed: 0, total: 6 }, 'the full view has the progress the list shows')
  t.ok(rollout.decidedAt)
  t.notMatch(JSON.stringify(rollout), /SECRET|very-secret-path/)
  t.ok(Value.Check(Rollout, rollout), 'the view matches its schema')

  const cps = (await app.inject(`/v1/rollouts/${rollout.id}/checkpoints`)).json().items
  t.same(cps.map((c: { index: number, kind: string, status: string }) => [c.index, c.kind, c.status]), [
    [0, 'checkpoint', 'ok'], [1, 'checkpoint', 'ok'], [2, 'checkpoint', 'ok'], [3, 'checkpoint', 'ok'], [4, 'checkpoint', 'ok'], [5, 'decision', 'ok']
  ])
  for (const c of cps) {
    t.equal(c.result.window.from, '2026-11-25T04:30:00.000Z', 'every window starts at startAt')
    t.equal(c.result.window.until, c.at, 'and ends at the checkpoint time')
  }
  for (const c of cps) t.ok(Value.Check(Checkpoint, c), `checkpoint ${c.index} matches its schema`)
  const decision = cps[5].result
  t.equal(decision.recommendation, 'NO_GO')
  const verdicts = Object.fromEntries(decision.apps.map((a: { app: string, verdict: string }) => [a.app, a.verdict]))
  t.equal(verdicts["O'Brien's API"], 'NO_DATA', 'the app without an agent on the new host')
  t.equal(verdicts['Billing.Service'], 'FAIL')

  const one = await app.inject(`/v1/rollouts/${rollout.id}/checkpoints/5`)
  t.equal(one.statusCode, 200)
  t.equal(one.json().kind, 'decision')
  t.equal((await app.inject(`/v1/rollouts/${rollout.id}/checkpoints/9`)).statusCode, 404)
})

t.test('recommendation is final, the gate says 409, cancel says 409', async t => {
  const id = created.json().id
  const rec = await app.inject(`/v1/rollouts/${id}/recommendation`)
  t.equal(rec.statusCode, 200)
  t.match(rec.headers['content-type'], /application\/json/)
  const body = rec.json()
  t.equal(body.rolloutId, id)
  t.equal(body.final, true)
  t.equal(body.state, 'decided')
  t.equal(body.recommendation, 'NO_GO')
  t.same(body.checkpoint, { index: 5, kind: 'decision', at: '2026-11-25T10:00:00.000Z' })
  t.match(body.message, /^the decision at 2026-11-25T15:30:00\+05:30: NO_GO/)
  t.equal(body.result.recommendation, 'NO_GO')
  t.ok(Value.Check(RecommendationView, body), 'the pre-serialised body matches its documented schema')
  const gate = await app.inject(`/v1/rollouts/${id}/gate`)
  t.equal(gate.statusCode, 409)
  t.same(gate.json(), { open: false, final: true, recommendation: 'NO_GO', reason: 'the recommendation is NO_GO' }, 'the lean gate')
  t.ok(gate.body.length < 400, `a few hundred bytes (${gate.body.length})`)
  const detail = await app.inject(`/v1/rollouts/${id}/gate?detail=true`)
  t.equal(detail.statusCode, 409)
  t.same(detail.json(), body, 'detail=true: the whole recommendation')
  const cancel = await app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel` })
  t.equal(cancel.statusCode, 409)
  t.match(cancel.json().message, /already decided/)
  const manual = await app.inject({ method: 'POST', url: `/v1/rollouts/${id}/checkpoints` })
  t.equal(manual.statusCode, 409)
})

t.test('checkpoints can be read in pages, in time order', async t => {
  const id = created.json().id as string
  const all = (await app.inject(`/v1/rollouts/${id}/checkpoints`)).json()
  t.equal(all.items.length, 6)
  t.equal(all.nextCursor, null)
  const first = (await app.inject(`/v1/rollouts/${id}/checkpoints?limit=4`)).json()
  t.same(first.items.map((c: { index: number }) => c.index), [0, 1, 2, 3])
  t.equal(first.nextCursor, '3')
  const rest = (await app.inject(`/v1/rollouts/${id}/checkpoints?limit=4&cursor=${first.nextCursor as string}`)).json()
  t.same(rest.items.map((c: { index: number }) => c.index), [4, 5])
  t.equal(rest.nextCursor, null)
  const bad = await app.inject(`/v1/rollouts/${id}/checkpoints?cursor=99`)
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /querystring\.cursor 99 is not a recorded checkpoint/)
})

t.test('checkpoint pages still answer the deprecated after and nextAfter', async t => {
  const id = created.json().id as string
  const first = (await app.inject(`/v1/rollouts/${id}/checkpoints?limit=4`)).json()
  t.equal(first.nextAfter, 3, 'nextAfter is the nextCursor as a number')
  const rest = (await app.inject(`/v1/rollouts/${id}/checkpoints?limit=4&after=3`)).json()
  t.same(rest.items.map((c: { index: number }) => c.index), [4, 5])
  t.equal(rest.nextAfter, null)
  const bad = await app.inject(`/v1/rollouts/${id}/checkpoints?after=99`)
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /querystring\.after 99 is not a recorded checkpoint/)
  const both = await app.inject(`/v1/rollouts/${id}/checkpoints?after=3&cursor=3`)
  t.equal(both.statusCode, 400)
  t.match(both.json().message, /querystring\.after is the deprecated name of querystring\.cursor/)
})

t.test('the notifier heard every checkpoint and the decision, once', async t => {
  t.same(notifier.outcomes.map(o => [o.kind, o.checkpointIndex]), [
    ['checkpoint', 0], ['checkpoint', 1], ['checkpoint', 2], ['checkpoint', 3], ['checkpoint', 4], ['decision', 5]
  ])
  const decision = notifier.outcomes[5]
  t.equal(decision.rollout.state, 'decided')
  t.equal(decision.rollout.timezone, 'Asia/Kolkata')
  t.equal(decision.rollout.notify[0].kind === 'webhook' && decision.rollout.notify[0].secret, SECRET, 'the notifier, only, gets the secret')
  t.equal(decision.previous?.recommendation, notifier.outcomes[4].result?.recommendation)
})

t.test('listed, and visible in /metrics', async t => {
  const id = created.json().id
  const list = (await app.inject('/v1/rollouts?state=decided')).json()
  t.equal(list.items[0].id, id)
  t.same(list.items[0].progress, { ok: 6, failed: 0, total: 6 })
  t.equal(list.nextCursor, null)
  t.same((await app.inject('/v1/rollouts?state=monitoring')).json().items, [])
  const metrics = (await app.inject('/metrics')).body
  t.notMatch(metrics, new RegExp(`gonogo_rollout_recommendation\\{rollout="${id}"`), 'a decided rollout leaves the live gauge')
  t.match(metrics, /gonogo_rollouts_finished_total\{outcome="NO_GO"\} 1\n/)
  t.match(metrics, /gonogo_rollouts_finished_total\{outcome="cancelled"\} 0\n/)
  t.match(metrics, /gonogo_checkpoints_total\{kind="checkpoint",outcome="ok"\} 5/)
  t.match(metrics, /gonogo_checkpoints_total\{kind="decision",outcome="ok"\} 1/)
  t.match(metrics, /gonogo_queue_jobs\{queue="checkpoints",state="completed"\} \d+/)
})

t.test('bounded Redis: checkpoints before the latest are abridged, and read back with their metrics', async t => {
  const id = created.json().id
  await waitForState(app, id, 'decided', 120_000)
  const items: Checkpoint[] = (await app.inject(`/v1/rollouts/${id}/checkpoints`)).json().items
  t.same(items.map(c => c.abridged === true), [true, true, true, true, true, false], 'the decision keeps its full record')
  for (const c of items.slice(0, 5)) {
    t.equal(c.result?.apps.length, 12)
    t.ok(c.result?.apps.every(a => a.metrics.length > 0 && a.metrics.every(m => m.detail === '')), `checkpoint ${c.index}: metrics back, no detail`)
  }
  const full = items[5].result?.apps ?? []
  t.ok(full.every(a => a.metrics.every(m => m.detail.length > 0)), 'the decision has every detail')
  const one = (await app.inject(`/v1/rollouts/${id}/checkpoints/2`)).json()
  t.same(one, items[2], 'one checkpoint reads as it does in the list')
  const evidence = await app.redis.hkeys(app.checkpointStore.keys.evidence(id))
  t.same(evidence, ['5'], 'only the newest evidence is kept')
})
