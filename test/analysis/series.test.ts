/** The board's series: besides the sides' sums, one host's traffic as the throughput check compares it. */
import t from 'tap'
import { leftOutOf, seriesOf } from '../../src/analysis/series.ts'
import type { CheckpointData, SeriesPoint } from '../../src/judge/input.ts'

const from = Date.now() - 3_600_000
const at = (k: number): number => from + k * 60_000
const point = (host: string, k: number, count: number): SeriesPoint => ({ host, startMs: at(k), count, errors: 0, p95S: 0.2 })

function data (series: SeriesPoint[], canaryHosts = ['NEW1']): CheckpointData {
  const side = { p50S: null, p95S: null, p99S: null }
  return {
    from,
    until: at(60),
    preFrom: from - 6 * 3_600_000,
    bucketMinutes: 1,
    canaryHosts,
    baselineHosts: null,
    apps: [{
      app: 'A',
      slowThresholdS: null,
      window: { hosts: [], canary: side, baseline: side, series, errorClasses: [] },
      pre: { hosts: [], errorClasses: [] }
    }]
  } as unknown as CheckpointData
}

t.test('a new host at x0.6 of a typical existing host shows as x0.6 per host, not as a sliver of the summed pool', async t => {
  // Four existing hosts of 100, 100, 110 and 400 (one big old server) and a new host of 60 a minute.
  const series = [0, 1].flatMap(k => [
    point('OLD1', k, 100), point('OLD2', k, 100), point('OLD3', k, 110), point('OLD4', k, 400), point('NEW1', k, 60)
  ])
  const s = seriesOf(data(series)).A
  t.same(s.baseline.count, [710, 710], 'the sum is still there')
  t.same(s.baseline.perHost, [105, 105], 'the median existing host, as the check takes it (the big one does not move it)')
  t.same(s.canary.perHost, [60, 60])
  t.equal((s.canary.perHost?.[0] ?? 0) / (s.baseline.perHost?.[0] ?? 1), 60 / 105)
})

t.test('several new hosts: the mean of those reporting in the bucket; no host of a side: null', async t => {
  const series = [
    point('OLD1', 0, 100), point('OLD2', 0, 90), point('OLD3', 0, 80), point('NEW1', 0, 50), point('NEW2', 0, 70),
    point('OLD1', 1, 100), point('OLD2', 1, 90), point('OLD3', 1, 80), point('NEW2', 1, 70),
    point('OLD1', 2, 100)
  ]
  const s = seriesOf(data(series, ['NEW1', 'NEW2'])).A
  t.same(s.canary.perHost, [60, 70, null])
  t.same(s.baseline.perHost, [90, 90, 100])
})

t.test('a long series merged into fewer points keeps per-host traffic over the merged span', async t => {
  const series = Array.from({ length: 240 }, (_, k) => [point('OLD1', k, 10), point('OLD2', k, 30), point('NEW1', k, 12)]).flat()
  const s = seriesOf(data(series)).A
  t.equal(s.bucketMinutes, 2)
  t.equal(s.start.length, 120)
  t.same(new Set(s.baseline.perHost), new Set([40]), 'median of 10 and 30 a minute, over two minutes')
  t.same(new Set(s.canary.perHost), new Set([24]))
})

t.test('a window that is not a whole number of merged spans: the last, shorter span is scaled to a whole one', async t => {
  // 350 one-minute buckets merge in threes: 116 spans of 3 and a last one of 2.
  const series = Array.from({ length: 350 }, (_, k) => [point('OLD1', k, 10), point('OLD2', k, 30), point('NEW1', k, 12)]).flat()
  const s = seriesOf(data(series)).A
  t.equal(s.bucketMinutes, 3)
  t.equal(s.start.length, 117)
  t.same(new Set(s.baseline.perHost), new Set([60]), 'every span, the last one too, is 20 a minute over three minutes')
  t.same(new Set(s.canary.perHost), new Set([36]))
})

t.test('an existing host the verdict left out of a baseline is left out of that line of the chart', async t => {
  const errs = (host: string, k: number, count: number, errors: number, p95S: number): SeriesPoint =>
    ({ host, startMs: at(k), count, errors, p95S })
  // OLD3 is sick: 8% errors and a 1 s p95 against 1% and 0.2 s on the others.
  const series = [0, 1].flatMap(k => [
    errs('OLD1', k, 100, 1, 0.2), errs('OLD2', k, 100, 1, 0.2), errs('OLD3', k, 100, 8, 1), errs('NEW1', k, 100, 2, 0.2)
  ])
  const mixed = seriesOf(data(series)).A
  const mix = Number((10 / 300).toPrecision(6))
  t.same(mixed.baseline.errorRate, [mix, mix], 'without the verdict\'s word, every existing host counts')
  const left = leftOutOf([{ app: 'A', excludedBaselineHosts: [{ host: 'old3', checks: ['errorRate'] }] }])
  const s = seriesOf(data(series), left).A
  t.same(s.baseline.errorRate, [0.01, 0.01], 'the error-rate line is the other existing hosts\' 1%')
  t.same(s.baseline.p95, mixed.baseline.p95, 'the p95 line still counts OLD3: it was not left out of latency')
  t.same(s.baseline.count, [300, 300], 'traffic counts every existing host, as the throughput check does')
  const bothLeft = leftOutOf([{ app: 'A', excludedBaselineHosts: [{ host: 'OLD3', checks: ['errorRate', 'latency'] }] }])
  const both = seriesOf(data(series), bothLeft).A
  t.same(both.baseline.p95, [0.2, 0.2], 'left out of latency too: the p95 line is the others\'')
})

