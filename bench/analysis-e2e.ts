/**
 * One large one-shot analysis end to end, as a user sends it: `POST /v1/analyses` over HTTP to
 * the real service (buildApp, role api, Redis), its NerdGraph client against the simulator over
 * HTTP; 200 apps (10-800 rpm each, 4 existing hosts + 1 canary) over a 6-hour window. The same
 * request for 40 apps in the same run is the baseline: the ratio says how the cost grows with
 * the apps, whatever the machine's load. Each size is sent twice, the first to warm the
 * simulator's event cache (which a real New Relic does not need), and the second is timed.
 *
 *   nice -n 10 npx tsx bench/analysis-e2e.ts [--apps 200] [--baseline 40]
 */
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { startSimulator } from '../src/sim/index.ts'
import { scaleScenario } from './scale-scenario.ts'

const { values: args } = parseArgs({ options: { apps: { type: 'string', default: '200' }, baseline: { type: 'string', default: '40' } } })
const HOUR = 3_600_000
const KEY = 'bench-key'
const ACCOUNT = 1000001
const until = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000
const from = until - 6 * HOUR

interface Run {
  apps: number,
  ms: number,
  status: number,
  queries: number,
  requests: number,
  rssMb: number
  recommendation: string,
  verdicts: Record<string, number>
}

async function run (nApps: number): Promise<Run> {
  const names = Array.from({ length: nApps }, (_, i) => `E2E App ${String(i + 1).padStart(3, '0')}`)
  const scenario = scaleScenario({
    name: `bench-analysis-e2e-${nApps}`, accountId: ACCOUNT, seed: 21, names, from: from - 7 * HOUR, until: until + HOUR, joinsAt: from
  })
  const sim = await startSimulator({ scenario, port: 0, apiKey: KEY })
  const config = loadConfig({
    ...process.env,
    GONOGO_ROLE: 'api',
    NEW_RELIC_API_KEY: KEY,
    NEW_RELIC_ACCOUNT_ID: String(ACCOUNT),
    GONOGO_REDIS_PREFIX: `bench-e2e-${process.pid}-${nApps}`,
    GONOGO_MAX_APPS: String(Math.max(200, nApps)),
    GONOGO_PREFLIGHT_MS: '0',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_ANALYSIS_TIMEOUT_MS: '600000',
    LOG_LEVEL: 'silent'
  })
  const app = await buildApp({ config, logger: false, nerdgraph: { url: sim.url, apiKey: KEY } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const body = JSON.stringify({
    accountId: ACCOUNT,
    apps: names,
    canaryHosts: ['PRDIIS09'],
    from: new Date(from).toISOString(),
    until: new Date(until).toISOString()
  })
  const post = async (): Promise<{ status: number, json: any }> => {
    const res = await fetch(`${address}/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    return { status: res.status, json: await res.json() }
  }
  try {
    await post()
    const before = sim.stats()
    const rss0 = process.memoryUsage().rss
    const t0 = performance.now()
    const { status, json } = await post()
    const ms = performance.now() - t0
    const after = sim.stats()
    const verdicts: Record<string, number> = {}
    for (const a of json.apps ?? []) verdicts[a.verdict] = (verdicts[a.verdict] ?? 0) + 1
    if (status !== 200) console.error(`${nApps} apps: ${status} ${JSON.stringify(json).slice(0, 300)}`)
    return {
      apps: nApps,
      ms,
      status,
      queries: after.nrqlQueries - before.nrqlQueries,
      requests: after.requests - before.requests,
      rssMb: (process.memoryUsage().rss - rss0) / 1e6,
      recommendation: json.recommendation,
      verdicts
    }
  } finally {
    await app.close()
    await sim.close()
  }
}

const base = await run(Number(args.baseline))
const big = await run(Number(args.apps))
for (const r of [base, big]) {
  console.log(`${r.apps} apps: ${r.status} in ${(r.ms / 1000).toFixed(1)} s, ${r.requests} NerdGraph requests, ` +
    `${r.queries} NRQL queries, ` +
    `RSS +${r.rssMb.toFixed(0)} MB, ${r.recommendation} ${JSON.stringify(r.verdicts)}`)
}
console.log(`${big.apps} / ${base.apps} apps: time x${(big.ms / base.ms).toFixed(2)}, NRQL x${(big.queries / base.queries).toFixed(2)} ` +
  `(apps x${(big.apps / base.apps).toFixed(1)})`)
