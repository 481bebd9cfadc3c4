/**
 * People's word through the CLI on the real service (the live scenario, so a rollout can be
 * running): notes and sign-offs, waivers and their withdrawal, the override after the decision,
 * status showing them beside the verdicts, and wait and status --watch reacting to the events
 * while they poll only once a minute.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { gonogo, start, startService } from './helpers.ts'

const LIVE = new URL('../../src/sim/scenarios/pool-add-live.json', import.meta.url).pathname
const TOKEN = 'tok-ci-people-0123456789'
const service = await startService('cli-people', { tokens: `ci:${TOKEN}`, scenario: LIVE, accountId: 3300002 })
t.teardown(service.close)
const env = { GONOGO_URL: service.url, GONOGO_TOKEN: TOKEN }
const dir = mkdtempSync(join(tmpdir(), 'gonogo-cli-people-'))

/** A rollout on the live scenario (PRDIIS09 joined two hours ago; Billing.Service errs three times as much there). */
async function create (name: string, decisionInMinutes: number): Promise<string> {
  const now = Date.now()
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({
    name,
    apps: ['Billing.Service', 'RESTAPI', "O'Brien's API", { name: 'Auth.Gateway v2', team: 'identity', owners: ['Deepthi'] }],
    canaryHosts: ['PRDIIS09'],
    startAt: new Date(now - 2 * 3_600_000 + 60_000).toISOString(),
    decisionAt: new Date(now + decisionInMinutes * 60_000).toISOString(),
    checkpointEvery: 'PT30M'
  }))
  const r = await gonogo(['rollout', 'create', '-f', file, '-q'], env)
  if (r.code !== 0) throw new Error(r.stderr)
  return r.stdout.trim()
}

/** Polls the matrix until the first `n` plan entries are recorded. */
async function recorded (id: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const m = await (await fetch(`${service.url}/v1/rollouts/${id}/matrix`)).json() as { plan: Array<{ status: string }> }
    if (m.plan.slice(0, n).every(p => p.status === 'ok')) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`rollout ${id}: ${n} checkpoints not recorded in time`)
}

const live = await create('live', 60)
await recorded(live, 3)

t.test('note and sign-off: what was recorded, by the token\'s name', async t => {
  const concern = await gonogo(['note', live, "O'Brien's API", 'Agent missing on PRDIIS09; CHG-1 installs it', '--concern'], env)
  t.equal(concern.code, 0, concern.stderr)
  t.equal(concern.stdout, "note added to O'Brien's API by ci (sign-off: concern)\n")
  const ok = await gonogo(['note', live, 'Auth.Gateway v2', 'Works fine. Tested along with Okta authentication', '--ok', '--json'], env)
  t.equal(ok.code, 0, ok.stderr)
  t.match(JSON.parse(ok.stdout), { app: 'Auth.Gateway v2', signOff: 'ok', by: 'ci', text: /^Works fine\. Tested along with Okta/ })
  const nope = await gonogo(['note', live, 'Nope', 'x'], env)
  t.equal(nope.code, 1)
  t.equal(nope.stderr, `error: rollout ${live} has no app "Nope" (HTTP 404)\n`)
})