const hostPoint = (host: string, k: number, count: number, errors: number, p95S: number | null): SeriesPoint =>
  ({ host, startMs: at(k), count, errors, p95S })

t.test('several new hosts: each one\'s own traffic, error rate and p95, null where it did not report', async t => {
  const series = [0, 1, 2].flatMap(k => [
    hostPoint('OLD1', k, 100, 1, 0.2), hostPoint('OLD2', k, 100, 1, 0.2),
    hostPoint('WEBNEW1', k, 100, 1, 0.2),
    hostPoint('WEBNEW2', k, 50, 5, 0.5),
    ...(k === 1 ? [] : [hostPoint('webnew3', k, 80, 0, k === 2 ? null : 0.3)])
  ])
  const s = seriesOf(data(series, ['WEBNEW2', 'WEBNEW1', 'WEBNEW3', 'WEBNEW4'])).A
  t.same(s.newHosts, [
    { host: 'WEBNEW1', perHost: [100, 100, 100], errorRate: [0.01, 0.01, 0.01], p95: [0.2, 0.2, 0.2] },
    { host: 'WEBNEW2', perHost: [50, 50, 50], errorRate: [0.1, 0.1, 0.1], p95: [0.5, 0.5, 0.5] },
    { host: 'webnew3', perHost: [80, null, 80], errorRate: [0, null, 0], p95: [0.3, null, null] },
    { host: 'WEBNEW4', perHost: [null, null, null], errorRate: [null, null, null], p95: [null, null, null] }
  ], 'by name, as each reports itself; a host that sent nothing is there with nulls')
  t.same(s.canary.errorRate, [Number((6 / 230).toPrecision(6)), Number((6 / 150).toPrecision(6)), Number((6 / 230).toPrecision(6))],
    'the pooled line is still the new hosts together, where WEBNEW2\'s 10% is diluted')
  t.same(s.canary.perHost, [Number((230 / 3).toPrecision(6)), 75, Number((230 / 3).toPrecision(6))])
})

t.test('one new host: no newHosts (its side is that host)', async t => {
  const s = seriesOf(data([point('OLD1', 0, 100), point('NEW1', 0, 60)])).A
  t.notOk('newHosts' in s)
})

t.test('merged spans: a host\'s error rate is its errors over its transactions, p95 weighted by traffic, traffic summed', async t => {
  // Odd minutes: 100 transactions, 1 error, p95 0.2 s; even: 300, 30 errors, 0.6 s. A mean of rates would say 5.5% and 0.4 s.
  const series = Array.from({ length: 240 }, (_, k) => [
    point('OLD1', k, 50), point('NEW1', k, 40),
    k % 2 === 0 ? hostPoint('NEW2', k, 300, 30, 0.6) : hostPoint('NEW2', k, 100, 1, 0.2)
  ]).flat()
  const s = seriesOf(data(series, ['NEW1', 'NEW2'])).A
  t.equal(s.bucketMinutes, 2)
  const two = s.newHosts?.find(h => h.host === 'NEW2')
  t.same(new Set(two?.errorRate), new Set([Number((31 / 400).toPrecision(6))]))
  t.same(new Set(two?.p95), new Set([0.5]), '(300 x 0.6 + 100 x 0.2) / 400')
  t.same(new Set(two?.perHost), new Set([400]))
  t.equal(two?.perHost.length, s.start.length, 'the same grid as the sides')

  // 350 minutes merge in threes, the last span of two: scaled to three, as the sides' perHost is.
  const short = Array.from({ length: 350 }, (_, k) => [point('OLD1', k, 50), point('NEW1', k, 12), point('NEW2', k, 20)]).flat()
  const m = seriesOf(data(short, ['NEW1', 'NEW2'])).A
  t.equal(m.bucketMinutes, 3)
  t.same(new Set(m.newHosts?.[0].perHost), new Set([36]))
  t.same(new Set(m.newHosts?.[1].perHost), new Set([60]))
  t.equal(m.newHosts?.[0].perHost.length, 117)
})

t.test('a large fleet: the 8 new hosts with the highest error rate over the window, the rest only in the side', async t => {
  // NEW01..NEW12 with 1..12 errors a minute out of 100, but NEW04 has 20 in the second minute: 12% over the window.
  const names = Array.from({ length: 12 }, (_, i) => `NEW${String(i + 1).padStart(2, '0')}`)
  const series = [0, 1].flatMap(k => [
    point('OLD1', k, 100),
    ...names.map((h, i) => hostPoint(h, k, 100, i === 3 && k === 1 ? 20 : i + 1, 0.2))
  ])
  const s = seriesOf(data(series, names.slice().reverse())).A
  t.same(s.newHosts?.map(h => h.host), ['NEW04', 'NEW06', 'NEW07', 'NEW08', 'NEW09', 'NEW10', 'NEW11', 'NEW12'], 'by name')
  t.same(s.canary.count, [1200, 1200], 'every new host is still in the side')
})
