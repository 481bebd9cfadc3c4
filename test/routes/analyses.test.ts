import { readFileSync } from 'node:fs'
import t from 'tap'
import { buildTestApp, POOL_ADD } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('analyses')
const scenario = JSON.parse(readFileSync(POOL_ADD, 'utf8')) as { accountId: number, apps: Array<{ name: string }> }
const allApps = scenario.apps.map(a => a.name)
const window = { from: '2026-11-25T04:30:00Z', until: '2026-11-25T10:00:00Z' }

// A short timeout keeps the hanging-New-Relic case quick; a warm simulator keeps the first
// real query well inside it on a loaded CI machine.
const test = await buildTestApp({ prefix, role: 'api', accountId: scenario.accountId, warm: true, env: { NERDGRAPH_TIMEOUT_MS: '5000', GONOGO_MAX_APPS: '20' } })
t.teardown(async () => {
  await test.close()
  await cleanPrefix(prefix)
})
const { app, sim } = test

async function analyse (body: Record<string, unknown>) {
  return await app.inject({ method: 'POST', url: '/v1/analyses', payload: body })
}

interface AppResultLike { app: string, verdict: string, reasons: string[], metrics: Array<{ metric: string, status: string, detail: string }> }

t.test('the bundled scenario: regressions FAIL with reasons, the silent agent is NO_DATA, clean apps are not blamed', async (t) => {
  // The canary is typed in lower case: the agent reports PRDIIS09.
  const res = await analyse({ apps: allApps, canaryHosts: ['prdiis09'], ...window })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { recommendation: string, reasons: string[], apps: AppResultLike[], window: { from: string, until: string } }
  t.equal(body.recommendation, 'NO_GO')
  t.equal(body.window.from, '2026-11-25T04:30:00.000Z')
  const byName = new Map(body.apps.map(a => [a.app, a]))
  t.same(body.apps.map(a => a.app), allApps, 'apps in the order asked')

  const metric = (app: string, name: string) => byName.get(app)?.metrics.find(m => m.metric === name)
  t.equal(byName.get('Billing.Service')?.verdict, 'FAIL')
  t.equal(metric('Billing.Service', 'errorRate')?.status, 'FAIL')
  t.match(metric('Billing.Service', 'errorRate')?.detail, /error rate .* on PRDIIS09 vs .* on 4 existing hosts \(x\d/)
  t.equal(byName.get('Customer Portal')?.verdict, 'FAIL')
  t.equal(metric('Customer Portal', 'latency')?.status, 'FAIL')
  t.match(metric('Customer Portal', 'latency')?.detail, /p95 .* on PRDIIS09 vs/)
  t.equal(metric('Auth.Gateway v2', 'newErrors')?.status, 'FAIL')
  t.match(metric('Auth.Gateway v2', 'newErrors')?.detail, /System\.IO\.DirectoryNotFoundException/)
  t.equal(byName.get("O'Brien's API")?.verdict, 'NO_DATA')
  t.match(body.reasons.join('\n'), /O'Brien's API \(no data from PRDIIS09\)/)
  t.match(byName.get("O'Brien's API")?.reasons[0], /^no data from PRDIIS09 while/)
  t.notMatch(res.body, /prdiis09/, 'hosts named as New Relic reports them in every reason, detail and host list')

  const flagged = new Set(['Billing.Service', 'Customer Portal', 'Auth.Gateway v2', "O'Brien's API"])
  for (const a of body.apps) {
    if (flagged.has(a.app)) continue
    t.ok(['PASS', 'INCONCLUSIVE'].includes(a.verdict), `${a.app} is ${a.verdict}: ${a.reasons.join('; ')}`)
    t.notOk(a.metrics.some(m => m.status === 'FAIL'), `${a.app} has no FAIL`)
  }
  // 5 of the 8 clean apps: the low-traffic ones stay INCONCLUSIVE until the confidence sequence rules out x1.75.
  t.ok(body.apps.filter(a => a.verdict === 'PASS').length >= 5, 'most clean apps PASS')
})

t.test('the clean apps alone are GO', async (t) => {
  const res = await analyse({ apps: ['RESTAPI', 'Search Service', 'Orders API'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(res.statusCode, 200, res.body)
  t.equal(res.json().recommendation, 'GO')
})

t.test('an app nobody reports is never PASS', async (t) => {
  const res = await analyse({ apps: ['RESTAPI', 'No Such App'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(res.statusCode, 200, res.body)
  const missing = (res.json().apps as AppResultLike[]).find(a => a.app === 'No Such App')
  t.ok(missing !== undefined && missing.verdict !== 'PASS', `verdict ${missing?.verdict}`)
  t.equal(missing?.verdict, 'INCONCLUSIVE')
  t.match(missing?.reasons.join(' '), /no transactions from any host/)
})

t.test('a critical app with too little traffic makes the call INCONCLUSIVE', async (t) => {
  const res = await analyse({
    apps: ['RESTAPI', { name: 'Payroll.Export', critical: true }],
    canaryHosts: ['PRDIIS09'],
    from: '2026-11-25T04:30:00Z',
    until: '2026-11-25T05:00:00Z'
  })
  t.equal(res.statusCode, 200, res.body)
  const body = res.json() as { recommendation: string, apps: AppResultLike[] }
  t.equal(body.apps[1].verdict, 'INCONCLUSIVE')
  t.equal(body.recommendation, 'INCONCLUSIVE')
})

t.test('bad bodies get 400 naming the field', async (t) => {
  const ok = { apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], ...window }
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['unknown field', { ...ok, canary: ['x'] }, /unknown field "canary"/],
    ['missing apps', { canaryHosts: ['PRDIIS09'], ...window }, /apps/],
    ['empty apps', { ...ok, apps: [] }, /body\.apps/],
    ['empty canaryHosts', { ...ok, canaryHosts: [] }, /body\.canaryHosts/],
    ['until before from', { ...ok, from: window.until, until: window.from }, /body\.until must be after body\.from/],
    ['not a time', { ...ok, from: 'yesterday' }, /body\.from/],
    ['before New Relic existed', { ...ok, from: '1969-12-31T23:00:00Z', until: '1970-01-01T01:00:00Z' }, /body\.from "1969-12-31T23:00:00Z" is outside 2000-2199/],
    ['a lone surrogate', { ...ok, apps: ['\ud800'] }, /body\.apps\.0 name is not well-formed Unicode/],
    ['a lone surrogate host', { ...ok, canaryHosts: ['a\udc00'] }, /body\.canaryHosts\.0 is not well-formed Unicode/],
    ['a zero weight', { ...ok, thresholds: { throughput: { canaryWeight: 1e-300 } } }, /body\.thresholds\.throughput\.canaryWeight/],
    ['wrong type', { ...ok, apps: 'RESTAPI' }, /body\.apps/],
    ['too many apps', { ...ok, apps: Array.from({ length: 21 }, (_, i) => `app ${i}`) }, /at most 20/],
    ['a huge string', { ...ok, apps: ['x'.repeat(5000)] }, /body\.apps\.0/],
    ['a control character', { ...ok, apps: ['RESTAPI\n'] }, /body\.apps\.0/],
    ['duplicate apps', { ...ok, apps: ['RESTAPI', 'RESTAPI'] }, /listed twice/],
    ['canary also baseline', { ...ok, baselineHosts: ['prdiis09'] }, /also a canary host/],
    ['duplicate hosts', { ...ok, canaryHosts: ['PRDIIS09', 'prdiis09'] }, /case-insensitively/],
    ['window too long', { ...ok, from: '2026-11-01T00:00:00Z' }, /GONOGO_MAX_WINDOW_HOURS/],
    ['a second too long', { ...ok, from: '2026-11-22T09:59:59Z' }, /is 72\.0003 hours; at most 72 are allowed/],
    ['future window', { ...ok, from: new Date(Date.now() - 3_600_000).toISOString(), until: new Date(Date.now() + 86_400_000).toISOString() }, /future/],
    ['bad threshold', { ...ok, thresholds: { errorRate: { ratio: 0.5 } } }, /body\.thresholds\.errorRate\.ratio/],
    ['bad policy', { ...ok, policy: { inconclusiveOn: 'sometimes' } }, /body\.policy\.inconclusiveOn/],
    ['unknown app field', { ...ok, apps: [{ name: 'RESTAPI', tier: 1 }] }, /unknown field "tier"/]
  ]
  for (const [name, body, message] of cases) {
    const res = await analyse(body)
    t.equal(res.statusCode, 400, `${name}: ${res.body}`)
    t.match(res.json(), { statusCode: 400, error: 'Bad Request', message }, name)
  }
  const notJson = await app.inject({ method: 'POST', url: '/v1/analyses', headers: { 'content-type': 'application/json' }, payload: '{"apps": [' })
  t.equal(notJson.statusCode, 400)
})

t.test('New Relic failures are 502/504 with the cause', async (t) => {
  t.teardown(() => sim.setFaults({}))
  sim.setFaults({ rate500: 1 })
  const down = await analyse({ apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(down.statusCode, 502, down.body)
  t.match(down.json().message, /New Relic could not be read/)
  t.notMatch(down.json().message, /SELECT|FROM Transaction|hosts\.window/, 'no NRQL nor internal query names for the caller')

  sim.setFaults({ rateHang: 1 })
  const slow = await analyse({ apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(slow.statusCode, 504, slow.body)
  t.match(slow.json().message, /did not answer in time/)

  sim.setFaults({})
  const wrongAccount = await analyse({ accountId: 999, apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], ...window })
  t.equal(wrongAccount.statusCode, 400, 'an account the caller named and the key cannot read is the caller\'s to fix')
  t.equal(wrongAccount.json().message, 'body.accountId: New Relic account 999 cannot be read with the configured API key; use an account the key has access to')
})

t.test('an analysis answers 504 at GONOGO_ANALYSIS_TIMEOUT_MS however long New Relic hangs', async (t) => {
  const quick = await buildTestApp({ prefix, role: 'api', sim, accountId: scenario.accountId, env: { GONOGO_ANALYSIS_TIMEOUT_MS: '1500', NERDGRAPH_TIMEOUT_MS: '30000' } })
  t.teardown(async () => { sim.setFaults({}); await quick.close() })
  sim.setFaults({ latencyMs: 5000 })
  const started = Date.now()
  const res = await quick.app.inject({ method: 'POST', url: '/v1/analyses', payload: { apps: ['RESTAPI'], canaryHosts: ['PRDIIS09'], ...window } })
  t.equal(res.statusCode, 504, res.body)
  t.match(res.json().message, /^the analysis took longer than 1\.5 s \(GONOGO_ANALYSIS_TIMEOUT_MS\)/)
  t.ok(Date.now() - started < 4000, `answered in ${Date.now() - started} ms`)
  t.match((await quick.app.inject('/metrics')).body, /gonogo_checkpoints_total\{kind="analysis",outcome="failed"\} 1/, 'a failed analysis is counted')
})

t.test('requests refused before routing or parsing keep the error shape and say why', async (t) => {
  const long = await app.inject(`/v1/rollouts/${'A'.repeat(600)}`)
  t.equal(long.statusCode, 414)
  t.same(long.json(), { statusCode: 414, error: 'URI Too Long', message: 'a path parameter is too long (rollout ids are 26 characters)' })
  const text = await app.inject({ method: 'POST', url: '/v1/analyses', headers: { 'content-type': 'text/plain' }, payload: 'hello' })
  t.equal(text.statusCode, 415)
  t.match(text.json(), { statusCode: 415, error: 'Unsupported Media Type', message: /content-type text\/plain is not accepted: send JSON/ })
})

t.test('health, readiness, metrics and unknown routes', async (t) => {
  t.same((await app.inject('/healthz')).json(), { status: 'ok' })
  // An API-only process with no worker on its prefix: Redis answers, readiness says no worker runs.
  t.match((await app.inject('/readyz')).json(), { status: 'unavailable', redis: 'PONG', workers: { alive: 0 } })
  const metrics = await app.inject('/metrics')
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /gonogo_nerdgraph_requests_total/)
  t.match(metrics.body, /gonogo_checkpoints_total\{kind="analysis",outcome="ok"\}/)
  const missing = await app.inject('/v1/nothing')
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { statusCode: 404, error: 'Not Found', message: /no route GET \/v1\/nothing/ })
  const wrongMethod = await app.inject({ method: 'DELETE', url: '/v1/rollouts' })
  t.equal(wrongMethod.statusCode, 405)
  t.equal(wrongMethod.headers.allow, 'GET, POST')
  t.same(wrongMethod.json(), { statusCode: 405, error: 'Method Not Allowed', message: 'DELETE is not allowed on /v1/rollouts; use GET or POST' })
  t.equal((await app.inject('/v1/analyses')).statusCode, 405, 'GET on a POST-only route')
})

t.test('a browser dashboard on another origin may read the API', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://dashboard.example.com' } })
  t.equal(res.headers['access-control-allow-origin'], '*')
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: '/v1/analyses',
    headers: { origin: 'https://dashboard.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' }
  })
  t.equal(preflight.statusCode, 204)
  t.match(String(preflight.headers['access-control-allow-headers']), /authorization/)
})
