/**
 * The board's API on the real service: the matrix and the app read (compact, with ETags), notes
 * and sign-offs, waivers and the override, the lean gate, and live events over a real socket.
 */
import t from 'tap'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

const LIVE = new URL('../../src/sim/scenarios/pool-add-live.json', import.meta.url).pathname
const prefix = uniquePrefix('board')
// Its own prefix: one queue per simulator, or the live app's worker would judge the past rollout on the live data.
const livePrefix = uniquePrefix('board-live')
const ALICE = 'alice-secret-token-1'
const BOB = 'bob-secret-token-22'
const tokens = `alice:${ALICE},bob:${BOB}`
const past = await buildTestApp({ prefix, tokens })
const live = await buildTestApp({ prefix: livePrefix, tokens, scenario: LIVE, accountId: 3300002 })
t.teardown(async () => {
  await past.close()
  await live.close()
  await cleanPrefix(prefix)
  await cleanPrefix(livePrefix)
})

const as = (token: string) => ({ authorization: `Bearer ${token}` })
const app = past.app
const APPS = ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
  'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', { name: 'Payroll.Export', team: 'finance' }]
const created = await app.inject({ method: 'POST', url: '/v1/rollouts', headers: as(ALICE), payload: poolAddRollout({ apps: APPS }) })
const pastId = created.json().id as string
await waitForState(app, pastId, 'decided')

