/**
 * Redis per rollout: a 200-app, 24-checkpoint rollout's `MEMORY USAGE` summed over its keys, in
 * the layout this version keeps (newest evidence only, abridged records before the latest) and,
 * in the same run, in the layout before it (every checkpoint's full record and evidence).
 *
 *   npx tsx bench/redis-size.ts [--apps 200] [--checkpoints 24]
 *
 * One real checkpoint (the simulator over HTTP, the NerdGraph client, the judge) over the last
 * 3 hours gives a real 200-app result, evidence and series (a series is thinned to 120 points
 * whatever the window, so hour 24's is no larger); the 24 checkpoints are then recorded through
 * the real CheckpointStore with that
 * result, each at its own time, so the sizes are what a worker writes (record, cells, app
 * checkpoints, series, latest). Target: at most 2 MB (issue 14).
 */
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { runAnalysis } from '../src/analysis/run.ts'
import type { EvidenceState } from '../src/judge/index.ts'
import { NerdGraphClient } from '../src/newrelic/client.ts'
import { appCheckpointsOf, cellsOf } from '../src/rollout/compact.ts'
import type { CheckpointRecord, RolloutSpec } from '../src/rollout/types.ts'
import { planLength } from '../src/rollout/plan.ts'
import { startSimulator, type Scenario, type ScenarioApp } from '../src/sim/index.ts'
import { CheckpointStore } from '../src/store/checkpoint-store.ts'
import { newRolloutId } from '../src/store/ids.ts'
import { RolloutStore } from '../src/store/rollout-store.ts'

const { values } = parseArgs({ options: { apps: { type: 'string', default: '200' }, checkpoints: { type: 'string', default: '24' } } })
const N_APPS = Number(values.apps)
const N_CHECKPOINTS = Number(values.checkpoints)
const HOUR = 3_600_000
const ACCOUNT = 3300077
const KEY = 'bench-key'
const iso = (ms: number) => new Date(ms).toISOString()

const startAt = Math.floor(Date.now() / HOUR) * HOUR - (N_CHECKPOINTS + 1) * HOUR
const decisionAt = startAt + N_CHECKPOINTS * HOUR
const hosts = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS09', joins: iso(startAt) }]
const apps: ScenarioApp[] = Array.from({ length: N_APPS }, (_, i) => ({
  name: `Bench.App${String(i + 1).padStart(3, '0')}`,
  // Enough traffic for most apps to PASS (an INCONCLUSIVE app stores two long reasons every hour).
  throughputRpm: 60 + 10 * (i % 10),
  latency: { medianMs: 120 + 3 * i, sigma: 0.5 },
  errorRate: 0.005 + 0.001 * (i % 5),
  errors: { 'System.Net.WebException': 0.6, 'System.TimeoutException': 0.4 },
  hosts,
  ...(i % 25 === 3 ? { effects: [{ host: 'PRDIIS09', from: iso(startAt), errorRateMultiplier: 3 }] } : {})
}))
const scenario: Scenario = {
  name: 'bench-redis-size', accountId: ACCOUNT, seed: 14, from: iso(decisionAt - 10 * HOUR), until: iso(decisionAt + HOUR), apps
}

const sim = await startSimulator({ scenario, port: 0, apiKey: KEY })
const client = new NerdGraphClient({ url: sim.url, apiKey: KEY, timeoutMs: 300_000, maxQueriesPerRequest: 5 })
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `gonogo-bench-size-${randomBytes(4).toString('hex')}`
const rollouts = new RolloutStore(redis, prefix)
const store = new CheckpointStore(redis, prefix)
const target = { accountId: ACCOUNT, apps: apps.map(a => ({ name: a.name })), canaryHosts: ['PRDIIS09'], baselineHosts: null }

