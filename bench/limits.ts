/**
 * New Relic's limits honoured by a fleet of gonogo processes:
 *   npx tsx bench/limits.ts [--rollouts 50] [--apps 20] [--workers 3] [--cost-ms 1000] [--skip-free] [--unshared]
 *     [--max-concurrent 25] [--nrql-per-minute 3000]   (the simulator's limits, and the budget's)
 *
 * Spawns the NerdGraph simulator (the CLI, on a generated scenario), then 3 GONOGO_ROLE=worker
 * processes and an api (each `node --import tsx src/server.ts`), creates 50 rollouts of 20 apps
 * over past windows (so they run by catch-up, all at once), waits until every one is decided and
 * prints the simulator's GET /admin/stats. Twice: against a simulator without limits (the
 * verdicts to match), then one started with --max-concurrent 25 --max-nrql-per-minute 3000
 * (New Relic's limits); `rejected` must stay 0 and every verdict must be the same.
 * Every query takes --cost-ms of simulated time (as New Relic's take a while), so requests overlap and
 * the fleet's 3 x NERDGRAPH_CONCURRENCY (36) could exceed 25 in flight. --unshared adds a third run
 * with NERDGRAPH_SHARED_BUDGET=false, each process pacing only itself.
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Scenario, ScenarioApp } from '../src/sim/index.ts'
import { dropPrefix, freePort, startGonogo, startSim, stop, stopAll, waitReady } from './fleet.ts'

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string', default: '50' },
    apps: { type: 'string', default: '20' },
    workers: { type: 'string', default: '3' },
    'cost-ms': { type: 'string', default: '1000' },
    'max-concurrent': { type: 'string', default: '25' },
    'nrql-per-minute': { type: 'string', default: '3000' },
    'skip-free': { type: 'boolean', default: false },
    unshared: { type: 'boolean', default: false }
  }
})
const N_ROLLOUTS = Number(values.rollouts)
const N_APPS = Number(values.apps)
const N_WORKERS = Number(values.workers)
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const KEY = 'bench-key'
const ACCOUNT = 3300031
const HOUR = 3_600_000
const CANARIES = ['PRDIIS09', 'PRDIIS10', 'PRDIIS11', 'PRDIIS12', 'PRDIIS13']

const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000
const iso = (ms: number): string => new Date(ms).toISOString()
const now = minute(Date.now())
/** Every canary joins 8 h ago; rollouts judge 3 h windows that end 1 to 5 h ago. */
const joined = now - 8 * HOUR