t.test('the matrix: every app and plan entry, verdicts with a few words, under an ETag', async t => {
  const res = await app.inject(`/v1/rollouts/${pastId}/matrix`)
  t.equal(res.statusCode, 200, res.body)
  const m = res.json()
  t.equal(m.plan.length, 6, '5 checkpoints and the decision')
  t.same(m.plan.map((p: { status: string }) => p.status), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok'])
  t.equal(m.apps.length, 12)
  t.equal(m.recommendation, 'NO_GO')
  t.equal(m.automated, 'NO_GO')
  t.same(m.gate, { open: false, final: true, recommendation: 'NO_GO', reason: 'the recommendation is NO_GO' })
  const billing = m.apps.find((a: { app: string }) => a.app === 'Billing.Service')
  t.equal(billing.verdicts.length, 6)
  t.equal(billing.verdicts[5], 'FAIL')
  t.match(m.shortReasons[billing.reasons[5]], /^error rate x3\.0/)
  const obrien = m.apps.find((a: { app: string }) => a.app === "O'Brien's API")
  t.equal(obrien.verdicts[5], 'NO_DATA')
  const payroll = m.apps.find((a: { app: string }) => a.app === 'Payroll.Export')
  t.equal(payroll.team, 'finance')
  t.same(m.teams, ['finance'])
  const finance = (await app.inject(`/v1/rollouts/${pastId}/matrix?team=finance`)).json()
  t.same(finance.apps.map((a: { app: string }) => a.app), ['Payroll.Export'], 'the team filter')

  const etag = res.headers.etag as string
  t.match(etag, /^W\/"r\d+-[\w-]+"$/)
  const again = await app.inject({ url: `/v1/rollouts/${pastId}/matrix`, headers: { 'if-none-match': etag } })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  const filtered = await app.inject({ url: `/v1/rollouts/${pastId}/matrix?team=finance`, headers: { 'if-none-match': etag } })
  t.equal(filtered.statusCode, 200, 'another filter is another ETag')
  t.equal((await app.inject('/v1/rollouts/01M8REC11S4F2QFPRSDAAYXZ01/matrix')).statusCode, 404)
  const rollout = await app.inject(`/v1/rollouts/${pastId}`)
  t.equal((await app.inject({ url: `/v1/rollouts/${pastId}`, headers: { 'if-none-match': rollout.headers.etag as string } })).statusCode, 304, 'the rollout read too')
})

t.test('one app across the rollout: each checkpoint\'s numbers, the latest series, notes', async t => {
  const res = await app.inject(`/v1/rollouts/${pastId}/apps/${encodeURIComponent('Billing.Service')}`)
  t.equal(res.statusCode, 200, res.body)
  const v = res.json()
  t.equal(v.checkpoints.length, 6)
  const last = v.checkpoints[5]
  t.equal(last.kind, 'decision')
  t.equal(last.verdict, 'FAIL')
  t.match(last.reasons[0], /^error rate 2\.9% on PRDIIS09/)
  const errorRate = last.metrics.find((m: { metric: string }) => m.metric === 'errorRate')
  t.ok(errorRate.effect > 2.5 && errorRate.ci.low > 1, 'the numbers and the confidence sequence')
  t.ok(v.series !== null && v.series.start.length > 10, 'a series for the charts')
  t.equal(v.series.canary.count.length, v.series.start.length)
  t.ok(v.series.canary.errorRate.some((r: number | null) => r !== null && r > 0.02), 'the canary errs more')
  t.ok(v.series.baseline.count.every((n: number) => n >= 0))
  const obrien = await app.inject(`/v1/rollouts/${pastId}/apps/${encodeURIComponent("O'Brien's API")}`)
  t.equal(obrien.statusCode, 200, 'names with quotes and spaces')
  t.equal((await app.inject(`/v1/rollouts/${pastId}/apps/Nope`)).statusCode, 404)
  const etag = res.headers.etag as string
  t.equal((await app.inject({ url: `/v1/rollouts/${pastId}/apps/Billing.Service`, headers: { 'if-none-match': etag } })).statusCode, 304)
})

t.test('notes and sign-offs: by the token\'s name, in the matrix and the app read, audited', async t => {
  const url = `/v1/rollouts/${pastId}/apps/Billing.Service/notes`
  t.equal((await app.inject({ method: 'POST', url, payload: { text: 'x' } })).statusCode, 401, 'a token is needed')
  const bad = await app.inject({ method: 'POST', url, headers: as(ALICE), payload: { text: 'x', signOff: 'maybe' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /body\.signOff/)
  const before = (await app.inject(`/v1/rollouts/${pastId}/matrix`)).headers.etag
  const res = await app.inject({ method: 'POST', url, headers: as(ALICE), payload: { text: 'manually corrected the path and errors have stopped', signOff: 'concern' } })
  t.equal(res.statusCode, 201, res.body)
  t.match(res.json(), { app: 'Billing.Service', by: 'alice', signOff: 'concern', checkpointIndex: 5 })
  const m = await app.inject(`/v1/rollouts/${pastId}/matrix`)
  t.not(m.headers.etag, before, 'a note moves the ETag')
  const row = m.json().apps.find((a: { app: string }) => a.app === 'Billing.Service')
  t.equal(row.notes, 1)
  t.match(row.signOff, { value: 'concern', by: 'alice' })
  const view = (await app.inject(`/v1/rollouts/${pastId}/apps/Billing.Service`)).json()
  t.equal(view.notes[0].text, 'manually corrected the path and errors have stopped')
  const audit = (await app.inject(`/v1/rollouts/${pastId}/audit`)).json().items
  t.same(audit.map((a: { action: string }) => a.action), ['created', 'sign-off'])
  t.equal(audit[0].by, 'alice')
  t.equal((await app.inject({ method: 'POST', url: `/v1/rollouts/${pastId}/apps/Nope/notes`, headers: as(ALICE), payload: { text: 'x' } })).statusCode, 404)
})

t.test('waivers wait for a running rollout; after the decision an override decides the gate', async t => {
  const waived = await app.inject({ method: 'POST', url: `/v1/rollouts/${pastId}/apps/Billing.Service/waiver`, headers: as(BOB), payload: { reason: 'known' } })
  t.equal(waived.statusCode, 409)
  t.match(waived.json().message, /override/)
  const override = await app.inject({
    method: 'POST', url: `/v1/rollouts/${pastId}/override`, headers: as(BOB), payload: { recommendation: 'GO', reason: 'CAB accepted the known billing errors' }
  })
  t.equal(override.statusCode, 201, override.body)
  t.match(override.json(), { recommendation: 'GO', automated: 'NO_GO', by: 'bob' })
  const gate = await app.inject(`/v1/rollouts/${pastId}/gate`)
  t.equal(gate.statusCode, 200, 'the gate follows the override')
  t.same(gate.json(), { open: true, final: true, recommendation: 'GO', reason: 'GO by override of bob: CAB accepted the known billing errors' })
  const m = (await app.inject(`/v1/rollouts/${pastId}/matrix`)).json()
  t.equal(m.recommendation, 'GO')
  t.equal(m.automated, 'NO_GO', 'the automated decision stays visible')
  t.match(m.reasons[0], /^GO by override of bob/)
  const rec = (await app.inject(`/v1/rollouts/${pastId}/recommendation`)).json()
  t.equal(rec.result.recommendation, 'NO_GO')
  t.equal(rec.effective.recommendation, 'GO')
  t.equal((await app.inject(`/v1/rollouts/${pastId}/audit`)).json().items.at(-1).action, 'override')
})

t.test('a waiver on a running rollout turns a NO_GO that rests on one app into the next verdict, and back', async t => {
  const now = Date.now()
  const iso = (ms: number) => new Date(ms).toISOString()
  // pool-add-live: PRDIIS09 joined two hours before the simulator started; Billing.Service errs three times as much there.
  const res = await live.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    headers: as(ALICE),
    payload: { name: 'live', apps: ['Billing.Service', 'RESTAPI'], canaryHosts: ['PRDIIS09'], startAt: iso(now - 2 * 3_600_000 + 60_000), decisionAt: iso(now + 3_600_000), checkpointEvery: 'PT30M' }
  })
  t.equal(res.statusCode, 201, res.body)
  const id = res.json().id as string
  let m
  for (let i = 0; i < 200; i++) {
    m = (await live.app.inject(`/v1/rollouts/${id}/matrix`)).json()
    if (m.plan.slice(0, 3).every((p: { status: string }) => p.status === 'ok')) break
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  t.equal(m.state, 'monitoring')
  t.equal(m.recommendation, 'NO_GO', JSON.stringify(m.reasons))
  const url = `/v1/rollouts/${id}/apps/Billing.Service/waiver`
  const waived = await live.app.inject({ method: 'POST', url, headers: as(BOB), payload: { reason: 'Known 404 on /health; fix in next release' } })
  t.equal(waived.statusCode, 201, waived.body)
  const after = (await live.app.inject(`/v1/rollouts/${id}/matrix`)).json()
  t.not(after.recommendation, 'NO_GO', `waived: ${JSON.stringify(after.reasons)}`)
  t.equal(after.automated, 'NO_GO')
  t.match(after.reasons.join('\n'), /Billing\.Service FAIL waived by bob: Known 404/)
  const row = after.apps.find((a: { app: string }) => a.app === 'Billing.Service')
  t.equal(row.verdicts[2], 'FAIL', 'the verdict itself stays')
  t.match(row.waiver, { by: 'bob', reason: /Known 404/ })
  const withdrawn = await live.app.inject({ method: 'DELETE', url, headers: as(BOB) })
  t.equal(withdrawn.statusCode, 200)
  t.equal((await live.app.inject(`/v1/rollouts/${id}/matrix`)).json().recommendation, 'NO_GO', 'withdrawn: back to NO_GO')
  t.equal((await live.app.inject({ method: 'DELETE', url, headers: as(BOB) })).statusCode, 404, 'nothing left to withdraw')
  t.equal((await live.app.inject({ method: 'POST', url: `/v1/rollouts/${id}/override`, headers: as(BOB), payload: { recommendation: 'GO', reason: 'x' } })).statusCode,
    409, 'no override before the decision')
  await live.app.inject({ method: 'POST', url: `/v1/rollouts/${id}/cancel`, headers: as(ALICE) })
})

t.test('a GO that needs sign-offs waits for them', async t => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    headers: as(ALICE),
    payload: poolAddRollout({ apps: ['RESTAPI', { name: 'Search Service', critical: true, team: 'search' }, 'Orders API'], policy: { requireSignOff: 'critical' } })
  })
  t.equal(res.statusCode, 201, res.body)
  const id = res.json().id as string
  await waitForState(app, id, 'decided')
  const m = (await app.inject(`/v1/rollouts/${id}/matrix`)).json()
  t.equal(m.automated, 'GO')
  t.equal(m.recommendation, 'INCONCLUSIVE')
  t.match(m.reasons.at(-1), /GO waits for the critical apps' sign-off: Search Service \(search\)/)
  t.equal((await app.inject(`/v1/rollouts/${id}/gate`)).statusCode, 409)
})

t.test('live events: a note shows on a second connection at once', async t => {
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const stream = await fetch(`${url}/v1/rollouts/${pastId}/events`)
  t.equal(stream.status, 200)
  t.match(stream.headers.get('content-type'), /^text\/event-stream/)
  const reader = stream.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  const first = await reader.read()
  text += decoder.decode(first.value)
  t.match(text, /^retry: 5000/)
  await fetch(`${url}/v1/rollouts/${pastId}/apps/RESTAPI/notes`, {
    method: 'POST', headers: { ...as(ALICE), 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Works fine. Tested along with Okta authentication', signOff: 'ok' })
  })
  const deadline = Date.now() + 5000
  while (!text.includes('event: note.added') && Date.now() < deadline) {
    const chunk = await reader.read()
    if (chunk.done === true) break
    text += decoder.decode(chunk.value)
  }
  t.match(text, /event: note\.added\ndata: \{[^\n]*"app":"RESTAPI"[^\n]*"by":"alice"/)
  await reader.cancel()
  t.equal((await fetch(`${url}/v1/rollouts/01M8REC11S4F2QFPRSDAAYXZ01/events`)).status, 404)
})
