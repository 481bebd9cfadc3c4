/**
 * rollout create -f, wait, ls, status (and --watch), cancel against the real service, with
 * bearer tokens: the README's rollout over a past window is decided by catch-up within seconds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { ESC, gonogo, README_ROLLOUT_YAML, start, startService, window, paint } from './helpers.ts'

const TOKEN = 'tok-ci-0123456789abcdef'
const service = await startService('cli-rollout', { tokens: `ci:${TOKEN}` })
t.teardown(service.close)
const env = { GONOGO_URL: service.url, GONOGO_TOKEN: TOKEN }
const dir = mkdtempSync(join(tmpdir(), 'gonogo-cli-'))
const yamlFile = join(dir, 'rollout.yaml')
writeFileSync(yamlFile, README_ROLLOUT_YAML)

/** A rollout in the future (never due during the test), as JSON. */
function futureFile (name: string): string {
  const file = join(dir, `${name}.json`)
  const apps = ['RESTAPI', { name: 'Payroll.Export', team: 'finance' }]
  writeFileSync(file, JSON.stringify({ name, apps, canaryHosts: ['PRDIIS09'], ...window(60, 120) }))
  return file
}

t.test('no token or a bad one: the API\'s message, HTTP 401, exit 1', async t => {
  const none = await gonogo(['rollout', 'create', '-f', yamlFile], { GONOGO_URL: service.url })
  t.equal(none.code, 1)
  t.equal(none.stderr, 'error: this route needs an "Authorization: Bearer <token>" header (HTTP 401)\n')
  const bad = await gonogo(['rollout', 'create', '-f', yamlFile, '--token', 'not-the-token'], env)
  t.equal(bad.code, 1)
  t.equal(bad.stderr, 'error: the bearer token is not valid (HTTP 401)\n', '--token wins over GONOGO_TOKEN')
  t.equal(bad.stdout, '')
})

let id = ''
t.test('rollout create -f rollout.yaml: the id, the window in its timezone, the plan', async t => {
  const r = await gonogo(['rollout', 'create', '-f', yamlFile], env)
  t.equal(r.code, 0, r.stderr)
  const m = /^created ([0-9A-Z]{26}) "PRDIIS09 joins the IIS pool" \((scheduled|monitoring)\)\n/.exec(r.stdout)
  t.ok(m, r.stdout)
  id = m?.[1] ?? ''
  t.match(r.stdout, /window 2026-11-25 10:00 \+05:30 → 2026-11-25 15:30 \+05:30 \(Asia\/Kolkata\), /)
  t.match(r.stdout, /\(Asia\/Kolkata\), 5 checkpoints every PT1H then the decision\n/)
  t.match(r.stdout, /12 apps; new PRDIIS09; existing every other host reporting each app/)
  t.match(r.stdout, new RegExp(`next: gonogo status ${id} --watch {3}or {3}gonogo wait ${id}`))
})

