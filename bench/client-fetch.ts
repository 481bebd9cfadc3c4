/**
 * How many NerdGraph requests, and how long, one checkpoint's data takes for 30
 * apps: fetchCheckpointData (aliased, faceted queries in few requests) next to a
 * naive fetch (one query per app, metric and host group, each its own HTTP request)
 * through the same client and concurrency cap, against the simulator with 200 ms
 * of latency per request.
 *
 *   npx tsx bench/client-fetch.ts [--apps 30] [--runs 3] [--latency 200] [--concurrency 5]
 */
import { parseArgs } from 'node:util'
import { cpus } from 'node:os'
import { splitHosts } from '../src/judge/hosts.ts'
import { NerdGraphClient } from '../src/newrelic/client.ts'
import { fetchCheckpointData, type FetchRequest } from '../src/newrelic/fetch-checkpoint.ts'
import { bucketMinutesFor } from '../src/newrelic/limits.ts'
import { quoteList, quoteString } from '../src/newrelic/nrql.ts'
import { startSimulator, type Scenario } from '../src/sim/index.ts'

const { values: args } = parseArgs({
  options: {
    apps: { type: 'string', default: '30' },
    runs: { type: 'string', default: '3' },
    latency: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '5' }
  }
})
const APPS = Number(args.apps)
const RUNS = Number(args.runs)
const LATENCY_MS = Number(args.latency)
const CONCURRENCY = Number(args.concurrency)

const API_KEY = 'bench-key'
const ACCOUNT_ID = 1000001
const HOUR = 3_600_000
const START = Date.parse('2025-09-08T00:00:00Z')

