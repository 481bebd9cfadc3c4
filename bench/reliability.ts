/**
 * Fault injection, the review's scenarios of issue 13, as figures:
 *   npx tsx bench/reliability.ts [--rollouts 8] [--apps 8] [--only free,faults30,faults100,hangs,kill9,redis]
 *
 * The NerdGraph simulator runs in this process (its faults are switched per run); gonogo runs as
 * real processes (`node --import tsx src/server.ts`, one api and one or two GONOGO_ROLE=worker),
 * as in bench/limits.ts. Each run creates the same rollouts over past windows (they run by
 * catch-up at once), waits until every one is decided and compares each rollout's decision and
 * app verdicts with the fault-free run: the same, or INCONCLUSIVE, never a GO the free run did
 * not give. Then it reads every rollout's checkpoints: each plan entry recorded once.
 *   free       no faults (the reference)
 *   faults30   30% of NerdGraph requests answered 500, 503 or an NRQL TIMEOUT (10% each)
 *   faults100  every request answered 500: every decision must be INCONCLUSIVE
 *   hangs      30% of requests never answered: time to the decisions, bounded by the timeouts
 *   kill9      two workers, one killed with SIGKILL twice while checkpoints are running
 *   redis      a private redis-server (AOF, a spare port; never the shared one) killed with
 *              SIGKILL and started again on the same files twice while checkpoints are running
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { startSimulator, type Faults, type Scenario, type ScenarioApp, type SimulatorHandle } from '../src/sim/index.ts'

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '8' },
    apps: { type: 'string', default: '8' },
    only: { type: 'string', default: 'free,faults30,faults100,hangs,kill9,redis' }
  }
})
const N_ROLLOUTS = Number(values.rollouts)
const N_APPS = Number(values.apps)
const ONLY = new Set(values.only.split(','))
const ROOT = new URL('..', import.meta.url).pathname
const SHARED_REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const KEY = 'bench-key'
const ACCOUNT = 3300041
const HOUR = 3_600_000
const CANARIES = ['PRDIIS09', 'PRDIIS10', 'PRDIIS11', 'PRDIIS12']
const NERDGRAPH_TIMEOUT_MS = 2000
const NERDGRAPH_MAX_RETRIES = 2
const CHECKPOINT_ATTEMPTS = 4
const CHECKPOINT_BACKOFF_MS = 500

const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000
const iso = (ms: number): string => new Date(ms).toISOString()
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const now = minute(Date.now())
const joined = now - 8 * HOUR

/** Four regressions, each on one canary, so rollouts of different canaries decide differently. */
function scenario (): Scenario {
  const hosts = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, ...CANARIES.map(name => ({ name, joins: iso(joined) }))]
  const apps: ScenarioApp[] = Array.from({ length: N_APPS }, (_, i) => {
    const app: ScenarioApp = {
      name: `Rel.App${String(i + 1).padStart(2, '0')}`,
      throughputRpm: 120 + 40 * i,
      latency: { medianMs: 110 + 10 * i, sigma: 0.5 },
      errorRate: 0.005 + 0.001 * (i % 4),
      errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
      hosts
    }
    if (i === 1) app.effects = [{ host: 'PRDIIS09', from: iso(joined), errorRateMultiplier: 3 }]
    if (i === 3) app.effects = [{ host: 'PRDIIS10', from: iso(joined), latencyMultiplier: 1.6 }]
    if (i === 5) app.effects = [{ host: 'PRDIIS11', from: iso(joined), reporting: false }]
    return app
  })
  return { name: 'bench-reliability', accountId: ACCOUNT, seed: 41, from: iso(now - 16 * HOUR), until: iso(now + HOUR), apps }
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => { resolve(port) })
    })
    s.on('error', reject)
  })
}

const children = new Set<ChildProcess>()
function stopAll (): void { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL') }
process.on('exit', stopAll)

function startGonogo (role: 'api' | 'worker', port: number, env: Record<string, string>): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT, env: { ...process.env, ...env, GONOGO_ROLE: role, PORT: String(port) }, stdio: ['ignore', 'ignore', 'ignore']
  })
  children.add(proc)
  proc.once('exit', () => children.delete(proc))
  return proc
}

async function exited (p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return
  await new Promise(resolve => p.once('exit', resolve))
}

