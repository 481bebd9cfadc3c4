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
