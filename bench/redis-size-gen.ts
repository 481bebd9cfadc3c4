/**
 * The data bench/redis-size.ts records: a 200-app rollout's 24 hourly checkpoints judged for real,
 * as a worker does by default (GONOGO_CHECKPOINT_READ=incremental: each checkpoint reads what is
 * new since the last and carries the rest in its evidence; the series on the decision time's
 * grid), against the simulator over HTTP. Results differ from hour to hour as the evidence
 * grows, so nothing repeated across checkpoints flatters a compact layout.
 *
 * Saved as JSON (every result, the last evidence and series: only the newest of those is kept),
 * because judging 24 x 200 apps takes minutes and the layouts are measured in seconds.
 */
import { writeFile } from 'node:fs/promises'
import { runAnalysis } from '../src/analysis/run.ts'
import { slowThresholdsOf, type EvidenceState } from '../src/judge/index.ts'
import { NerdGraphClient } from '../src/newrelic/client.ts'
import type { CheckpointResult } from '../src/schemas/result.ts'
import type { AppSeries } from '../src/schemas/board.ts'
import { startSimulator, type Scenario, type ScenarioApp } from '../src/sim/index.ts'
import type { Target } from '../src/rollout/target.ts'

export interface GeneratedRollout {
  apps: number
  rpm: number
  checkpoints: number
  startAt: number
  decisionAt: number
  target: Target
  results: CheckpointResult[]
  /** Per checkpoint: the evidence JSON's length and the time the judge took (ms). */
  evidenceBytes: number[]
  judgeMs: number[]
  /** The last checkpoint's evidence (JSON) and series. */
  evidence: string
  series: Record<string, AppSeries>
}

const HOUR = 3_600_000
const ACCOUNT = 3300077
const KEY = 'bench-key'
const iso = (ms: number): string => new Date(ms).toISOString()

export async function generate (
  nApps: number, nCheckpoints: number, rpm: number, file: string | undefined, log: (s: string) => void, nNew = 1
): Promise<GeneratedRollout> {
  const startAt = Math.floor(Date.now() / HOUR) * HOUR - (nCheckpoints + 1) * HOUR
  const decisionAt = startAt + nCheckpoints * HOUR
  // PRDIIS09, then PRDIIS10, ...: with several, each app's series keeps every new host's own lines too.
  const canaryHosts = Array.from({ length: nNew }, (_, i) => `PRDIIS${String(9 + i).padStart(2, '0')}`)
  const hosts = [
    { name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, ...canaryHosts.map(name => ({ name, joins: iso(startAt) }))
  ]
  const apps: ScenarioApp[] = Array.from({ length: nApps }, (_, i) => ({
    name: `Bench.App${String(i + 1).padStart(3, '0')}`,
    throughputRpm: rpm * (60 + 10 * (i % 10)),
    latency: { medianMs: 120 + 3 * i, sigma: 0.5 },
    errorRate: 0.005 + 0.001 * (i % 5),
    errors: { 'System.Net.WebException': 0.6, 'System.TimeoutException': 0.4 },
    hosts,
    ...(i % 25 === 3 ? { effects: [{ host: 'PRDIIS09', from: iso(startAt), errorRateMultiplier: 3 }] } : {})
  }))
  const scenario: Scenario = {
    name: 'bench-redis-size', accountId: ACCOUNT, seed: 14, from: iso(startAt - 7 * HOUR), until: iso(decisionAt + HOUR), apps
  }
  const sim = await startSimulator({ scenario, port: 0, apiKey: KEY })
  const client = new NerdGraphClient({ url: sim.url, apiKey: KEY, timeoutMs: 600_000, maxQueriesPerRequest: 5 })
  const target: Target = { accountId: ACCOUNT, apps: apps.map(a => ({ name: a.name })), canaryHosts, baselineHosts: null }
  const out: GeneratedRollout = {
    apps: nApps,
    rpm,
    checkpoints: nCheckpoints,
    startAt,
    decisionAt,
    target,
    results: [],
    evidenceBytes: [],
    judgeMs: [],
    evidence: '',
    series: {}
  }
  try {
    let evidence: EvidenceState | undefined
    for (let i = 0; i < nCheckpoints; i++) {
      const t0 = Date.now()
      const run = await runAnalysis(client, target, { from: startAt, until: startAt + (i + 1) * HOUR }, {
        asOf: Date.now(),
        evidence,
        slowThresholdsS: evidence === undefined ? undefined : slowThresholdsOf(evidence),
        horizon: decisionAt,
        read: 'incremental'
      })
      evidence = run.evidence
      const json = JSON.stringify(run.evidence)
      out.results.push(run.result)
      out.evidenceBytes.push(json.length)
      out.judgeMs.push(Date.now() - t0)
      out.evidence = json
      out.series = run.series
      log(`checkpoint ${i + 1}/${nCheckpoints}: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${run.result.recommendation} ` +
        `${JSON.stringify(run.result.summary)}, evidence ${(json.length / 1048576).toFixed(2)} MB\n`)
    }
  } finally {
    await client.close()
    await sim.close()
  }
  if (file !== undefined) await writeFile(file, JSON.stringify(out))
  return out
}