async function waitReady (port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return
    } catch {}
    await sleep(100)
  }
  throw new Error(`gonogo on ${port} not ready`)
}

/** A redis-server of this benchmark's own, with AOF, on a spare port: killing it disturbs nobody else. */
class PrivateRedis {
  readonly port: number
  readonly dir = mkdtempSync(join(tmpdir(), 'gonogo-bench-redis-'))
  #proc: ChildProcess | undefined
  constructor (port: number) { this.port = port }
  get url (): string { return `redis://127.0.0.1:${this.port}` }

  async start (): Promise<void> {
    this.#proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes',
      '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' })
    children.add(this.#proc)
    for (let i = 0; i < 100; i++) {
      if (spawnSync('redis-cli', ['-p', String(this.port), 'ping']).stdout?.toString().includes('PONG') === true) return
      await sleep(100)
    }
    throw new Error('private redis-server did not start')
  }

  async kill (): Promise<void> {
    const p = this.#proc
    if (p === undefined) return
    p.kill('SIGKILL')
    await exited(p)
  }

  async close (): Promise<void> {
    await this.kill()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

interface Outcome {
  recommendation: string
  verdicts: Map<string, string>
  /** Plan entries, and checkpoint records read back (each plan index once when they are equal). */
  planned: number
  recorded: number
  duplicates: number
  failed: number
  attempts: number
  decidedAfterMs: number
}

interface RunResult {
  label: string
  seconds: number
  outcomes: Outcome[]
  faulted: number
  requests: number
  events: string[]
}

interface RunOptions {
  label: string
  faults: Faults
  workers: number
  /** REDIS_URL; the shared Redis with a fresh prefix by default. */
  redis?: PrivateRedis
  /** What to do to the fleet while it works (kill a worker, restart Redis). */
  disturb?: (fleet: Fleet) => Promise<string[]>
}

interface Fleet {
  env: Record<string, string>
  workers: ChildProcess[]
  workerPorts: number[]
  api: number
}

async function run (sim: SimulatorHandle, opts: RunOptions): Promise<RunResult> {
  sim.setFaults(opts.faults)
  const prefix = `gonogo-bench-rel-${Date.now().toString(36)}`
  const env = {
    NEW_RELIC_API_KEY: KEY,
    NEW_RELIC_ACCOUNT_ID: String(ACCOUNT),
    NERDGRAPH_URL: sim.url,
    REDIS_URL: opts.redis?.url ?? SHARED_REDIS,
    GONOGO_REDIS_PREFIX: prefix,
    GONOGO_CHECKPOINT_LAG_SECONDS: '0',
    GONOGO_PREFLIGHT_MS: '0',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_WORKER_CONCURRENCY: '4',
    GONOGO_CHECKPOINT_ATTEMPTS: String(CHECKPOINT_ATTEMPTS),
    GONOGO_CHECKPOINT_BACKOFF_MS: String(CHECKPOINT_BACKOFF_MS),
    NERDGRAPH_TIMEOUT_MS: String(NERDGRAPH_TIMEOUT_MS),
    NERDGRAPH_MAX_RETRIES: String(NERDGRAPH_MAX_RETRIES),
    LOG_LEVEL: 'silent'
  }
  const api = await freePort()
  const apiProc = startGonogo('api', api, env)
  const fleet: Fleet = { env, workers: [], workerPorts: [], api }
  for (let i = 0; i < opts.workers; i++) {
    const port = await freePort()
    fleet.workerPorts.push(port)
    fleet.workers.push(startGonogo('worker', port, env))
  }
  await Promise.all([api, ...fleet.workerPorts].map(waitReady))
  await fetch(`${sim.baseUrl}/admin/stats`, { method: 'DELETE' })

  const started = Date.now()
  const ids: string[] = []
  for (let i = 0; i < N_ROLLOUTS; i++) {
    const end = now - (1 + (i % 3)) * HOUR
    const res = await fetch(`http://127.0.0.1:${api}/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `reliability ${i}`,
        apps: Array.from({ length: N_APPS }, (_, a) => `Rel.App${String(a + 1).padStart(2, '0')}`),
        canaryHosts: [CANARIES[i % CANARIES.length]],
        baselineHosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03'],
        startAt: iso(end - 3 * HOUR),
        decisionAt: iso(end),
        checkpointEvery: 'PT1H'
      })
    })
    if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${await res.text()}`)
    ids.push((await res.json() as { id: string }).id)
  }
  const disturbing = opts.disturb?.(fleet) ?? Promise.resolve([])

  const decidedAt = new Map<string, number>()
  while (decidedAt.size < ids.length) {
    for (const id of ids) {
      if (decidedAt.has(id)) continue
      try {
        const r = await (await fetch(`http://127.0.0.1:${api}/v1/rollouts/${id}`)).json() as { state?: string }
        if (r.state === 'decided') decidedAt.set(id, Date.now() - started)
      } catch {}
    }
    if (Date.now() - started > 20 * 60_000) throw new Error(`${opts.label}: ${decidedAt.size} of ${ids.length} decided after 20 min`)
    await sleep(250)
  }
  const seconds = (Date.now() - started) / 1000
  const events = await disturbing

  const outcomes: Outcome[] = []
  for (const id of ids) {
    const rollout = await (await fetch(`http://127.0.0.1:${api}/v1/rollouts/${id}`)).json() as { plan: unknown[], recommendation: string }
    const page = await (await fetch(`http://127.0.0.1:${api}/v1/rollouts/${id}/checkpoints?limit=200`)).json() as {
      items: Array<{ index: number, status: string, attempts: number, result: { apps: Array<{ app: string, verdict: string }> } | null }>
    }
    const indexes = page.items.map(c => c.index)
    const decision = page.items[page.items.length - 1]
    outcomes.push({
      recommendation: rollout.recommendation,
      verdicts: new Map((decision?.result?.apps ?? []).map(a => [a.app, a.verdict])),
      planned: rollout.plan.length,
      recorded: page.items.length,
      duplicates: indexes.length - new Set(indexes).size,
      failed: page.items.filter(c => c.status === 'failed').length,
      attempts: page.items.reduce((a, c) => a + c.attempts, 0),
      decidedAfterMs: decidedAt.get(id) ?? 0
    })
  }
  const stats = await (await fetch(`${sim.baseUrl}/admin/stats`)).json() as { requests: number, faulted: number }

  for (const p of [apiProc, ...fleet.workers]) if (p.exitCode === null) p.kill('SIGTERM')
  await Promise.all([apiProc, ...fleet.workers].map(exited))
  const redis = new Redis(env.REDIS_URL)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  await redis.quit()
  return { label: opts.label, seconds, outcomes, faulted: stats.faulted, requests: stats.requests, events }
}

/** Waits until a checkpoint is being worked on (the simulator has requests in hand), then `act`. */
async function whenBusy (sim: SimulatorHandle, minRequests: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const stats = await (await fetch(`${sim.baseUrl}/admin/stats`)).json() as { requests: number }
    if (stats.requests >= minRequests) return
    await sleep(50)
  }
}

