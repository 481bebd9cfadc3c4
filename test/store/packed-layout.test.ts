import t from 'tap'
import { Redis } from 'ioredis'
import { deflateRawSync } from 'node:zlib'
import { abridge } from '../../src/rollout/abridge.ts'
import { appCheckpointsOf, cellsOf } from '../../src/rollout/compact.ts'
import type { CheckpointRecord, RolloutSpec } from '../../src/rollout/types.ts'
import type { AppSeries } from '../../src/schemas/board.ts'
import type { AppResult, CheckpointResult } from '../../src/schemas/result.ts'
import { BoardReader } from '../../src/store/board-read.ts'
import { CheckpointStore } from '../../src/store/checkpoint-store.ts'
import { packEvidence, unpackEvidence } from '../../src/store/evidence-codec.ts'
import { pack, unpack } from '../../src/store/packed.ts'
import { RolloutStore } from '../../src/store/rollout-store.ts'
import { packSeries, unpackSeries } from '../../src/store/series-codec.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { makeSpec } from '../helpers/spec.ts'

const prefix = uniquePrefix('packed')
const redis = new Redis(REDIS_URL)
const rollouts = new RolloutStore(redis, prefix)
const store = new CheckpointStore(redis, prefix)
const board = new BoardReader(redis, prefix)
const k = rollouts.keys
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

const HOUR = 3_600_000
const APPS = ['RESTAPI', 'Billing.Service', "O'Brien's API"]

/** A result whose numbers and reasons differ from look to look, as a real rollout's do. */
function resultAt (index: number, from: number, until: number): CheckpointResult {
  const apps = APPS.map((app, a): AppResult => {
    const verdict = a === 1 && index > 0 ? 'FAIL' : a === 2 ? 'INCONCLUSIVE' : 'PASS'
    const ratio = 1 + (a + 1) * (index + 1) / 7
    return {
      app,
      critical: a === 0,
      verdict,
      reasons: verdict === 'PASS'
        ? []
        : [`error rate ${(0.9 * ratio).toFixed(2)}% on PRDIIS09 vs 0.9% on 4 existing hosts (x${ratio.toFixed(2)})`],
      ...(verdict === 'PASS' ? {} : { short: `error rate x${ratio.toFixed(1)}` }),
      canaryHosts: ['PRDIIS09'],
      baselineHosts: ['PRDIIS01', 'PRDIIS02', 'PRDIIS03', 'PRDIIS04'],
      metrics: ['errorRate', 'latency', 'throughput', 'newErrors', 'coverage'].map((metric, m) => ({
        metric: metric as AppResult['metrics'][number]['metric'],
        status: m === 0 ? verdict : 'PASS',
        canary: 0.009 * ratio + m / 1000,
        baseline: 0.009,
        effect: ratio,
        pValue: 1 / (index + 2) ** 3,
        adjustedPValue: 3 / (index + 2) ** 3,
        ci: m < 2 ? { low: ratio * 0.8, high: ratio * 1.3 } : null,
        detail: `detail ${metric} ${index}`
      }))
    }
  })
  return {
    recommendation: index > 0 ? 'NO_GO' : 'INCONCLUSIVE',
    reasons: [`look ${index}`],
    asOf: new Date(until).toISOString(),
    window: { from: new Date(from).toISOString(), until: new Date(until).toISOString() },
    summary: { PASS: 1, WARN: 0, FAIL: index > 0 ? 1 : 0, NO_DATA: 0, INCONCLUSIVE: index > 0 ? 1 : 2 },
    apps
  }
}

function seriesOf (start: number, n: number, shift: number): AppSeries {
  const count = Array.from({ length: n }, (_, i) => i === 2 ? 0 : 500 + 37 * i + shift)
  const errors = count.map((c, i) => c === 0 ? 0 : 3 + (i * 7) % 11)
  const rate = (e: number, c: number): number => Number((e / c).toPrecision(6))
  const side = {
    count,
    errorRate: count.map((c, i) => c === 0 ? null : rate(errors[i], c)),
    p95: count.map((c, i) => c === 0 ? null : Number((0.25 + i / 997).toPrecision(6)))
  }
  const starts = Array.from({ length: n }, (_, i) => start + i * 720_000)
  return { bucketMinutes: 12, start: starts, canary: side, baseline: { ...side, count: count.map(c => c * 4) } }
}

