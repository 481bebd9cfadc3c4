/** The stored series with each new host's own lines: packed smaller, read back the same, and series stored before unchanged. */
import t from 'tap'
import { seriesOf } from '../../src/analysis/series.ts'
import type { CheckpointData, SeriesPoint } from '../../src/judge/input.ts'
import type { AppSeries } from '../../src/schemas/board.ts'
import { packSeries, unpackSeries } from '../../src/store/series-codec.ts'

const from = Date.now() - 6 * 3_600_000
const minute = (k: number): number => from + k * 60_000

/** A real series of `minutes` one-minute buckets: two existing hosts, three new ones (NEW3 sends nothing after minute 40). */
function series (minutes: number): AppSeries {
  const points: SeriesPoint[] = []
  for (let k = 0; k < minutes; k++) {
    points.push({ host: 'OLD1', startMs: minute(k), count: 90 + (k % 7), errors: k % 3, p95S: 0.21 })
    points.push({ host: 'OLD2', startMs: minute(k), count: 110, errors: 1, p95S: 0.2 })
    points.push({ host: 'NEW1', startMs: minute(k), count: 95 + (k % 5), errors: k % 2, p95S: 0.2 + (k % 4) / 100 })
    points.push({ host: 'NEW2', startMs: minute(k), count: 60 + (k % 11), errors: 4 + (k % 3), p95S: 0.45 })
    if (k < 40) points.push({ host: 'NEW3', startMs: minute(k), count: 80, errors: 0, p95S: k % 2 === 0 ? null : 0.3 })
  }
  const data = {
    from,
    until: minute(minutes),
    bucketMinutes: 1,
    canaryHosts: ['NEW1', 'NEW2', 'NEW3'],
    baselineHosts: null,
    apps: [{ app: 'A', window: { series: points } }]
  } as unknown as CheckpointData
  return seriesOf(data).A
}

t.test('each new host\'s series comes back as it was, packed smaller', async t => {
  for (const minutes of [60, 240, 350]) {
    const s = series(minutes)
    t.equal(s.newHosts?.length, 3)
    const packed = packSeries(JSON.stringify(s))
    t.strictSame(unpackSeries(packed), s, `${minutes} minutes (${s.start.length} points)`)
    t.ok(packed.length < JSON.stringify(s).length, `${packed.length} < ${JSON.stringify(s).length} bytes`)
  }
  // One minute a bucket: every host's rates come back from its own transactions, so they are stored as error counts.
  const hosts = (JSON.parse(packSeries(JSON.stringify(series(60)))) as { hosts: Array<Record<string, unknown>> }).hosts
  t.same(hosts.map(h => [h.host, 'errors' in h, 'errorRate' in h]), [['NEW1', true, false], ['NEW2', true, false], ['NEW3', true, false]])
})

t.test('a host rate no count gives back is kept as a rate', async t => {
  const s = series(60)
  const nudged = (rates: Array<number | null>): Array<number | null> => rates.map((r, k) => k === 3 && r !== null ? r + 1e-9 : r)
  const odd = { ...s, newHosts: s.newHosts?.map((h, i) => i !== 1 ? h : { ...h, errorRate: nudged(h.errorRate) }) }
  const back = unpackSeries(packSeries(JSON.stringify(odd)))
  t.strictSame(back, odd)
  t.equal(back.newHosts?.[1].errorRate[3], odd.newHosts?.[1].errorRate[3])
})

// A series without newHosts (one new host), packed by the version before this one: it must read back unchanged, and this
// version must store such a series to the byte as that one did (a rollout's single-new-host apps do not grow).
const BEFORE = '{"bucketMinutes":12,"steps":[1700000000000,720000,3],' +
  '"canary":{"count":[100,0,50],"errors":[3,null,1],"perHost":[50,null,25]},' +
  '"baseline":{"count":[400,300,200],"errors":[5,3,3],"perHost":[100,75,50]},"p95":[[0.25,null,0.3],[0.2,0.21,0.22]]}'
const ONE: AppSeries = {
  bucketMinutes: 12,
  start: [1_700_000_000_000, 1_700_000_720_000, 1_700_001_440_000],
  canary: { count: [100, 0, 50], perHost: [50, null, 25], errorRate: [0.03, null, 0.02], p95: [0.25, null, 0.3] },
  baseline: { count: [400, 300, 200], perHost: [100, 75, 50], errorRate: [0.0125, 0.01, 0.015], p95: [0.2, 0.21, 0.22] }
}

t.test('series stored before newHosts read back unchanged, and one new host is stored as before', async t => {
  const back = unpackSeries(BEFORE)
  t.strictSame(back, ONE)
  t.notOk('newHosts' in back)
  t.equal(packSeries(JSON.stringify(ONE)), BEFORE, 'to the byte')
  const plain = JSON.stringify(ONE)
  t.strictSame(unpackSeries(plain), ONE, 'a plain (unpacked) series of the versions before that')
})