const killWorker = (sim: SimulatorHandle) => async (fleet: Fleet): Promise<string[]> => {
  const events: string[] = []
  for (const round of [1, 2]) {
    await whenBusy(sim, round * 20)
    const victim = fleet.workers[0]
    victim.kill('SIGKILL')
    await exited(victim)
    events.push(`worker killed (SIGKILL) after ${round * 20} NerdGraph requests`)
    const port = await freePort()
    fleet.workers[0] = startGonogo('worker', port, fleet.env)
    await waitReady(port)
  }
  return events
}

const restartRedis = (sim: SimulatorHandle, redis: PrivateRedis) => async (): Promise<string[]> => {
  const events: string[] = []
  for (const round of [1, 2]) {
    await whenBusy(sim, round * 20)
    await redis.kill()
    const down = Date.now()
    await sleep(1500)
    await redis.start()
    events.push(`redis killed (SIGKILL) after ${round * 20} requests, back after ${((Date.now() - down) / 1000).toFixed(1)} s`)
  }
  return events
}

interface Comparison { same: number, inconclusive: number, wrong: number, wrongGo: number, verdictsSame: number, verdictsTotal: number }

/** Each decision against the reference: the same, INCONCLUSIVE instead, or wrong (a GO the reference did not give is the worst). */
function compare (ref: RunResult, r: RunResult): Comparison {
  const c: Comparison = { same: 0, inconclusive: 0, wrong: 0, wrongGo: 0, verdictsSame: 0, verdictsTotal: 0 }
  for (const [i, o] of r.outcomes.entries()) {
    const want = ref.outcomes[i]
    if (o.recommendation === want.recommendation) c.same++
    else if (o.recommendation === 'INCONCLUSIVE') c.inconclusive++
    else {
      c.wrong++
      if (o.recommendation === 'GO') c.wrongGo++
    }
    for (const [app, verdict] of want.verdicts) {
      c.verdictsTotal++
      if (o.verdicts.get(app) === verdict) c.verdictsSame++
    }
  }
  return c
}

