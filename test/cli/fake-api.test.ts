/**
 * The CLI's side of the contract, against a stand-in API that does on cue what the real service
 * cannot: paging across pages of one, events sent while a wait polls slowly, 5xx for a while,
 * a proxy's HTML error page, and the people endpoints with their URL-encoded app names.
 */
import type { ServerResponse } from 'node:http'
import t from 'tap'
import { fakeApi, json, runCli, sink } from './fake-api.ts'
import { ID, matrixFixture } from './fixtures.ts'
import { ESC } from './helpers.ts'

const api = await fakeApi()
t.teardown(api.close)
const env = { GONOGO_URL: api.url, GONOGO_TOKEN: 'tok-1' }
const R = `/v1/rollouts/${ID}`

function summary (id: string): Record<string, unknown> {
  const times = { startAt: '2026-11-25T04:30:00.000Z', decisionAt: '2026-11-25T10:00:00.000Z', checkpointEvery: 'PT1H', timezone: 'UTC' }
  const stamps = { nextAt: null, createdAt: '2026-11-25T04:00:00.000Z', updatedAt: '2026-11-25T10:00:00.000Z' }
  const what = { accountId: 1, apps: [{ name: 'A' }], canaryHosts: ['H'], baselineHosts: null, notify: [] }
  const progress = { ok: 6, failed: 0, total: 6 }
  return { id, name: `rollout ${id.slice(-1)}`, state: 'decided', recommendation: 'GO', progress, ...what, ...times, ...stamps }
}

/** Resolves once `cond` holds (checked every 20 ms). */
async function until (cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise(resolve => setTimeout(resolve, 20))
}

/** Escape codes made visible, for patterns. */
const shown = (text: string): string => text.replaceAll(ESC, '<ESC>')

/** One server-sent event as the service frames it. */
function sse (type: string, rev: number, eol = '\n'): string {
  return `event: ${type}${eol}data: ${JSON.stringify({ type, rolloutId: ID, rev, at: new Date().toISOString() })}${eol}${eol}`
}

function rollout (state: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const progress = { ok: 2, failed: 1, total: 6 }
  return { ...summary(ID), state, recommendation: 'NO_GO', progress, plan: [], notifyFailures: [], ...extra }
}

t.test('ls follows nextCursor page by page, and stops at --limit', async t => {
  const ids = ['01M8REC11S4F2QFPRSDAAYXZ0A', '01M8REC11S4F2QFPRSDAAYXZ0B', '01M8REC11S4F2QFPRSDAAYXZ0C']
  api.on('GET /v1/rollouts', (req, res) => {
    // Pages of one whatever the limit asked: the CLI must follow the cursor.
    const cursor = new URL(req.url ?? '', api.url).searchParams.get('cursor')
    const at = cursor === null ? 0 : ids.indexOf(cursor)
    json(res, 200, { items: [summary(ids[at])], nextCursor: at + 1 < ids.length ? ids[at + 1] : null })
  })
  api.seen.length = 0
  const all = await runCli(['ls', '--json', '--state', 'decided'], env)
  t.equal(all.code, 0, all.stderr)
  t.same(JSON.parse(all.stdout).items.map((i: { id: string }) => i.id), ids)
  t.equal(JSON.parse(all.stdout).nextCursor, null)
  t.same(api.seen.map(s => s.url), [
    '/v1/rollouts?state=decided&limit=50',
    `/v1/rollouts?state=decided&limit=49&cursor=${ids[1]}`,
    `/v1/rollouts?state=decided&limit=48&cursor=${ids[2]}`
  ])
  t.same(api.seen.map(s => s.authorization), Array(3).fill('Bearer tok-1'), 'the token goes on reads too')
  const two = await runCli(['ls', '--limit', '2'], env)
  t.equal(two.code, 0)
  t.equal(two.stdout.split('\n').filter(l => l.startsWith('01M8')).length, 2)
  t.match(two.stdout, /\(more: --limit 4\)\n$/)
})

t.test('ls shows people\'s override first, the automated decision after it', async t => {
  const override = { recommendation: 'GO', automated: 'NO_GO', reason: 'accepted', by: 'alice', at: '2026-11-25T11:00:00.000Z' }
  api.on('GET /v1/rollouts', (_req, res) => {
    json(res, 200, { items: [{ ...summary(ID), recommendation: 'NO_GO', override }], nextCursor: null })
  })
  const r = await runCli(['ls'], env)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /GO \(override; automated NO_GO\)/)
})