try {
  const t0 = Date.now()
  const out = await runAnalysis(client, target, { from: decisionAt - 3 * HOUR, until: decisionAt }, { asOf: Date.now() })
  process.stderr.write(`one ${N_APPS}-app checkpoint over 3 h: ${((Date.now() - t0) / 1000).toFixed(1)} s, ` +
    `${out.result.recommendation}, verdicts ${JSON.stringify(out.result.summary)}\n`)
  const evidence = JSON.stringify(out.evidence as EvidenceState)
  const series = Object.entries(out.series).map(([app, s]): [string, string] => [app, JSON.stringify(s)])

  /** Records the rollout's checkpoints through the store, as a worker does; returns its id and the records. */
  const recordAll = async (): Promise<{ id: string, records: CheckpointRecord[] }> => {
    const id = newRolloutId()
    const spec: RolloutSpec = {
      v: 1,
      id,
      name: 'bench',
      target,
      startAt,
      decisionAt,
      everyMs: HOUR,
      checkpointEvery: 'PT1H',
      timezone: 'UTC',
      notify: [],
      planLength: planLength(startAt, decisionAt, HOUR),
      createdAt: Date.now()
    }
    await rollouts.create(spec)
    await redis.set(rollouts.keys.lock(id), 'tok')
    const records: CheckpointRecord[] = []
    for (let i = 0; i < spec.planLength; i++) {
      const at = startAt + (i + 1) * HOUR
      const kind = i === spec.planLength - 1 ? 'decision' : 'checkpoint'
      const record: CheckpointRecord = {
        index: i,
        kind,
        at: iso(at),
        status: 'ok',
        attempts: 1,
        startedAt: iso(at),
        finishedAt: iso(at + 9000),
        durationMs: 9000,
        result: out.result
      }
      records.push(record)
      const outcome = await store.record({
        rolloutId: id,
        record,
        statusChar: 'o',
        evidence,
        latest: JSON.stringify({
          recommendation: out.result.recommendation, checkpoint: { index: i, kind, at: record.at }, message: 'bench', result: out.result
        }),
        recommendation: out.result.recommendation,
        decision: kind === 'decision',
        now: at + 9000,
        lockToken: 'tok',
        cells: JSON.stringify(cellsOf(record)),
        appCheckpoints: appCheckpointsOf(record).map(([app, c]) => [`${i}|${app}`, JSON.stringify(c)]),
        series
      })
      if (outcome !== 'ok') throw new Error(`checkpoint ${i}: ${outcome}`)
    }
    await redis.del(rollouts.keys.lock(id))
    return { id, records }
  }

  const size = async (id: string): Promise<{ total: number, byKey: Record<string, number> }> => {
    const byKey: Record<string, number> = {}
    let total = 0
    for (const key of rollouts.keys.allOf(id)) {
      const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') ?? 0)
      if (bytes === 0) continue
      byKey[key.slice(key.lastIndexOf('}') + 1) || '(hash)'] = bytes
      total += bytes
    }
    return { total, byKey }
  }

  const after = await recordAll()
  const before = await recordAll()
  // The layout before: every checkpoint's full record and its evidence stayed.
  for (const r of before.records) {
    await redis.hset(rollouts.keys.checkpoints(before.id), String(r.index), JSON.stringify(r))
    await redis.hset(rollouts.keys.evidence(before.id), String(r.index), evidence)
  }
  const a = await size(after.id)
  const b = await size(before.id)
  const mb = (n: number) => `${(n / 1048576).toFixed(2)} MB`
  process.stdout.write(`${N_APPS} apps, ${N_CHECKPOINTS} checkpoints: before ${mb(b.total)}, after ${mb(a.total)} (target <= 2 MB)\n`)
  process.stdout.write('key            before      after\n')
  for (const k of Object.keys(b.byKey)) {
    process.stdout.write(`${k.padEnd(14)} ${mb(b.byKey[k]).padStart(9)}  ${mb(a.byKey[k] ?? 0).padStart(9)}\n`)
  }
  process.stdout.write(`one full record ${mb(JSON.stringify(before.records[0]).length)}, evidence ${mb(evidence.length)}, ` +
    `series ${mb(series.reduce((n, [, s]) => n + s.length, 0))}\n`)
} finally {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  await redis.quit()
  await client.close()
  await sim.close()
}