t.test('waive, see it beside the verdict, withdraw it', async t => {
  const w = await gonogo(['waive', live, 'Billing.Service', 'Known 404 on /health; fix in next release'], env)
  t.equal(w.code, 0, w.stderr)
  t.equal(w.stdout, 'Billing.Service waived by ci: Known 404 on /health; fix in next release\n')
  const s = await gonogo(['status', live], env)
  t.equal(s.code, 0, s.stderr)
  t.match(s.stdout, /\nstate monitoring · /)
  t.match(s.stdout, /\n {2}Billing\.Service( +[PWFNI])+( +\.)+ +FAIL \(waived\) +waived ci\n/, 'the verdict stays, the waiver beside it')
  t.match(s.stdout, /\n {2}O'Brien's API .*concern ci · 1 note\n/)
  t.match(s.stdout, /\nidentity\n {2}Auth\.Gateway v2 +Deepthi .*ok ci · 1 note\n/)
  t.match(s.stdout, /\nBilling\.Service: waived by ci: Known 404 on \/health; fix in next release\n/)
  t.match(s.stdout, /\nAPP +OWNERS( +\d\d:\d\d)+ +LATEST +PEOPLE\n/, 'LATEST until the decision')
  const json = JSON.parse((await gonogo(['status', live, '--json'], env)).stdout)
  t.match(json.apps.find((a: { app: string }) => a.app === 'Billing.Service').waiver, { by: 'ci', reason: /Known 404/ })
  t.equal(json.automated, 'NO_GO')

  const back = await gonogo(['waive', live, 'Billing.Service', '--withdraw'], env)
  t.equal(back.code, 0, back.stderr)
  t.equal(back.stdout, 'waiver of Billing.Service withdrawn (it was given by ci: Known 404 on /health; fix in next release)\n')
  const none = await gonogo(['waive', live, 'Billing.Service', '--withdraw'], env)
  t.equal(none.code, 1)
  t.equal(none.stderr, `error: app "Billing.Service" of rollout ${live} has no waiver (HTTP 404)\n`)
  const early = await gonogo(['override', live, 'GO', 'too early'], env)
  t.equal(early.code, 1)
  t.match(early.stderr, /\(HTTP 409\)\n$/, 'no override before the decision')
})

t.test('status --watch redraws on a note at once, though it polls once a minute', async t => {
  const watching = start(['status', live, '--watch', '--poll', '60s'], env)
  t.teardown(() => { watching.child.kill('SIGKILL') })
  await watching.until(/O'Brien's API .*concern ci · 1 note\n/)
  const sent = Date.now()
  t.equal((await gonogo(['note', live, "O'Brien's API", 'CHG-1 is done'], env)).code, 0)
  await watching.until(/O'Brien's API .*concern ci · 2 notes\n/, 30_000)
  t.ok(Date.now() - sent < 30_000, `redrawn ${Date.now() - sent} ms after the note`)
  watching.child.kill('SIGINT')
  t.equal((await watching.exit).code, 0)
})

t.test('wait hears the cancellation at once, though it polls once a minute', async t => {
  const waiting = start(['wait', live, '--poll', '60s'], env)
  t.teardown(() => { waiting.child.kill('SIGKILL') })
  while (!waiting.stderr().includes('waiting')) await new Promise(resolve => setTimeout(resolve, 50))
  const sent = Date.now()
  t.equal((await gonogo(['cancel', live, '--reason', 'done with the test'], env)).code, 0)
  const r = await waiting.exit
  t.equal(r.code, 3)
  t.ok(Date.now() - sent < 30_000, `ended ${Date.now() - sent} ms after the cancel`)
  t.match(r.stderr, new RegExp(`error: rollout ${live} was cancelled by ci: done with the test\\n$`))
})

t.test('the override after the decision: the gate follows it, wait exits by it, status shows both calls', async t => {
  const decided = await create('decided', -1)
  const automated = await gonogo(['wait', decided, '--poll', '1s', '--timeout', '2m'], env)
  t.equal(automated.code, 1, automated.stderr)
  t.equal(automated.stdout, 'NO_GO (final): the recommendation is NO_GO\n')
  const o = await gonogo(['override', decided, 'GO', 'Billing errors are the known ticket PAY-812; approved by the CAB'], env)
  t.equal(o.code, 0, o.stderr)
  t.equal(o.stdout, 'override GO recorded by ci (automated NO_GO)\n')
  const after = await gonogo(['wait', decided], env)
  t.equal(after.code, 0, after.stderr)
  t.match(after.stdout, /^GO \(final\): /)
  const s = await gonogo(['status', decided], env)
  t.match(s.stdout, /\nrecommendation GO \(final\) · automated NO_GO\n/)
  t.match(s.stdout, /\ngate open: /)
  t.match(s.stdout, /\noverride GO by ci at .*: Billing errors are the known ticket PAY-812; approved by the CAB \(automated NO_GO\)\n/)
  t.match(s.stdout, /\nAPP +OWNERS( +\d\d:\d\d)+ +DECISION +PEOPLE\n/)
})