t.test('wait on it: NO_GO, exit 1', async t => {
  const started = Date.now()
  const r = await gonogo(['wait', id, '--poll', '1s', '--timeout', '2m'], env)
  t.equal(r.code, 1, r.stderr)
  t.equal(r.stdout, 'NO_GO (final): the recommendation is NO_GO\n')
  t.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`)
  const json = await gonogo(['wait', id, '--json'], env)
  t.equal(json.code, 1)
  const body = JSON.parse(json.stdout)
  t.equal(body.recommendation, 'NO_GO')
  t.equal(body.final, true)
})

t.test('-q prints the id alone, --json the API\'s rollout; JSON files and standard input work', async t => {
  const q = await gonogo(['rollout', 'create', '-f', futureFile('quiet'), '-q'], env)
  t.equal(q.code, 0, q.stderr)
  t.match(q.stdout, /^[0-9A-Z]{26}\n$/)
  const stdin = README_ROLLOUT_YAML.replace('PRDIIS09 joins', 'Read from stdin, PRDIIS09 joins')
  const j = await gonogo(['rollout', 'create', '-f', '-', '--json'], env, stdin)
  t.equal(j.code, 0, j.stderr)
  const body = JSON.parse(j.stdout)
  t.equal(body.name, 'Read from stdin, PRDIIS09 joins the IIS pool')
  t.equal(body.plan.length, 6)
  t.same(body.apps.at(-1), { name: 'Payroll.Export', team: 'finance', owners: ['ana@example.com'] })
  const idem = futureFile('idem')
  const again = await gonogo(['rollout', 'create', '-f', idem, '--idempotency-key', 'k-1', '-q'], env)
  const twice = await gonogo(['rollout', 'create', '-f', idem, '--idempotency-key', 'k-1', '-q'], env)
  t.equal(twice.code, 0, twice.stderr)
  t.equal(again.stdout, twice.stdout, 'the same Idempotency-Key creates one rollout')
  const invalid = await gonogo(['rollout', 'create', '-f', '-'], env, 'name: x\napps: []\n')
  t.equal(invalid.code, 1)
  t.match(invalid.stderr, /^error: .*(canaryHosts|apps).* \(HTTP 400\)\n$/)
})

t.test('ls: newest first with state, recommendation and progress; --state; --json', async t => {
  const r = await gonogo(['ls'], env)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /^ID +STATE +RECOMMENDATION +DONE +DECISION AT +NAME\n/)
  t.match(r.stdout, new RegExp(`\\n${id} +decided +NO_GO +6/6 +2026-11-25 15:30 \\+05:30 +PRDIIS09 joins the IIS pool\\n`))
  const scheduled = await gonogo(['ls', '--state', 'scheduled'], env)
  t.notMatch(scheduled.stdout, id)
  t.match(scheduled.stdout, /\n[0-9A-Z]{26} +scheduled +- +0\/1 +\d{4}-\d\d-\d\d \d\d:\d\d UTC +quiet\n/)
  const none = await gonogo(['ls', '--state', 'cancelled'], env)
  t.equal(none.stdout, 'no rollouts cancelled\n')
  const json = await gonogo(['ls', '--json', '--limit', '2'], env)
  const page = JSON.parse(json.stdout)
  t.equal(page.items.length, 2)
  t.type(page.nextCursor, 'string', 'more to come: the API\'s nextCursor')
  const limited = await gonogo(['ls', '--limit', '1'], env)
  t.match(limited.stdout, /\(more: --limit 2\)\n$/)
})

t.test('status: apps by team x checkpoints, the decision, the gate, the hosts', async t => {
  const r = await gonogo(['status', id], env)
  t.equal(r.code, 0, r.stderr)
  const out = r.stdout
  t.match(out, new RegExp(`^PRDIIS09 joins the IIS pool  ${id}\\n`))
  t.match(out, /\nstate decided · window 2026-11-25 10:00 \+05:30 → 2026-11-25 15:30 \+05:30 \(Asia\/Kolkata\)\n/)
  t.match(out, /\nhosts new PRDIIS09 · existing every other host reporting each app\n/)
  t.match(out, /\nrecommendation NO_GO \(final\)\n/)
  t.match(out, /\ngate closed: the recommendation is NO_GO\n/)
  t.match(out, /\nAPP +OWNERS +11:00 +12:00 +13:00 +14:00 +15:00 +15:30 +DECISION +PEOPLE\n/)
  t.match(out, /\nfinance\n {2}Payroll\.Export +ana@example\.com +(I|P) .*\n\(no team\)\n/, 'teams first, with owners')
  t.match(out, /\n {2}O'Brien's API +N +N +N +N +N +N +NO_DATA\n/, 'a letter per checkpoint, the decision as a word')
  t.match(out, /\n {2}Billing\.Service +F +F +F +F +F +F +FAIL\n/)
  t.match(out, /\n {2}RESTAPI +P +P +P +P +P +P +PASS\n/)
  t.match(out, /\n {2}rollout +NO_GO +NO_GO +NO_GO +NO_GO +NO_GO +NO_GO\n/)
  t.match(out, /\nBilling\.Service: FAIL error rate x3\.0\n/, 'why each app that is not PASS is not, in short')
  t.match(out, /\nP PASS {2}W WARN {2}F FAIL {2}N NO_DATA {2}I INCONCLUSIVE \(INC\)/, 'a legend')
  t.notOk(out.includes(ESC))

  const team = await gonogo(['status', id, '--team', 'finance'], env)
  t.equal(team.code, 0, team.stderr)
  t.match(team.stdout, /Payroll\.Export/)
  t.notMatch(team.stdout, /RESTAPI|Billing\.Service +F/)

  const json = await gonogo(['status', id, '--json'], env)
  const matrix = JSON.parse(json.stdout)
  t.equal(matrix.rolloutId, id)
  t.equal(matrix.apps.length, 12)
  t.same(matrix.plan.map((p: { kind: string }) => p.kind), [...Array(5).fill('checkpoint'), 'decision'])
  t.same(matrix.apps.find((a: { app: string }) => a.app === "O'Brien's API").verdicts, Array(6).fill('NO_DATA'))
  t.same(matrix.gate, { open: false, final: true, recommendation: 'NO_GO', reason: 'the recommendation is NO_GO' })

  const colour = await gonogo(['status', id], { ...env, FORCE_COLOR: '1' })
  t.ok(colour.stdout.includes(paint('1;31', 'F')), 'F in bold red')
  t.ok(colour.stdout.includes(paint('32', 'P')), 'P in green')
})

t.test('wait with a short --timeout on a future rollout: exit 3 with what it was waiting for', async t => {
  const future = (await gonogo(['rollout', 'create', '-f', futureFile('later'), '-q'], env)).stdout.trim()
  const started = Date.now()
  const r = await gonogo(['wait', future, '--timeout', '2s'], env)
  t.equal(r.code, 3)
  t.ok(Date.now() - started < 30_000)
  t.equal(r.stdout, '')
  t.match(r.stderr, /^waiting \d+s: scheduled, 0\/1 checkpoints, no recommendation yet; decision .* \(in 1h 59m\) · later\n/)
  t.match(r.stderr, /\nerror: timed out after 2s: scheduled, 0\/1 checkpoints/)
})

t.test('status --watch redraws on a change; wait ends 3 when the rollout is cancelled; cancel says by whom', async t => {
  const future = (await gonogo(['rollout', 'create', '-f', futureFile('to-cancel'), '-q'], env)).stdout.trim()
  const watching = start(['status', future, '--watch', '--poll', '1s'], env)
  const waiting = start(['wait', future, '--poll', '1s'], env)
  t.teardown(() => { watching.child.kill('SIGKILL'); waiting.child.kill('SIGKILL') })
  await watching.until(/state scheduled/)
  const c = await gonogo(['cancel', future, '--reason', 'PRDIIS09 is being rebuilt'], env)
  t.equal(c.code, 0, c.stderr)
  t.equal(c.stdout, `cancelled ${future} "to-cancel" by ci\n`)
  const w = await waiting.exit
  t.equal(w.code, 3)
  t.match(w.stderr, new RegExp(`error: rollout ${future} was cancelled by ci: PRDIIS09 is being rebuilt\\n$`))
  const out = await watching.until(/state cancelled/)
  t.match(out, /state scheduled[\s\S]*\n\nto-cancel {2}[0-9A-Z]{26}\nstate cancelled/, 'a new frame below the first')
  t.match(out, /gate closed: the rollout was cancelled/)
  watching.child.kill('SIGINT')
  const end = await watching.exit
  t.equal(end.code, 0, 'Ctrl-C ends the watch cleanly')
  const again = await gonogo(['cancel', future], env)
  t.equal(again.code, 1)
  t.match(again.stderr, /\(HTTP 409\)\n$/)
})

t.test('a rollout that does not exist: 404 in words', async t => {
  for (const args of [['status', '01M8REC11S4F2QFPRSDAAYXZ01'], ['wait', '01M8REC11S4F2QFPRSDAAYXZ01']]) {
    const r = await gonogo(args, env)
    t.equal(r.code, args[0] === 'wait' ? 3 : 1)
    t.equal(r.stderr, 'error: no rollout with id 01M8REC11S4F2QFPRSDAAYXZ01 (HTTP 404)\n')
  }
})
