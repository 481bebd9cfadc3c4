import t from 'tap'
import { backoffDelay, parseRetryAfter } from '../../src/newrelic/backoff.ts'

t.test('full jitter grows exponentially up to the cap', async t => {
  t.equal(backoffDelay(1, 250, 10_000, undefined, () => 0.999), 249)
  t.equal(backoffDelay(2, 250, 10_000, undefined, () => 0.999), 499)
  t.equal(backoffDelay(3, 250, 10_000, undefined, () => 0.5), 500)
  t.equal(backoffDelay(10, 250, 10_000, undefined, () => 0.999), 9990, 'capped by maxDelay')
  t.equal(backoffDelay(1, 250, 10_000, undefined, () => 0), 0, 'full jitter reaches zero')
})

t.test('Retry-After wins, capped by maxDelay', async t => {
  t.equal(backoffDelay(1, 250, 10_000, 3000), 3000)
  t.equal(backoffDelay(1, 250, 10_000, 60_000), 10_000)
  t.equal(backoffDelay(1, 250, 10_000, -5), 0)
})

t.test('parseRetryAfter reads seconds and HTTP dates', async t => {
  const now = Date.parse('2025-09-08T10:00:00Z')
  t.equal(parseRetryAfter('3', now), 3000)
  t.equal(parseRetryAfter('1.5', now), 1500)
  t.equal(parseRetryAfter(' 0 ', now), 0)
  t.equal(parseRetryAfter('Mon, 08 Sep 2025 10:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('Mon, 08 Sep 2025 09:00:00 GMT', now), 0, 'a past date means now')
  t.equal(parseRetryAfter(['2', '9'], now), 2000)
  t.equal(parseRetryAfter(undefined, now), undefined)
  t.equal(parseRetryAfter('soon', now), undefined)
  t.equal(parseRetryAfter('-1', now), undefined)
})
