/**
 * Redis per rollout: a 200-app, 24-checkpoint rollout's `MEMORY USAGE` summed over its keys, in
 * the layout this version keeps and, on the same data, in the layout before it (every value
 * plain JSON, one app-checkpoint field per checkpoint and app), read back through the same
 * readers to show both give the same answers. Target: at most 2 MB (issue 14).
 *
 *   npx tsx bench/redis-size.ts [--apps 200] [--checkpoints 24] [--rpm 1] [--new-hosts 1] [--data FILE]
 *
 * The data are real (bench/redis-size-gen.ts): the 24 hourly checkpoints judged one after the
 * other with incremental reads, as a worker does by default, so each record holds its own
 * result and the evidence holds the carried state the next checkpoint reads. `--rpm` scales
 * every app's traffic (0.1: nearly every app INCONCLUSIVE all rollout long, the most reasons);
 * `--new-hosts 3` has three new hosts join instead of one (each app's series then keeps each one's lines).
 * `--data` keeps the judged data in FILE and reuses it when it is there (judging takes minutes).
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { isDeepStrictEqual, parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import { abridge } from '../src/rollout/abridge.ts'
import { appCheckpointsOf, cellsOf } from '../src/rollout/compact.ts'
import type { CheckpointRecord, RolloutSpec } from '../src/rollout/types.ts'
import { planLength } from '../src/rollout/plan.ts'
import { BoardReader } from '../src/store/board-read.ts'
import { CheckpointStore } from '../src/store/checkpoint-store.ts'
import { packEvidence } from '../src/store/evidence-codec.ts'
import { newRolloutId } from '../src/store/ids.ts'
import { RolloutStore } from '../src/store/rollout-store.ts'
import { generate, type GeneratedRollout } from './redis-size-gen.ts'

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '200' },
    checkpoints: { type: 'string', default: '24' },
    rpm: { type: 'string', default: '1' },
    'new-hosts': { type: 'string', default: '1' },
    data: { type: 'string' }
  }
})
const HOUR = 3_600_000
const iso = (ms: number): string => new Date(ms).toISOString()
const mb = (n: number): string => `${(n / 1048576).toFixed(2)} MB`

const data: GeneratedRollout = values.data !== undefined && existsSync(values.data)
  ? JSON.parse(await readFile(values.data, 'utf8')) as GeneratedRollout
  : await generate(Number(values.apps), Number(values.checkpoints), Number(values.rpm), values.data, s => process.stderr.write(s),
    Number(values['new-hosts']))
const { startAt, decisionAt, target, results } = data
const last = results[results.length - 1]
const judgedS = data.judgeMs.reduce((a, b) => a + b, 0) / 1000
process.stderr.write(`${data.apps} apps, ${data.checkpoints} checkpoints (judged ${judgedS.toFixed(0)} s), ` +
  `first ${JSON.stringify(results[0].summary)}, last ${last.recommendation} ${JSON.stringify(last.summary)}\n`)

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const prefix = `gonogo-bench-size-${randomBytes(4).toString('hex')}`
const rollouts = new RolloutStore(redis, prefix)
const store = new CheckpointStore(redis, prefix)
const board = new BoardReader(redis, prefix)
const k = rollouts.keys
const series = Object.entries(data.series).map(([app, s]): [string, string] => [app, JSON.stringify(s)])

/** Records the rollout's checkpoints through the store, as a worker does; returns its id, records and the time record() took. */
async function recordAll (): Promise<{ id: string, records: CheckpointRecord[], recordMs: number[] }> {
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
  await redis.set(k.lock(id), 'tok')
  const records: CheckpointRecord[] = []
  const recordMs: number[] = []
  for (let i = 0; i < spec.planLength; i++) {
    const at = startAt + (i + 1) * HOUR
    const kind = i === spec.planLength - 1 ? 'decision' : 'checkpoint'
    const result = results[i]
    const record: CheckpointRecord = {
      index: i, kind, at: iso(at), status: 'ok', attempts: 1, startedAt: iso(at), finishedAt: iso(at + 9000), durationMs: 9000, result
    }
    records.push(record)
    const t0 = performance.now()
    const outcome = await store.record({
      rolloutId: id,
      record,
      statusChar: 'o',
      // Only the newest evidence stays; what the others weigh is their write, not their keep.
      evidence: i === spec.planLength - 1 ? data.evidence : JSON.stringify({ ...JSON.parse(data.evidence), index: i }),
      latest: JSON.stringify({
        recommendation: result.recommendation, checkpoint: { index: i, kind, at: record.at }, message: 'bench', result
      }),
      recommendation: result.recommendation,
      decision: kind === 'decision',
      now: at + 9000,
      lockToken: 'tok',
      cells: JSON.stringify(cellsOf(record)),
      appCheckpoints: appCheckpointsOf(record).map(([app, c]) => [app, JSON.stringify(c)]),
      series
    })
    recordMs.push(performance.now() - t0)
    if (outcome !== 'ok') throw new Error(`checkpoint ${i}: ${outcome}`)
  }
  await redis.del(k.lock(id))
  return { id, records, recordMs }
}

