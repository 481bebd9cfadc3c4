/**
 * Simulator query benchmark: 30 apps x 5 hosts x 8 hours, 10 to 3000 rpm per
 * app (log-spread), one `count, errors, p95 FACET appName, host TIMESERIES
 * 1 minute LIMIT MAX` query, cold (nothing generated) and warm (cached).
 * Measures the executor in-process and the same query over HTTP.
 *
 *   npx tsx bench/sim-query.ts [--runs N]
 *
 * 8 hours of 1-minute buckets is 480 buckets, over New Relic's 366, so the
 * simulator is started with maxBuckets 480 for this one query shape.
 */
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { buildModel } from '../src/sim/model.ts'
import { runNrql } from '../src/sim/nrql/index.ts'
import type { Scenario } from '../src/sim/scenario.ts'
import { parseScenario } from '../src/sim/scenario.ts'
import { startSimulator } from '../src/sim/server.ts'
import { BlockStore } from '../src/sim/store.ts'

const FROM = '2026-11-25T02:30:00Z'
const UNTIL = '2026-11-25T10:30:00Z'
const QUERY = 'SELECT count(*), filter(count(*), WHERE error IS TRUE), percentile(duration, 95) ' +
  `FROM Transaction FACET appName, host TIMESERIES 1 minute SINCE '${FROM.replace('T', ' ').replace('Z', '')}' ` +
  `UNTIL '${UNTIL.replace('T', ' ').replace('Z', '')}' LIMIT MAX`

/** 30 apps, rpm spread log-uniformly from 10 to 3000, 5 hosts each. */
export function benchScenario (): Scenario {
  const apps = Array.from({ length: 30 }, (_, i) => ({
    name: `Bench App ${String(i + 1).padStart(2, '0')}`,
    throughputRpm: Math.round(10 * Math.pow(300, i / 29)),
    latency: { medianMs: 80 + (i * 37) % 400, sigma: 0.5 + (i % 5) * 0.1 },
    errorRate: 0.002 + (i % 7) * 0.003,
    errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
    hosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04', 'PRDIIS09'].map(name => ({ name }))
  }))
  return parseScenario({ name: 'bench-30x5x8h', accountId: 1000001, seed: 11, from: FROM, until: UNTIL, apps })
}

function ms (t0: number): string {
  return `${(performance.now() - t0).toFixed(0)} ms`
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
  const runs = Number(values.runs)
  const scenario = benchScenario()
  const totalRpm = scenario.apps.reduce((s, a) => s + a.throughputRpm, 0)
  console.log(`scenario: ${scenario.apps.length} apps x 5 hosts x 8 h, total ${totalRpm} rpm ` +
    `(~${(totalRpm * 480 / 1e6).toFixed(1)}M transactions)`)
  console.log(`query: ${QUERY}`)
  console.log(`machine: ${cpus().length} cores, Node ${process.version}, ` +
    `load average ${loadavg().map(x => x.toFixed(1)).join(' ')}, ${new Date().toISOString().slice(0, 10)}`)

  // In-process executor.
  const store = new BlockStore(buildModel(scenario))
  const opts = { now: Date.parse(UNTIL), maxBuckets: 480 }
  let t0 = performance.now()
  const cold = runNrql(store, QUERY, opts)
  console.log(`executor cold: ${ms(t0)} (generation included), ${cold.scanned} transactions scanned, ${cold.results.length} rows`)
  const warm: number[] = []
  for (let i = 0; i < runs; i++) {
    t0 = performance.now()
    runNrql(store, QUERY, opts)
    warm.push(performance.now() - t0)
  }
  warm.sort((a, b) => a - b)
  console.log(`executor warm: median ${warm[warm.length >> 1].toFixed(0)} ms, min ${warm[0].toFixed(0)} ms, ` +
    `max ${warm[warm.length - 1].toFixed(0)} ms over ${runs} runs`)

  // Over HTTP, as a client sees it (JSON encoding and transfer included).
  const sim = await startSimulator({ scenario, maxBuckets: 480, now: () => Date.parse(UNTIL) })
  const body = JSON.stringify({
    query: 'query($id: Int!, $q: Nrql!) { actor { account(id: $id) { q: nrql(query: $q, timeout: 60) { results } } } }',
    variables: { id: 1000001, q: QUERY }
  })
  const post = async (): Promise<number> => {
    const res = await fetch(sim.url, { method: 'POST', headers: { 'content-type': 'application/json', 'api-key': 'bench' }, body })
    const text = await res.text()
    return text.length
  }
  t0 = performance.now()
  const bytes = await post()
  console.log(`http cold: ${ms(t0)}, response ${(bytes / 1e6).toFixed(1)} MB`)
  const warmHttp: number[] = []
  for (let i = 0; i < runs; i++) {
    t0 = performance.now()
    await post()
    warmHttp.push(performance.now() - t0)
  }
  warmHttp.sort((a, b) => a - b)
  console.log(`http warm: median ${warmHttp[warmHttp.length >> 1].toFixed(0)} ms, min ${warmHttp[0].toFixed(0)} ms over ${runs} runs`)
  await sim.close()

  // As `npm run sim` and the embedded simulator run it: generation starts in the background
  // at start-up, so the first query after warm-up is a warm one.
  t0 = performance.now()
  const served = await startSimulator({ scenario, maxBuckets: 480, now: () => Date.parse(UNTIL), warm: true })
  await served.warmed()
  console.log(`background warm-up after start: ${ms(t0)}`)
  t0 = performance.now()
  await fetch(served.url, { method: 'POST', headers: { 'content-type': 'application/json', 'api-key': 'bench' }, body })
    .then(async r => await r.text())
  console.log(`http first query after warm-up: ${ms(t0)}`)
  await served.close()
}

await main()
