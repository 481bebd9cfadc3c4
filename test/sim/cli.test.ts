import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { gql } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CLI = 'src/sim/cli.ts'
const POOL = 'src/sim/scenarios/pool-add.json'

interface Run {
  child: ChildProcess
  firstLine: Promise<string>
  exit: Promise<{ code: number | null, signal: string | null }>
  stderr: () => string
}

/** Spawns in its own process group so that npx, tsx and node all end together. */
function run (cmd: string, args: string[]): Run {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  let err = ''
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child.on('exit', () => reject(new Error(`exited before printing a line; stderr: ${err}`)))
  })
  firstLine.catch(() => {})
  const exit = new Promise<{ code: number | null, signal: string | null }>(resolve => {
    child.on('exit', (code, signal) => resolve({ code, signal }))
  })
  return { child, firstLine, exit, stderr: () => err }
}

function stopGroup (r: Run, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (r.child.pid !== undefined && r.child.exitCode === null) {
    try {
      process.kill(-r.child.pid, signal)
    } catch {}
  }
}

t.test('npx tsx src/sim/cli.ts serves the bundled scenario and prints its URL first', async t => {
  const r = run('npx', ['tsx', CLI, '--scenario', POOL, '--port', '0'])
  t.teardown(() => stopGroup(r, 'SIGKILL'))
  const url = await r.firstLine
  t.match(url, /^http:\/\/127\.0\.0\.1:\d+\/graphql$/)
  const { status, body } = await gql(url,
    "{ actor { account(id: 3300001) { nrql(query: \"SELECT count(*) FROM Transaction WHERE appName = 'O\\\\'Brien\\\\'s API' " +
    "FACET host SINCE '2026-11-25 04:30:00' UNTIL '2026-11-25 10:00:00'\") { results } } } }")
  t.equal(status, 200)
  t.same(body.data.actor.account.nrql.results.map((x: any) => x.host).sort(), ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04'],
    'the agent is missing on PRDIIS09')
  stopGroup(r)
  const { code, signal } = await r.exit
  t.ok(code === 0 || signal === 'SIGTERM', `stopped (code ${code}, signal ${signal})`)
})

t.test('SIGINT and SIGTERM close cleanly; flags set faults and the key', async t => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const r = run(process.execPath, [
      '--import', 'tsx', CLI, '--scenario', POOL, '--api-key', 'K', '--rate-503', '1', '--retry-after', '3', '--latency-ms', '1'
    ])
    t.teardown(() => stopGroup(r, 'SIGKILL'))
    const url = await r.firstLine
    t.equal((await gql(url, '{ actor { user { id } } }', undefined, 'K')).status, 503, '--rate-503 1')
    const faults = (await (await fetch(url.replace('/graphql', '/admin/faults'))).json()) as any
    t.same(faults, { latencyMs: 1, retryAfterSeconds: 3, rate503: 1 })
    await fetch(url.replace('/graphql', '/admin/faults'), { method: 'PUT', body: '{}' })
    t.equal((await gql(url, '{ actor { user { id } } }', undefined, 'nope')).status, 401, '--api-key enforced')
    r.child.kill(sig)
    t.same(await r.exit, { code: 0, signal: null }, `${sig}: exit code 0`)
    t.match(r.stderr(), new RegExp(`${sig}, closing`))
  }
})

t.test('bad flags and invalid scenarios exit non-zero with a message', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
  const bad = join(dir, 'bad.json')
  writeFileSync(bad, JSON.stringify({
    name: 'x',
    accountId: 1,
    seed: 1,
    from: '2025-01-01T00:00:00Z',
    until: '2025-01-02T00:00:00Z',
    apps: [{ name: 'a', throughputRpm: 10, latency: { medianMs: 10, sigma: -1 }, hosts: [{ name: 'h' }] }]
  }))
  const cases: Array<[string[], RegExp]> = [
    [[], /--scenario FILE is required/],
    [['--scenario', POOL, '--port', 'abc'], /--port must be a number/],
    [['--scenario', POOL, '--rate-429', '2'], /rate429 must be a number between 0 and 1/],
    [['--scenario', POOL, '--bogus'], /Unknown option '--bogus'/],
    [['--scenario', POOL, '--script', 'ok,explode'], /script must be/],
    [['--scenario', POOL, '--max-concurrent', '2.5'], /--max-concurrent must be an integer/],
    [['--scenario', POOL, '--cost-per-million-events-ms', 'x'], /--cost-per-million-events-ms must be a number/],
    [['--scenario', bad], /apps\[0\]\.latency\.sigma must be a number >= 0/],
    [['--scenario', join(dir, 'missing.json')], /cannot read/]
  ]
  for (const [args, message] of cases) {
    const r = run(process.execPath, ['--import', 'tsx', CLI, ...args])
    t.teardown(() => stopGroup(r, 'SIGKILL'))
    const { code } = await r.exit
    t.not(code, 0, `${args.join(' ')}: non-zero exit`)
    t.match(r.stderr(), message, `${args.join(' ')}: ${r.stderr().split('\n')[0]}`)
  }
})

t.test('limit flags set the limits; --help describes every flag', async t => {
  const r = run(process.execPath, ['--import', 'tsx', CLI, '--scenario', POOL, '--max-concurrent', '3', '--max-nrql-per-minute', '100',
    '--cost-per-million-events-ms', '250', '--cost-per-query-ms', '5', '--limit-retry-after', '2'])
  t.teardown(() => stopGroup(r, 'SIGKILL'))
  const url = await r.firstLine
  const limits = (await (await fetch(url.replace('/graphql', '/admin/limits'))).json()) as any
  t.same(limits, { maxConcurrent: 3, maxNrqlPerMinute: 100, costPerMillionEventsMs: 250, costPerQueryMs: 5, retryAfterSeconds: 2 })
  stopGroup(r)
  await r.exit

  const help = run(process.execPath, ['--import', 'tsx', CLI, '--help'])
  let out = ''
  help.child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  t.equal((await help.exit).code, 0)
  const flags = [
    '--max-concurrent', '--max-nrql-per-minute', '--cost-per-million-events-ms', '--cost-per-query-ms', '--limit-retry-after', '--rate-429'
  ]
  for (const flag of flags) {
    t.match(out, new RegExp(`\\n +${flag} `), `--help describes ${flag}`)
  }
})