/** The same rollout in the layout before this one: every value plain JSON, app checkpoints by "<index>|<app>". */
async function asBefore (id: string, records: CheckpointRecord[]): Promise<void> {
  await redis.del(k.checkpoints(id), k.evidence(id), k.cells(id), k.appCheckpoints(id), k.series(id))
  for (const r of records) {
    await redis.hset(k.checkpoints(id), String(r.index), JSON.stringify(abridge(r)))
    await redis.hset(k.cells(id), String(r.index), JSON.stringify(cellsOf(r)))
    await redis.hset(k.appCheckpoints(id), ...appCheckpointsOf(r).flatMap(([app, c]) => [`${r.index}|${app}`, JSON.stringify(c)]))
  }
  const r = records[records.length - 1]
  await redis.hset(k.evidence(id), String(r.index), data.evidence)
  await redis.hset(k.series(id), ...series.flat())
  await redis.hset(k.rollout(id), 'latest', JSON.stringify({
    recommendation: r.result?.recommendation, checkpoint: { index: r.index, kind: r.kind, at: r.at }, message: 'bench', result: r.result
  }))
}

async function size (id: string): Promise<{ total: number, byKey: Record<string, number> }> {
  const byKey: Record<string, number> = {}
  let total = 0
  for (const key of k.allOf(id)) {
    const bytes = Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0') ?? 0)
    if (bytes === 0) continue
    byKey[key.slice(key.lastIndexOf('}') + 1) || '(hash)'] = bytes
    total += bytes
  }
  return { total, byKey }
}

/** What the API reads of a rollout: every checkpoint, the matrix's cells, a few apps, the evidence. */
async function reads (id: string): Promise<unknown> {
  const matrix = await board.matrix(id)
  const apps = await Promise.all([0, 3, 99, data.apps - 1].map(async i => {
    const a = await board.app(id, target.apps[i].name)
    return a === null ? null : { checkpoints: a.checkpoints, series: a.series }
  }))
  const page = await store.page(id, 5, 10)
  return {
    list: await store.list(id),
    page,
    one: await store.get(id, 7),
    cells: [...(matrix?.cells ?? new Map()).entries()],
    apps,
    evidence: JSON.parse(await store.evidence(id, data.checkpoints - 1) ?? 'null'),
    latest: await store.latestResult(id)
  }
}

try {
  const now = await recordAll()
  const before = await recordAll()
  await asBefore(before.id, before.records)
  const a = await size(now.id)
  const b = await size(before.id)
  // Each layout read once before it is timed: the first read of all pays the JIT for both.
  await reads(now.id)
  await reads(before.id)
  const t0 = performance.now()
  const readNow = await reads(now.id)
  const readMs = performance.now() - t0
  const t1 = performance.now()
  const readBefore = await reads(before.id)
  const readBeforeMs = performance.now() - t1
  process.stdout.write(`${data.apps} apps, ${data.checkpoints} checkpoints: before ${mb(b.total)}, now ${mb(a.total)} (target <= 2 MB)\n`)
  process.stdout.write('key                 before        now\n')
  for (const key of Object.keys(b.byKey)) {
    process.stdout.write(`${key.padEnd(18)} ${mb(b.byKey[key]).padStart(9)}  ${mb(a.byKey[key] ?? 0).padStart(9)}\n`)
  }
  const sorted = [...now.recordMs].sort((x, y) => x - y)
  const lastMs = now.recordMs[now.recordMs.length - 1]
  const median = sorted[sorted.length >> 1]
  const max = sorted[sorted.length - 1]
  process.stdout.write(`record(): median ${median.toFixed(0)} ms, last ${lastMs.toFixed(0)} ms, max ${max.toFixed(0)} ms; ` +
    `the reads above ${readMs.toFixed(0)} ms (before ${readBeforeMs.toFixed(0)} ms)\n`)
  const { carry: packedCarry, ...judged } = JSON.parse(data.evidence) as { carry?: { z?: string } }
  const carry = String(packedCarry?.z ?? '')
  process.stdout.write(`evidence stored: ${mb(packEvidence(data.evidence).length)}, of which the judge's own ` +
    `${mb(packEvidence(JSON.stringify(judged)).length)} (all a full read stores), the carried state ` +
    `${mb(Buffer.from(carry, 'base64').length)}\n`)
  process.stdout.write(`evidence JSON ${mb(data.evidence.length)} (carry ${mb(carry.length)} of base64), ` +
    `last full result ${mb(JSON.stringify(last).length)}\n`)
  process.stdout.write(`the same answers from both layouts: ${isDeepStrictEqual(readNow, readBefore) ? 'yes' : 'NO'}\n`)
  if (!isDeepStrictEqual(readNow, readBefore)) process.exitCode = 1
} finally {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  await redis.quit()
}