t.test('wait reacts to an event at once, though it polls only every minute; GO exits 0', async t => {
  let final = false
  let stream: ServerResponse | undefined
  api.on(`GET ${R}/gate`, (_req, res) => {
    const gate = final ? { recommendation: 'GO', reason: 'final GO' } : { recommendation: 'NO_GO', reason: 'NO_GO so far' }
    json(res, final ? 200 : 409, { open: final, final, ...gate })
  })
  api.on(`GET ${R}`, (_req, res) => { json(res, 200, rollout(final ? 'decided' : 'monitoring')) })
  api.on(`GET ${R}/events`, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write(': ping\n\n')
    stream = res
  })
  const err = sink()
  const waiting = runCli(['wait', ID, '--poll', '60s'], env, { err })
  await until(() => stream !== undefined && err.text().includes('waiting'))
  t.match(err.text(), /^waiting \d+s: monitoring, 2\/6 checkpoints \(1 failed\), NO_GO so far; /)
  t.match(err.text(), /; decision 2026-11-25 10:00 UTC \(.+ ago\) · rollout 1\n$/)
  const sent = Date.now()
  final = true
  stream?.write(sse('decision.made', 9, '\r\n'))
  const r = await waiting
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'GO (final): final GO\n')
  t.ok(Date.now() - sent < 5_000, `reacted in ${Date.now() - sent} ms`)
  t.ok(api.seen.some(s => s.url === `${R}/events`), 'it listened to the events')
})

t.test('wait without an event stream polls; outages after the first look are retried; INCONCLUSIVE exits 2', async t => {
  api.on(`GET ${R}/events`, { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'no route' } })
  let looks = 0
  api.on(`GET ${R}/gate`, (_req, res) => {
    looks++
    if (looks === 1) json(res, 409, { open: false, final: false, recommendation: null, reason: 'no checkpoint has succeeded yet' })
    else if (looks <= 3) json(res, 503, { statusCode: 503, error: 'Service Unavailable', message: 'Redis is not reachable' })
    else json(res, 409, { open: false, final: true, recommendation: 'INCONCLUSIVE', reason: 'the recommendation is INCONCLUSIVE' })
  })
  const nothingYet = rollout('monitoring', { recommendation: null, progress: { ok: 0, failed: 0, total: 6 } })
  api.on(`GET ${R}`, (_req, res) => { json(res, 200, nothingYet) })
  const r = await runCli(['wait', ID, '--poll', '100ms', '--retry-for', '1m'], env)
  t.equal(r.code, 2, r.stderr)
  t.equal(r.stdout, 'INCONCLUSIVE (final): the recommendation is INCONCLUSIVE\n')
  t.match(r.stderr, /waiting \d+s: monitoring, 0\/6 checkpoints, no recommendation yet/)
  t.match(r.stderr, /waiting \d+s: Redis is not reachable; retrying for up to \d+[sm]\n/, 'the outage is on the progress line')
})

t.test('wait gives up with 3 once an outage outlasts --retry-for, or at once when the first look fails', async t => {
  let looks = 0
  api.on(`GET ${R}/gate`, (_req, res) => {
    looks++
    if (looks === 1) json(res, 409, { open: false, final: false, recommendation: null, reason: 'not yet' })
    else json(res, 502, { statusCode: 502, error: 'Bad Gateway', message: 'upstream down' })
  })
  const r = await runCli(['wait', ID, '--poll', '100ms', '--retry-for', '300ms'], env)
  t.equal(r.code, 3)
  t.match(r.stderr, /\nerror: upstream down \(HTTP 502\)\n$/)
  api.on(`GET ${R}/gate`, { status: 401, body: { statusCode: 401, error: 'Unauthorized', message: 'the bearer token is not valid' } })
  const first = await runCli(['wait', ID], env)
  t.equal(first.code, 3)
  t.equal(first.stderr, 'error: the bearer token is not valid (HTTP 401)\n')
})

