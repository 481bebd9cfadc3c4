import t from 'tap'
import { formatDuration, parseDuration } from '../../src/rollout/duration.ts'

const MIN = 60_000
const HOUR = 60 * MIN

t.test('fixed-length ISO-8601 durations', async t => {
  const cases: Array<[string, number]> = [
    ['PT1H', HOUR], ['PT30M', 30 * MIN], ['PT1H30M', 90 * MIN], ['P1D', 24 * HOUR],
    ['PT90S', 90_000], ['P1W', 7 * 24 * HOUR], ['P1DT2H', 26 * HOUR], ['PT5S', 5000], ['PT0H15M', 15 * MIN]
  ]
  for (const [text, ms] of cases) t.equal(parseDuration(text), ms, text)
})

t.test('refused: months, years, junk, zero', async t => {
  for (const text of ['P1M', 'P1Y', 'P1Y2D', 'P2M1DT1H']) {
    t.throws(() => parseDuration(text), { message: /months or years/ }, text)
  }
  for (const text of [
    '', 'P', 'PT', '1H', 'PT1.5H', 'PT-1H', 'pt1h', 'PT1H30', 'P1DT', 'PT1M1H', 'hourly', 'P1H', `PT${'9'.repeat(20)}S`
  ]) {
    t.throws(() => parseDuration(text), { name: 'DurationError' }, JSON.stringify(text))
  }
  t.throws(() => parseDuration('PT0S'), { message: /zero/ })
})

t.test('formatDuration round-trips', async t => {
  for (const text of ['PT1H', 'PT30M', 'PT1H30M', 'P1D', 'PT5S', 'P1DT1H']) t.equal(formatDuration(parseDuration(text)), text)
})