const sim = await startSimulator({ scenario: scenario(), port: 0, apiKey: KEY, warm: true })
await sim.warmed()
const results: RunResult[] = []
let privateRedis: PrivateRedis | undefined
try {
  const reference = await run(sim, { label: 'free', faults: {}, workers: 1 })
  results.push(reference)
  if (ONLY.has('faults30')) {
    results.push(await run(sim, { label: 'faults30', faults: { rate500: 0.1, rate503: 0.1, rateNrqlTimeout: 0.1 }, workers: 1 }))
  }
  if (ONLY.has('faults100')) results.push(await run(sim, { label: 'faults100', faults: { rate500: 1 }, workers: 1 }))
  if (ONLY.has('hangs')) results.push(await run(sim, { label: 'hangs', faults: { rateHang: 0.3 }, workers: 1 }))
  // A little latency so a SIGKILL lands while checkpoints are in hand, not between them.
  if (ONLY.has('kill9')) results.push(await run(sim, { label: 'kill9', faults: { latencyMs: 150 }, workers: 2, disturb: killWorker(sim) }))
  if (ONLY.has('redis')) {
    privateRedis = new PrivateRedis(await freePort())
    await privateRedis.start()
    results.push(await run(sim, {
      label: 'redis', faults: { latencyMs: 150 }, workers: 1, redis: privateRedis, disturb: restartRedis(sim, privateRedis)
    }))
  }
} finally {
  await privateRedis?.close()
  await sim.close()
  stopAll()
}

const ref = results[0]
console.log(`\n${N_ROLLOUTS} rollouts x ${N_APPS} apps (3 hourly checkpoints each, the last the decision), ` +
  `NERDGRAPH_TIMEOUT_MS ${NERDGRAPH_TIMEOUT_MS}, NERDGRAPH_MAX_RETRIES ${NERDGRAPH_MAX_RETRIES}, ` +
  `GONOGO_CHECKPOINT_ATTEMPTS ${CHECKPOINT_ATTEMPTS}, backoff ${CHECKPOINT_BACKOFF_MS} ms\n`)
console.log('| run | seconds | slowest decision s | NerdGraph requests (faulted) | decisions same / INCONCLUSIVE / wrong (GO) | ' +
  'app verdicts same | checkpoints planned / recorded / duplicates / failed | attempts |')
console.log('|---|---|---|---|---|---|---|---|')
for (const r of results) {
  const c = compare(ref, r)
  const sum = (f: (o: Outcome) => number): number => r.outcomes.reduce((a, o) => a + f(o), 0)
  console.log(`| ${r.label} | ${r.seconds.toFixed(1)} | ${(Math.max(...r.outcomes.map(o => o.decidedAfterMs)) / 1000).toFixed(1)} | ` +
    `${r.requests} (${r.faulted}) | ${c.same} / ${c.inconclusive} / ${c.wrong} (${c.wrongGo}) | ` +
    `${c.verdictsSame} of ${c.verdictsTotal} | ` +
    `${sum(o => o.planned)} / ${sum(o => o.recorded)} / ${sum(o => o.duplicates)} / ${sum(o => o.failed)} | ${sum(o => o.attempts)} |`)
}
const tally = new Map<string, number>()
for (const o of ref.outcomes) tally.set(o.recommendation, (tally.get(o.recommendation) ?? 0) + 1)
console.log(`\nreference decisions: ${[...tally].map(([k, v]) => `${v} ${k}`).join(', ')}`)
for (const r of results) for (const e of r.events) console.log(`${r.label}: ${e}`)
const bad = results.filter(r => compare(ref, r).wrong > 0 || r.outcomes.some(o => o.duplicates > 0 || o.recorded !== o.planned))
if (bad.length > 0) {
  console.log(`\nNOT OK: ${bad.map(r => r.label).join(', ')}`)
  process.exitCode = 1
}