t.test('wait: Ctrl-C is "not known", 3; the progress line is rewritten in place on a terminal', async t => {
  api.on(`GET ${R}/gate`, { status: 409, body: { open: false, final: false, recommendation: 'GO', reason: 'GO so far' } })
  api.on(`GET ${R}`, { body: rollout('monitoring', { recommendation: 'GO' }) })
  const stop = new AbortController()
  const err = sink(true)
  const waiting = runCli(['wait', ID, '--poll', '100ms'], env, { signal: stop.signal, err, tty: true })
  await until(() => (err.text().match(/\r/g) ?? []).length >= 3)
  stop.abort()
  const r = await waiting
  t.equal(r.code, 3)
  t.match(shown(r.stderr), /^\r<ESC>\[2Kwaiting \d+s: monitoring, 2\/6 checkpoints \(1 failed\), GO so far;/)
  t.match(r.stderr, /\nerror: interrupted: monitoring, 2\/6 checkpoints/)
})

t.test('an error page that is not the API\'s JSON still reads: the reason phrase and its first line', async t => {
  api.on('GET /v1/rollouts', (_req, res) => {
    res.writeHead(502, { 'content-type': 'text/html' }).end('\n<html><body>upstream connect error</body></html>\n')
  })
  const r = await runCli(['ls'], env)
  t.equal(r.code, 1)
  t.equal(r.stderr, 'error: Bad Gateway: <html><body>upstream connect error</body></html> (HTTP 502)\n')
})

t.test('status from /matrix: people\'s word beside the verdicts, the override, failed and pending columns', async t => {
  api.on(`GET ${R}`, { body: rollout('monitoring', { baselineHosts: ['PRDIIS01', 'PRDIIS02'] }) })
  api.on(`GET ${R}/matrix`, { body: matrixFixture() })
  api.seen.length = 0
  const r = await runCli(['status', ID, '--team', 'payments'], env)
  t.equal(r.code, 0, r.stderr)
  t.ok(api.seen.some(s => s.url === `${R}/matrix?team=payments`), '--team is passed on')
  const out = r.stdout
  t.match(out, /\nhosts new PRDIIS09 · existing PRDIIS01, PRDIIS02\n/)
  t.match(out, /\nrecommendation GO \(final\) · automated NO_GO\n/)
  t.match(out, /\ngate open: GO by override\n/)
  t.match(out, /\noverride GO by ana at 2026-11-25 15:35 \+05:30: PAY-812 is known; approved by the CAB \(automated NO_GO\)\n/)
  t.match(out, /\nAPP +OWNERS +11:00 +12:00 +13:00 +15:30 +LATEST +PEOPLE\n/, 'LATEST until the decision is recorded')
  t.match(out, /\nidentity\n {2}Auth\.Gateway v2 +P +x +W +\. +WARN +ok ana · 1 note\n/)
  t.match(out, /\npayments\n {2}Billing\.Service \* +bob@example\.com +F +x +F +\. +FAIL \(waived\) +waived bob · 2 notes\n/)
  t.match(out, /\n\(no team\)\n {2}Evil\?\[2J App +N +x +I +\. +INCONCLUSIVE +concern carl\n/,
    'control characters never reach the terminal')
  t.match(out, /\n {2}rollout +NO_GO +INC\n/)
  t.match(out, /\nBilling\.Service: waived by bob: Known 404 on \/health; fix in next release\n/)
  t.match(out, /\nEvil\?\[2J App: INCONCLUSIVE too little traffic\?\n/)
  t.notOk(out.includes(ESC))
  const json = await runCli(['status', ID, '--json'], env)
  t.same(JSON.parse(json.stdout), matrixFixture(), '--json is the API\'s matrix')
})

t.test('status --watch on a terminal redraws in place on an event, and Ctrl-C restores the cursor', async t => {
  let frame = 0
  let stream: ServerResponse | undefined
  api.on(`GET ${R}/matrix`, (_req, res) => {
    frame++
    json(res, 200, matrixFixture({ name: `frame ${frame}` }))
  })
  api.on(`GET ${R}/events`, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    stream = res
    res.write(': ping\n\n')
  })
  const stop = new AbortController()
  const out = sink(true)
  const watching = runCli(['status', ID, '--watch', '--poll', '60s'], { ...env, NO_COLOR: '1' }, { signal: stop.signal, out, tty: true })
  await until(() => stream !== undefined && out.text().includes('frame 1'))
  stream?.write(sse('note.added', 3))
  await until(() => /frame 2[\s\S]*watching: live/.test(out.text()))
  stop.abort()
  const r = await watching
  t.equal(r.code, 0)
  const screen = shown(r.stdout)
  t.match(screen, /^<ESC>\[\?25l<ESC>\[2J<ESC>\[Hframe 1 {2}/, 'hides the cursor, clears, draws from the top')
  t.match(screen, /<ESC>\[Hframe 2 {2}[\s\S]*watching: live, and re-read every 1m/)
  t.match(screen, /<ESC>\[K\n/, 'each line clears what the last frame left on it')
  t.match(screen, /\n<ESC>\[\?25h$/, 'the cursor comes back')
})

t.test('note, waive, withdraw, override, cancel: methods, encoded paths and bodies', async t => {
  const app = "O'Brien's API"
  const path = `${R}/apps/${encodeURIComponent(app)}`
  api.on(`POST ${path}/notes`, (_req, res, body) => {
    const b = body as { text: string, signOff?: string }
    const at = '2026-11-25T07:00:00.000Z'
    json(res, 201, { id: 'n1', app, text: b.text, signOff: b.signOff ?? null, by: 'ana', at, checkpointIndex: 1 })
  })
  const waiver = { app, reason: 'agent install is CHG-1', by: 'ana', at: '2026-11-25T07:00:00.000Z', fromIndex: 1 }
  api.on(`POST ${path}/waiver`, { status: 201, body: waiver })
  api.on(`DELETE ${path}/waiver`, { body: waiver })
  api.on(`POST ${R}/override`, (_req, res, body) => {
    json(res, 201, { ...(body as object), automated: 'NO_GO', by: 'ana', at: '2026-11-25T10:05:00.000Z' })
  })
  const cancellation = { at: '2026-11-25T07:00:00.000Z', by: 'ana', reason: 'rebuild' }
  api.on(`POST ${R}/cancel`, { body: rollout('cancelled', { cancellation }) })
  api.seen.length = 0

  const note = await runCli(['note', ID, app, 'Agent missing; CHG-1 installs it', '--concern'], env)
  t.equal(note.stdout, "note added to O'Brien's API by ana (sign-off: concern)\n")
  const plain = await runCli(['note', ID, app, 'just a note'], env)
  t.equal(plain.stdout, "note added to O'Brien's API by ana\n")
  const waive = await runCli(['waive', ID, app, 'agent install is CHG-1'], env)
  t.equal(waive.stdout, "O'Brien's API waived by ana: agent install is CHG-1\n")
  const withdraw = await runCli(['waive', ID, app, '--withdraw'], env)
  t.equal(withdraw.stdout, "waiver of O'Brien's API withdrawn (it was given by ana: agent install is CHG-1)\n")
  const override = await runCli(['override', ID, 'GO', 'approved by the CAB'], env)
  t.equal(override.stdout, 'override GO recorded by ana (automated NO_GO)\n')
  const cancel = await runCli(['cancel', ID], env)
  t.equal(cancel.stdout, `cancelled ${ID} "rollout 1" by ana\n`)
  t.same(api.seen.map(s => [s.method, s.url, s.body]), [
    ['POST', `${R}/apps/O'Brien's%20API/notes`, { text: 'Agent missing; CHG-1 installs it', signOff: 'concern' }],
    ['POST', `${R}/apps/O'Brien's%20API/notes`, { text: 'just a note' }],
    ['POST', `${R}/apps/O'Brien's%20API/waiver`, { reason: 'agent install is CHG-1' }],
    ['DELETE', `${R}/apps/O'Brien's%20API/waiver`, undefined],
    ['POST', `${R}/override`, { recommendation: 'GO', reason: 'approved by the CAB' }],
    ['POST', `${R}/cancel`, {}]
  ])
  t.same(api.seen.map(s => s.authorization), Array(6).fill('Bearer tok-1'))

  const json2 = await runCli(['waive', ID, app, 'x', '--json'], env)
  t.same(JSON.parse(json2.stdout), waiver)
  const noReason = await runCli(['waive', ID, app], env)
  t.equal(noReason.code, 1)
  t.equal(noReason.stderr, 'error: a waiver needs a reason (or use --withdraw)\n')
  const both = await runCli(['waive', ID, app, 'why', '--withdraw'], env)
  t.equal(both.code, 1)
  t.equal(both.stderr, 'error: --withdraw takes no reason\n')
})
