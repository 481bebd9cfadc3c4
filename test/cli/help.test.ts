/** --help everywhere, usage errors, and the exit code 3 when the service cannot be reached. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { runCli } from './fake-api.ts'
import { deadUrl, gonogo } from './helpers.ts'

/** Most of these run in this process (a child each would take a second on a loaded machine); the first and last spawn one. */
const inProcess = async (args: string[]): Promise<{ code: number, stdout: string, stderr: string }> => await runCli(args, {})

const COMMANDS: Array<[string[], RegExp[]]> = [
  [['analyze'], [/--apps <names>/, /--canary <hosts>/, /--baseline <hosts>/, /--from <time>/, /--until <time>/, /--account <id>/]],
  [['rollout', 'create'], [/-f, --file <path>/, /--idempotency-key/, /-q, --quiet/, /name: PRDIIS09 joins the IIS pool/]],
  [['ls'], [/--state <state>/, /scheduled/, /--limit <n>/]],
  [['status'], [/<id>/, /--team <team>/, /-w, --watch/, /--poll <duration>/]],
  [['wait'], [/<id>/, /--timeout <duration>/, /--poll <duration>/, /--retry-for/, /0 GO, 1 NO_GO, 2 INCONCLUSIVE, 3/]],
  [['note'], [/<id> <app> <text>/, /--ok/, /--concern/]],
  [['waive'], [/<id> <app> \[reason\]/, /--withdraw/]],
  [['cancel'], [/<id>/, /--reason <text>/]],
  [['override'], [/<id> <recommendation> <reason>/, /GO/]]
]

t.test('gonogo --help lists every command, the environment and the exit codes', async t => {
  const r = await gonogo(['--help'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /^Usage: gonogo \[options\] \[command\]/)
  for (const name of ['analyze', 'rollout', 'ls', 'status', 'wait', 'note', 'waive', 'cancel', 'override']) {
    t.match(r.stdout, new RegExp(`\\n  ${name}\\b`), name)
  }
  t.match(r.stdout, /GONOGO_URL/)
  t.match(r.stdout, /GONOGO_TOKEN/)
  t.match(r.stdout, /NO_COLOR/)
  t.match(r.stdout, /--json/)
  t.equal(r.stderr, '')
})

for (const [cmd, patterns] of COMMANDS) {
  t.test(`gonogo ${cmd.join(' ')} --help`, async t => {
    const r = await inProcess([...cmd, '--help'])
    t.equal(r.code, 0, r.stderr)
    t.match(r.stdout, new RegExp(`^Usage: gonogo ${cmd.join(' ')}[| ]`))
    for (const p of patterns) t.match(r.stdout, p)
    t.match(r.stdout, /Global Options:[\s\S]*--url <url>[\s\S]*--token <token>[\s\S]*--json/, 'the global options too')
  })
}

t.test('gonogo rollout --help and gonogo help wait', async t => {
  const r = await inProcess(['rollout', '--help'])
  t.equal(r.code, 0)
  t.match(r.stdout, /create \[options\]/)
  const h = await inProcess(['help', 'wait'])
  t.equal(h.code, 0)
  t.match(h.stdout, /^Usage: gonogo wait/)
})

t.test('--version is the package version', async t => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  const r = await gonogo(['--version'])
  t.equal(r.code, 0)
  t.equal(r.stdout.trim(), pkg.version)
})

t.test('usage errors: a message, a hint, exit 1; for wait exit 3 (never the code of NO_GO)', async t => {
  const unknown = await gonogo(['deploy'])
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /error: unknown command 'deploy'/)
  const missing = await inProcess(['analyze', '--apps', 'RESTAPI'])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /error: required option '--canary <hosts>' not specified/)
  t.match(missing.stderr, /add --help for usage/)
  const badTime = await inProcess(['analyze', '--apps', 'A', '--canary', 'H', '--from', '2026-11-25T10:00:00', '--until', 'now'])
  t.equal(badTime.code, 1)
  t.match(badTime.stderr, /'--from <time>' argument '2026-11-25T10:00:00' is invalid\. expected an ISO-8601 time with its offset/)
  const badState = await inProcess(['ls', '--state', 'done'])
  t.equal(badState.code, 1)
  t.match(badState.stderr, /Allowed choices are scheduled, monitoring, decided, cancelled/)
  const both = await inProcess(['note', 'X', 'A', 'text', '--ok', '--concern'])
  t.equal(both.code, 1)
  t.match(both.stderr, /'--ok' cannot be used with option '--concern'/)
  const rec = await inProcess(['override', 'X', 'MAYBE', 'why'])
  t.equal(rec.code, 1)
  t.match(rec.stderr, /Allowed choices are GO, NO_GO, INCONCLUSIVE/)
  const waitNoId = await gonogo(['wait'])
  t.equal(waitNoId.code, 3)
  t.match(waitNoId.stderr, /error: missing required argument 'id'/)
  const waitBadTimeout = await inProcess(['wait', 'X', '--timeout', 'soon'])
  t.equal(waitBadTimeout.code, 3)
  t.match(waitBadTimeout.stderr, /expected a duration such as 8h/)
})

t.test('an unreachable service: error: cannot reach ... and exit 3', async t => {
  const url = await deadUrl()
  for (const args of [['ls'], ['status', '01M8REC11S4F2QFPRSDAAYXZ01'], ['wait', '01M8REC11S4F2QFPRSDAAYXZ01'],
    ['cancel', '01M8REC11S4F2QFPRSDAAYXZ01'], ['ls', '--json']]) {
    const r = await gonogo(args, { GONOGO_URL: url })
    t.equal(r.code, 3, `${args.join(' ')}: ${r.stderr}`)
    t.equal(r.stderr, `error: cannot reach ${url} (ECONNREFUSED)\n`, args.join(' '))
    t.equal(r.stdout, '', 'nothing on stdout')
  }
  const flag = await gonogo(['--url', url, 'ls'], { GONOGO_URL: 'http://127.0.0.1:1' })
  t.equal(flag.code, 3)
  t.match(flag.stderr, url, '--url wins over GONOGO_URL')
})

t.test('a GONOGO_URL that is not a URL, a file that cannot be read', async t => {
  const r = await gonogo(['ls'], { GONOGO_URL: 'not a url' })
  t.equal(r.code, 1)
  t.equal(r.stderr, 'error: GONOGO_URL is not a URL: "not a url"\n')
  const f = await gonogo(['rollout', 'create', '-f', 'no/such/rollout.yaml'], { GONOGO_URL: await deadUrl() })
  t.equal(f.code, 1)
  t.equal(f.stderr, 'error: cannot read no/such/rollout.yaml: ENOENT\n')
  const bad = await gonogo(['rollout', 'create', '-f', '-'], { GONOGO_URL: await deadUrl() }, 'name: [unclosed\n')
  t.equal(bad.code, 1)
  t.match(bad.stderr, /^error: - is not valid YAML: /)
  const list = await gonogo(['rollout', 'create', '-f', '-'], { GONOGO_URL: await deadUrl() }, '- a\n- b\n')
  t.equal(list.code, 1)
  t.match(list.stderr, /must hold one rollout: an object/)
})