const spec = (everyMs = HOUR): RolloutSpec => makeSpec({
  everyMs, target: { accountId: 1, apps: APPS.map(name => ({ name })), canaryHosts: ['PRDIIS09'], baselineHosts: null }
})
const evidenceAt = (index: number): string => JSON.stringify({
  version: 1,
  index,
  apps: { RESTAPI: { slowThresholdS: 0.27 } },
  carry: { v: 1, z: deflateRawSync(`carried state ${index} `.repeat(50)).toString('base64') }
})

function recordOf (s: RolloutSpec, index: number): CheckpointRecord {
  const at = s.startAt + (index + 1) * s.everyMs
  const kind = index === s.planLength - 1 ? 'decision' : 'checkpoint'
  return { index, kind, at: new Date(at).toISOString(), status: 'ok', attempts: 1, result: resultAt(index, s.startAt, at) }
}

/** Records checkpoints 0..n-1 through the store, as a worker does. */
async function recordThrough (s: RolloutSpec, indexes: number[]): Promise<void> {
  await redis.set(k.lock(s.id), 'tok')
  for (const index of indexes) {
    const record = recordOf(s, index)
    const result = record.result as CheckpointResult
    const outcome = await store.record({
      rolloutId: s.id,
      record,
      statusChar: 'o',
      evidence: evidenceAt(index),
      latest: JSON.stringify({
        recommendation: result.recommendation, checkpoint: { index, kind: record.kind, at: record.at }, message: 'm', result
      }),
      recommendation: result.recommendation,
      decision: record.kind === 'decision',
      now: Date.parse(record.at) + 1000,
      lockToken: 'tok',
      cells: JSON.stringify(cellsOf(record)),
      appCheckpoints: appCheckpointsOf(record).map(([app, c]) => [app, JSON.stringify(c)]),
      series: APPS.map((app, a) => [app, JSON.stringify(seriesOf(s.startAt, 30, a + index))])
    })
    t.equal(outcome, 'ok')
  }
}

/** Writes checkpoints the way the version before stored them: plain JSON, app checkpoints by "<index>|<app>". */
async function writeOldLayout (s: RolloutSpec, indexes: number[]): Promise<void> {
  for (const index of indexes) {
    const record = recordOf(s, index)
    const result = record.result as CheckpointResult
    await redis.hset(k.checkpoints(s.id), String(index), JSON.stringify(abridge(record)))
    await redis.zadd(k.checkpointOrder(s.id), Date.parse(record.at), String(index).padStart(10, '0'))
    await redis.hset(k.cells(s.id), String(index), JSON.stringify(cellsOf(record)))
    await redis.hset(k.appCheckpoints(s.id), ...appCheckpointsOf(record).flatMap(([app, c]) => [`${index}|${app}`, JSON.stringify(c)]))
    await redis.del(k.evidence(s.id), k.series(s.id))
    await redis.hset(k.evidence(s.id), String(index), evidenceAt(index))
    await redis.hset(k.series(s.id), ...APPS.flatMap((app, a) => [app, JSON.stringify(seriesOf(s.startAt, 30, a + index))]))
    await redis.hset(k.rollout(s.id), 'latest', JSON.stringify({
      recommendation: result.recommendation, checkpoint: { index, kind: record.kind, at: record.at }, message: 'm', result
    }), 'latestIndex', String(index), 'latestAt', String(Date.parse(record.at)), 'recommendation', result.recommendation)
  }
}

/** Everything the API reads of a rollout's checkpoints. */
async function reads (id: string, last: number): Promise<unknown> {
  const matrix = await board.matrix(id)
  const apps = await Promise.all(APPS.map(async app => {
    const a = await board.app(id, app)
    return { checkpoints: a?.checkpoints, series: a?.series }
  }))
  return {
    list: await store.list(id),
    page: await store.page(id, 2, 0),
    one: await store.get(id, 1),
    cells: [...(matrix?.cells ?? new Map()).entries()],
    apps,
    evidence: await store.evidence(id, last),
    latest: await store.latestResult(id),
    rolloutLatest: (await rollouts.latest(id))?.latest
  }
}

