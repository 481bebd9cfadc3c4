/**
 * Cost of the scenario-format additions, next to bench/sim-query.ts: the same
 * 30 apps x 5 hosts x 8 h (16,757 rpm, ~8M transactions), with and without agent
 * sampling (transactionEventsPerMinute 100, errorEventsPerMinute 10 on every app:
 * the busy apps' ~600 rpm hosts keep a sixth of their events), and the queries a
 * client of sampled data sends: events, the same with EXTRAPOLATE, and Metric.
 *
 *   npx tsx bench/sim-additions.ts [--runs N]
 */
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { buildModel } from '../src/sim/model.ts'
import { runNrql } from '../src/sim/nrql/index.ts'
import { parseScenario } from '../src/sim/scenario.ts'
import type { Scenario } from '../src/sim/scenario.ts'
import { BlockStore } from '../src/sim/store.ts'

const FROM = '2026-11-25T02:30:00Z'
const UNTIL = '2026-11-25T10:30:00Z'
const WINDOW = "SINCE '2026-11-25 02:30:00' UNTIL '2026-11-25 06:30:00'"
const QUERIES: Record<string, string> = {
  events: 'SELECT count(*), filter(count(*), WHERE error IS TRUE), average(duration) FROM Transaction ' +
    `FACET appName, host TIMESERIES 1 minute ${WINDOW} LIMIT MAX`,
  extrapolate: 'SELECT count(*), filter(count(*), WHERE error IS TRUE), average(duration) FROM Transaction ' +
    `FACET appName, host TIMESERIES 1 minute ${WINDOW} LIMIT MAX EXTRAPOLATE`,
  metric: 'SELECT count(apm.service.transaction.duration), average(apm.service.transaction.duration) FROM Metric ' +
    `FACET appName, host TIMESERIES 1 minute ${WINDOW} LIMIT MAX`,
  p95: `SELECT percentile(duration, 95) FROM Transaction FACET appName, host TIMESERIES 1 minute ${WINDOW} LIMIT MAX`
}

/** The scenario of bench/sim-query.ts, optionally with every app sampling. */
function scenario (sampled: boolean): Scenario {
  const apps = Array.from({ length: 30 }, (_, i) => ({
    name: `Bench App ${String(i + 1).padStart(2, '0')}`,
    throughputRpm: Math.round(10 * Math.pow(300, i / 29)),
    latency: { medianMs: 80 + (i * 37) % 400, sigma: 0.5 + (i % 5) * 0.1 },
    errorRate: 0.002 + (i % 7) * 0.003,
    errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
    hosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04', 'PRDIIS09'].map(name => ({ name })),
    ...(sampled ? { agent: { transactionEventsPerMinute: 100, errorEventsPerMinute: 10 } } : {})
  }))
  return parseScenario({ name: 'bench-additions', accountId: 1000001, seed: 11, from: FROM, until: UNTIL, apps })
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}

async function main (): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
  const runs = Number(values.runs)
  console.log(`machine: ${cpus().length} cores, Node ${process.version}, load average ${loadavg().map(x => x.toFixed(1)).join(' ')}`)
  const opts = { now: Date.parse(UNTIL), maxBuckets: 480 }
  for (const sampled of [false, true]) {
    const store = new BlockStore(buildModel(scenario(sampled)))
    let t0 = performance.now()
    for (let h = 0; h < store.hours; h++) {
      for (let a = 0; a < store.model.apps.length; a++) {
        for (let x = 0; x < 5; x++) store.get(a, x, store.firstHour + h * 3_600_000)
      }
    }
    const gen = performance.now() - t0
    console.log(`${sampled ? 'sampled' : 'unsampled'}: generation ${gen.toFixed(0)} ms, ${store.stats().events} events kept`)
    for (const [name, q] of Object.entries(QUERIES)) {
      if (!sampled && name === 'extrapolate') continue
      t0 = performance.now()
      const first = runNrql(store, q, opts)
      const cold = performance.now() - t0
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        t0 = performance.now()
        runNrql(store, q, opts)
        times.push(performance.now() - t0)
      }
      console.log(`  ${name.padEnd(11)} first ${cold.toFixed(0)} ms, then median ${median(times).toFixed(0)} ms, ` +
        `min ${Math.min(...times).toFixed(0)} ms` +
        ` (${first.scanned} rows scanned, ${first.results.length} result rows)`)
    }
  }
}

await main()