function scenario (): Scenario {
  const hosts = [
    { name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS04' },
    ...CANARIES.map(name => ({ name, joins: iso(joined) }))
  ]
  const apps: ScenarioApp[] = Array.from({ length: N_APPS }, (_, i) => {
    const app: ScenarioApp = {
      name: `Bench.App${String(i + 1).padStart(2, '0')}`,
      throughputRpm: 90 + 45 * i,
      latency: { medianMs: 120 + 10 * i, sigma: 0.5 },
      errorRate: 0.005 + 0.001 * (i % 5),
      errors: { 'System.Net.WebException': 0.6, 'System.TimeoutException': 0.4 },
      hosts
    }
    // A few regressions, each on one canary, so the verdicts differ between rollouts.
    if (i === 3) app.effects = [{ host: 'PRDIIS09', from: iso(joined), errorRateMultiplier: 3 }]
    if (i === 7) app.effects = [{ host: 'PRDIIS10', from: iso(joined), latencyMultiplier: 1.5 }]
    if (i === 11) app.effects = [{ host: 'PRDIIS11', from: iso(joined), reporting: false }]
    if (i === 15) app.effects = [{ host: 'PRDIIS12', from: iso(joined), newErrors: { 'System.IO.IOException': 0.004 } }]
    return app
  })
  return { name: 'bench-limits', accountId: ACCOUNT, seed: 31, from: iso(now - 16 * HOUR), until: iso(now + HOUR), apps }
}

interface RunResult {
  label: string
  seconds: number
  stats: Record<string, unknown>
  verdicts: Map<string, string>
  recommendations: Map<string, string>
}

async function run (label: string, limits: string[], shared: boolean, file: string): Promise<RunResult> {
  const sim = await startSim(file, KEY, limits)
  const prefix = `gonogo-bench-limits-${Date.now().toString(36)}`
  const env = {
    NEW_RELIC_API_KEY: KEY,
    NEW_RELIC_ACCOUNT_ID: String(ACCOUNT),
    NERDGRAPH_URL: sim.url,
    REDIS_URL,
    GONOGO_REDIS_PREFIX: prefix,
    GONOGO_CHECKPOINT_LAG_SECONDS: '0',
    GONOGO_PREFLIGHT_MS: '0',
    GONOGO_MIN_CHECKPOINT_SECONDS: '60',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_WORKER_CONCURRENCY: '8',
    NERDGRAPH_CONCURRENCY: '12',
    NERDGRAPH_TIMEOUT_MS: '120000',
    NERDGRAPH_SHARED_BUDGET: shared ? 'true' : 'false',
    NEW_RELIC_MAX_CONCURRENT: String(Number(values['max-concurrent'])),
    NEW_RELIC_NRQL_PER_MINUTE: String(Number(values['nrql-per-minute'])),
    LOG_LEVEL: 'error'
  }
  const apiPort = await freePort()
  const procs = [startGonogo('api', apiPort, env)]
  const workerPorts: number[] = []
  for (let i = 0; i < N_WORKERS; i++) {
    const port = await freePort()
    workerPorts.push(port)
    procs.push(startGonogo('worker', port, env))
  }
  await Promise.all([apiPort, ...workerPorts].map(waitReady))
  await fetch(`${sim.base}/admin/stats`, { method: 'DELETE' })

  const started = Date.now()
  const ids: string[] = []
  await Promise.all(Array.from({ length: N_ROLLOUTS }, async (_, i) => {
    const end = now - (1 + (i % 5)) * HOUR
    const res = await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `bench rollout ${i}`,
        apps: Array.from({ length: N_APPS }, (_, a) => `Bench.App${String(a + 1).padStart(2, '0')}`),
        canaryHosts: [CANARIES[i % CANARIES.length]],
        baselineHosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04'],
        startAt: iso(end - 3 * HOUR),
        decisionAt: iso(end),
        checkpointEvery: 'PT1H'
      })
    })
    if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${await res.text()}`)
    ids[i] = (await res.json() as { id: string }).id
  }))

  const verdicts = new Map<string, string>()
  const recommendations = new Map<string, string>()
  for (;;) {
    const page = await (await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts?state=decided&limit=100`)).json() as { items: unknown[] }
    if (page.items.length >= N_ROLLOUTS) break
    if (Date.now() - started > 30 * 60_000) throw new Error(`${label}: only ${page.items.length} decided after 30 min`)
    await new Promise(resolve => setTimeout(resolve, 1000))
  }
  const seconds = (Date.now() - started) / 1000
  for (const [i, id] of ids.entries()) {
    const rec = await (await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts/${id}/recommendation`)).json() as {
      result: { recommendation: string, apps: Array<{ app: string, verdict: string }> } | null
    }
    recommendations.set(`rollout ${i}`, rec.result?.recommendation ?? 'none')
    for (const a of rec.result?.apps ?? []) verdicts.set(`rollout ${i} ${a.app}`, a.verdict)
  }
  const checkpoints = await Promise.all(ids.map(async id =>
    (await (await fetch(`http://127.0.0.1:${apiPort}/v1/rollouts/${id}`)).json() as { progress: { ok: number, failed: number } }).progress))
  const stats = await (await fetch(`${sim.base}/admin/stats`)).json() as Record<string, unknown>
  stats.checkpointsOk = checkpoints.reduce((a, p) => a + p.ok, 0)
  stats.checkpointsFailed = checkpoints.reduce((a, p) => a + p.failed, 0)

  await stop(procs)
  sim.proc.kill('SIGTERM')
  await dropPrefix(REDIS_URL, prefix)
  return { label, seconds, stats, verdicts, recommendations }
}

const file = join(tmpdir(), `gonogo-bench-limits-${process.pid}.json`)
writeFileSync(file, JSON.stringify(scenario()))
const COST = ['--cost-per-query-ms', String(Number(values['cost-ms']))]
const MAX_CONCURRENT = String(Number(values['max-concurrent']))
const PER_MINUTE = String(Number(values['nrql-per-minute']))
const LIMITS = ['--max-concurrent', MAX_CONCURRENT, '--max-nrql-per-minute', PER_MINUTE, ...COST]
const runs: RunResult[] = []
try {
  if (!values['skip-free']) runs.push(await run('no limits', COST, true, file))
  runs.push(await run(`limits ${MAX_CONCURRENT} / ${PER_MINUTE}, shared budget`, LIMITS, true, file))
  if (values.unshared) runs.push(await run(`limits ${MAX_CONCURRENT} / ${PER_MINUTE}, each process alone`, LIMITS, false, file))
} finally {
  stopAll()
}

const keys = ['requests', 'nrqlQueries', 'rejected', 'rejectedConcurrent', 'rateLimited', 'maxInFlight', 'nrqlPerMinuteMax', 'timeouts',
  'checkpointsOk', 'checkpointsFailed']
console.log(`\n${N_ROLLOUTS} rollouts x ${N_APPS} apps, ${N_WORKERS} workers + 1 api, ${values['cost-ms']} ms a query\n`)
console.log(`| run | seconds | ${keys.join(' | ')} |`)
console.log(`|---|---|${keys.map(() => '---').join('|')}|`)
for (const r of runs) console.log(`| ${r.label} | ${r.seconds.toFixed(0)} | ${keys.map(k => String(r.stats[k] ?? '')).join(' | ')} |`)
const base = runs[0]
for (const r of runs.slice(1)) {
  const differ = [...base.verdicts].filter(([k, v]) => r.verdicts.get(k) !== v)
  const recDiffer = [...base.recommendations].filter(([k, v]) => r.recommendations.get(k) !== v)
  console.log(`\n${r.label} vs ${base.label}: ${differ.length} of ${base.verdicts.size} app verdicts differ, ` +
    `${recDiffer.length} of ${base.recommendations.size} recommendations differ`)
  for (const [k, v] of differ.slice(0, 10)) console.log(`  ${k}: ${v} -> ${r.verdicts.get(k) ?? 'none'}`)
}
const tally = new Map<string, number>()
for (const v of base.recommendations.values()) tally.set(v, (tally.get(v) ?? 0) + 1)
console.log(`\nrecommendations (${base.label}): ${[...tally].map(([k, n]) => `${k} ${n}`).join(', ')}`)