const names = Array.from({ length: APPS }, (_, i) => `Bench App ${String(i + 1).padStart(2, '0')}`)
const scenario: Scenario = {
  name: 'bench-client-fetch',
  accountId: ACCOUNT_ID,
  seed: 3,
  from: '2025-09-08T00:00:00Z',
  until: '2025-09-08T10:00:00Z',
  apps: names.map((name, i) => ({
    name,
    throughputRpm: 200 + 20 * i,
    latency: { medianMs: 150, sigma: 0.6 },
    errorRate: 0.01,
    errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
    hosts: [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS09', joins: '2025-09-08T04:00:00Z' }]
  }))
}

// Checkpoint four hours into a rollout that started at 04:00; pre-window 02:00-04:00.
const req: FetchRequest = {
  accountId: ACCOUNT_ID,
  apps: names,
  canaryHosts: ['prdiis09'],
  baselineHosts: null,
  from: START + 4 * HOUR,
  until: START + 8 * HOUR
}

/**
 * The naive way: discover each app's hosts, then one query per app, metric and host
 * group (canary, baseline; baseline in the pre-window), then the slow counts once
 * the thresholds are known. Every query is its own HTTP request.
 */
async function naiveFetch (client: NerdGraphClient): Promise<number> {
  const window = `SINCE ${req.from} UNTIL ${req.until}`
  const preFrom = req.from - 2 * HOUR
  const pre = `SINCE ${preFrom} UNTIL ${req.from}`
  const bucket = bucketMinutesFor(req.from, req.until)
  const app = (name: string): string => `appName = ${quoteString('app', name)}`

  const discover: Record<string, string> = {}
  for (const name of names) {
    discover[`${name} hosts`] = `SELECT count(*) FROM Transaction WHERE ${app(name)} FACET host ${window} LIMIT MAX`
    discover[`${name} pre hosts`] = `SELECT count(*) FROM Transaction WHERE ${app(name)} FACET host ${pre} LIMIT MAX`
  }
  const found = await client.nrql(ACCOUNT_ID, discover)
  const hostsOf = (key: string): string[] => found[key].results.map(r => String(r.facet))

  const metrics: Record<string, string> = {}
  for (const name of names) {
    const sides = splitHosts(hostsOf(`${name} hosts`), req.canaryHosts, req.baselineHosts)
    for (const [side, hosts] of Object.entries(sides)) {
      if (hosts.length === 0) continue
      const where = `WHERE ${app(name)} AND host IN ${quoteList('hosts', hosts)}`
      metrics[`${name} ${side} count`] = `SELECT count(*) FROM Transaction ${where} ${window}`
      metrics[`${name} ${side} errors`] = `SELECT filter(count(*), WHERE error IS TRUE) FROM Transaction ${where} ${window}`
      metrics[`${name} ${side} avg`] = `SELECT average(duration) FROM Transaction ${where} ${window}`
      metrics[`${name} ${side} pct`] = `SELECT percentile(duration, 50, 95, 99) FROM Transaction ${where} ${window}`
      metrics[`${name} ${side} classes`] = `SELECT count(*) FROM TransactionError ${where} FACET error.class ${window} LIMIT MAX`
      metrics[`${name} ${side} series`] = 'SELECT count(*), filter(count(*), WHERE error IS TRUE), percentile(duration, 95) ' +
        `FROM Transaction ${where} FACET host ${window} TIMESERIES ${bucket} minutes LIMIT MAX`
    }
    const preBaseline = splitHosts(hostsOf(`${name} pre hosts`), req.canaryHosts, req.baselineHosts).baseline
    if (preBaseline.length > 0) {
      const where = `WHERE ${app(name)} AND host IN ${quoteList('hosts', preBaseline)}`
      metrics[`${name} pre count`] = `SELECT count(*) FROM Transaction ${where} ${pre}`
      metrics[`${name} pre errors`] = `SELECT filter(count(*), WHERE error IS TRUE) FROM Transaction ${where} ${pre}`
      metrics[`${name} pre avg`] = `SELECT average(duration) FROM Transaction ${where} ${pre}`
      metrics[`${name} pre classes`] = `SELECT count(*) FROM TransactionError ${where} FACET error.class ${pre} LIMIT MAX`
      metrics[`${name} pre p95`] = `SELECT percentile(duration, 95) FROM Transaction ${where} ${pre}`
    }
  }
  const got = await client.nrql(ACCOUNT_ID, metrics)

  const slow: Record<string, string> = {}
  for (const name of names) {
    const p95 = (got[`${name} pre p95`]?.results[0]?.['percentile.duration'] as Record<string, number> | undefined)?.['95']
    if (p95 === undefined) continue
    const sides = splitHosts(hostsOf(`${name} hosts`), req.canaryHosts, req.baselineHosts)
    for (const [side, hosts] of Object.entries(sides)) {
      if (hosts.length === 0) continue
      slow[`${name} ${side} slow`] = `SELECT filter(count(*), WHERE duration > ${p95}) FROM Transaction ` +
        `WHERE ${app(name)} AND host IN ${quoteList('hosts', hosts)} ${window}`
    }
  }
  await client.nrql(ACCOUNT_ID, slow)
  return Object.keys(discover).length + Object.keys(metrics).length + Object.keys(slow).length
}

interface Sample { requests: number, queries: number, ms: number }

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const sim = await startSimulator({ scenario, port: 0, apiKey: API_KEY, faults: {} })
const batched = new NerdGraphClient({ url: sim.url, apiKey: API_KEY, concurrency: CONCURRENCY })
const naive = new NerdGraphClient({ url: sim.url, apiKey: API_KEY, concurrency: CONCURRENCY, maxQueriesPerRequest: 1 })
try {
  // Warm up without latency, so both sides read events the simulator already generated.
  await fetchCheckpointData(batched, req)
  await naiveFetch(naive)
  sim.setFaults({ latencyMs: LATENCY_MS })

  const measure = async (run: () => Promise<unknown>): Promise<Sample> => {
    sim.resetStats()
    const started = performance.now()
    await run()
    const ms = performance.now() - started
    const stats = sim.stats()
    return { requests: stats.requests, queries: stats.nrqlQueries, ms }
  }
  const ours: Sample[] = []
  const theirs: Sample[] = []
  for (let i = 0; i < RUNS; i++) {
    ours.push(await measure(async () => await fetchCheckpointData(batched, req)))
    theirs.push(await measure(async () => await naiveFetch(naive)))
  }
  const row = (label: string, s: Sample[]): string =>
    `| ${label} | ${s[0].requests} | ${s[0].queries} | ${Math.round(median(s.map(x => x.ms)))} | ` +
    `${s.map(x => Math.round(x.ms)).join(', ')} |`
  const oursMs = median(ours.map(s => s.ms))
  const theirsMs = median(theirs.map(s => s.ms))
  console.log(`${APPS} apps x 4 hosts, 4 h window (${bucketMinutesFor(req.from, req.until)}-min buckets) + 2 h pre-window; ` +
    `latency ${LATENCY_MS} ms/request; concurrency ${CONCURRENCY}; ${RUNS} runs; ${cpus().length} CPUs; node ${process.version}`)
  console.log('| fetch | HTTP requests | NRQL queries | median ms | runs (ms) |')
  console.log('| --- | ---: | ---: | ---: | --- |')
  console.log(row('fetchCheckpointData', ours))
  console.log(row('naive (1 query/request)', theirs))
  console.log(`requests ratio naive/ours: ${(theirs[0].requests / ours[0].requests).toFixed(1)}x; ` +
    `wall time ratio: ${(theirsMs / oursMs).toFixed(1)}x`)
} finally {
  await batched.close()
  await naive.close()
  await sim.close()
}
