/** gonogo analyze against the real service on the bundled scenario; colour only where it belongs. */
import t from 'tap'
import { ESC, gonogo, startService, paint } from './helpers.ts'

const service = await startService('cli-analyze')
t.teardown(service.close)
const env = { GONOGO_URL: service.url }

const ARGS = ['analyze', '--apps', "RESTAPI,Billing.Service,Customer Portal,O'Brien's API", '--canary', 'prdiis09',
  '--from', '2026-11-25T10:00:00+05:30', '--until', '2026-11-25T15:30:00+05:30']

t.test('prints the recommendation, its reasons and a row per app; exit 0 even for NO_GO', async t => {
  const r = await gonogo(ARGS, env)
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stderr, '')
  const lines = r.stdout.split('\n')
  t.match(lines[0], /^NO_GO {2}4 apps over 2026-11-25T04:30:00\.000Z → 2026-11-25T10:00:00\.000Z: 1 PASS, 2 FAIL, 1 NO_DATA$/)
  t.match(r.stdout, /\n {2}- 1 app NO_DATA: O'Brien's API \(no data from PRDIIS09\)\n/)
  t.match(r.stdout, /\nAPP +VERDICT +WHY\n/)
  t.match(r.stdout, /\nBilling\.Service +FAIL +error rate 2\.9% on PRDIIS09 vs 0\.98% on 4 existing hosts/)
  t.match(r.stdout, /\nO'Brien's API +NO_DATA +no data from PRDIIS09/)
  t.match(r.stdout, /\nRESTAPI +PASS/)
  t.notOk(r.stdout.includes(ESC), 'no colour on a pipe')
})

t.test('--json prints the API\'s answer', async t => {
  const r = await gonogo([...ARGS, '--json'], env)
  t.equal(r.code, 0, r.stderr)
  const body = JSON.parse(r.stdout)
  t.equal(body.recommendation, 'NO_GO')
  t.same(body.apps.map((a: { app: string }) => a.app).sort(), ['Billing.Service', 'Customer Portal', "O'Brien's API", 'RESTAPI'])
  t.same(body.window, { from: '2026-11-25T04:30:00.000Z', until: '2026-11-25T10:00:00.000Z' })
})

t.test('colour: FORCE_COLOR turns it on for a pipe, NO_COLOR and --no-color win', async t => {
  const forced = await gonogo(ARGS, { ...env, FORCE_COLOR: '1' })
  t.ok(forced.stdout.includes(paint('1;31', 'NO_GO')), 'NO_GO in bold red')
  t.ok(forced.stdout.includes(paint('35', 'NO_DATA')), 'NO_DATA in magenta')
  const none = await gonogo(ARGS, { ...env, FORCE_COLOR: '1', NO_COLOR: '1' })
  t.notOk(none.stdout.includes(ESC))
  const flag = await gonogo([...ARGS, '--no-color'], { ...env, FORCE_COLOR: '1' })
  t.notOk(flag.stdout.includes(ESC))
  t.equal(none.stdout, flag.stdout)
})

t.test('relative times, repeated --apps, --baseline and --account reach the API', async t => {
  const r = await gonogo(['analyze', '--apps', 'RESTAPI', '--apps', 'Orders API', '--canary', 'PRDIIS09', '--baseline', 'PRDIIS01,PRDIIS02',
    '--account', '3300001', '--from', 'now-2h', '--until', 'now-1h', '--json'], env)
  t.equal(r.code, 0, r.stderr)
  const body = JSON.parse(r.stdout)
  t.same(body.apps.map((a: { app: string }) => a.app), ['RESTAPI', 'Orders API'])
  const span = Date.parse(body.window.until) - Date.parse(body.window.from)
  t.equal(span, 3_600_000, 'now-2h to now-1h is one hour')
})

t.test('the API refusing: error: <message> (HTTP 400), exit 1', async t => {
  const r = await gonogo(['analyze', '--apps', 'RESTAPI', '--canary', 'PRDIIS09', '--from', 'now', '--until', 'now-1h'], env)
  t.equal(r.code, 1)
  t.match(r.stderr, /^error: .+ \(HTTP 400\)\n$/)
  t.equal(r.stdout, '')
  const account = await gonogo(['analyze', '--apps', 'RESTAPI', '--canary', 'H', '--from', 'now-1h', '--until', 'now',
    '--account', '0'], env)
  t.equal(account.code, 1)
  t.match(account.stderr, /'--account <id>' argument '0' is invalid\. expected a whole number from 1/)
})