t.test('a rollout stored packed reads the same as one stored in the layout before, and one live across the change', async t => {
  const packed = spec()
  const old = spec()
  const across = spec()
  for (const s of [packed, old, across]) t.same(await rollouts.create(s), { created: true })
  await recordThrough(packed, [0, 1, 2])
  await writeOldLayout(old, [0, 1, 2])
  await writeOldLayout(across, [0, 1])
  await recordThrough(across, [2])

  const want = await reads(old.id, 2)
  t.same(await reads(packed.id, 2), want, 'packed: the same answers')
  t.same(await reads(across.id, 2), want, 'old fields and new ones together: the same answers')
  t.equal((want as { list: unknown[] }).list.length, 3)

  const fields = await redis.hkeys(k.appCheckpoints(packed.id))
  t.same(fields.sort(), APPS.map(a => `a0|${a}`).sort(), 'one field per app (and run of 32 checkpoints)')
  t.same(await redis.hkeys(k.evidence(packed.id)), ['2'], 'the newest evidence only, under its index')
  t.ok((await redis.call('MEMORY', 'USAGE', k.appCheckpoints(packed.id)) as number) <
    (await redis.call('MEMORY', 'USAGE', k.appCheckpoints(old.id)) as number), 'the app checkpoints take less room')
})

t.test('a long plan keeps each app in runs of 32 checkpoints, read the same as the layout before', async t => {
  const packed = spec(5 * 60_000)
  const old = spec(5 * 60_000)
  t.ok(packed.planLength > 40)
  for (const s of [packed, old]) t.same(await rollouts.create(s), { created: true })
  const indexes = Array.from({ length: 40 }, (_, i) => i)
  await recordThrough(packed, indexes)
  await writeOldLayout(old, indexes)
  t.same(await reads(packed.id, 39), await reads(old.id, 39))
  t.same((await redis.hkeys(k.appCheckpoints(packed.id))).filter(f => f.endsWith('|RESTAPI')).sort(), ['a0|RESTAPI', 'a1|RESTAPI'])
  t.equal((await board.app(packed.id, 'RESTAPI'))?.checkpoints.length, 40)
})

t.test('codecs give back what they were given', async t => {
  const text = JSON.stringify({ a: 'x'.repeat(500) })
  t.equal(unpack(pack(text)), text)
  t.equal(pack('{}').toString(), '{}', 'a value deflate would not shrink stays plain')
  t.equal(unpack('{"plain":1}'), '{"plain":1}')

  const ev = evidenceAt(3)
  t.equal(unpackEvidence(packEvidence(ev)), ev, 'an evidence with a carry, to the byte')
  t.ok(packEvidence(ev).length < ev.length)
  const noCarry = JSON.stringify({ version: 1, apps: { a: { x: 'y'.repeat(300) } } })
  t.equal(unpackEvidence(packEvidence(noCarry)), noCarry)
  const odd = JSON.stringify({ carry: { v: 1, z: 'not base64!' } })
  t.equal(unpackEvidence(packEvidence(odd)), odd, 'a carry that is not canonical base64 is kept as it is')

  const s = seriesOf(1_700_000_000_000, 40, 3)
  t.same(unpackSeries(packSeries(JSON.stringify(s))), s, 'even steps and exact rates')
  t.match(packSeries(JSON.stringify(s)), /"steps"/)
  t.match(packSeries(JSON.stringify(s)), /"errors"/)
  const uneven = { ...s, start: s.start.map((v, i) => i === 5 ? v + 1 : v) }
  t.same(unpackSeries(packSeries(JSON.stringify(uneven))), uneven, 'uneven starts are kept as they are')
  const inexact = { ...s, canary: { ...s.canary, errorRate: s.canary.errorRate.map((r, i) => r === null || i !== 4 ? r : r + 1e-9) } }
  const back = unpackSeries(packSeries(JSON.stringify(inexact)))
  t.same(back, inexact, 'a rate no count gives back is kept as a rate')
  t.equal(back.canary.errorRate[4], inexact.canary.errorRate[4])
  // The traffic chart draws per-host rpm (perHost): it must survive the packing.
  const withPerHost = {
    ...s,
    canary: { ...s.canary, perHost: s.canary.count.map(c => c === 0 ? null : c / 2) },
    baseline: { ...s.baseline, perHost: s.baseline.count.map(c => c === 0 ? null : c / 4) }
  }
  t.strictSame(unpackSeries(packSeries(JSON.stringify(withPerHost))), withPerHost, 'perHost is kept')
})
