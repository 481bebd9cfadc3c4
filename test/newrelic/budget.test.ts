/**
 * One NerdGraph budget shared through real Redis by several clients (as several gonogo processes
 * would): against a simulator that enforces New Relic's limits, low ones here, nothing is refused.
 */
import { createHash } from 'node:crypto'
import t from 'tap'
import { Redis } from 'ioredis'
import { RedisBudget, nrqlWindow } from '../../src/newrelic/budget.ts'
import { cleanPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts'
import { ACCOUNT_ID, API_KEY, FROM, UNTIL, clientFor, startSim } from './sim-helpers.ts'

const prefix = uniquePrefix('budget')
const redis = new Redis(REDIS_URL)
t.teardown(async () => {
  await cleanPrefix(prefix, redis)
  await redis.quit()
})

const COUNT = `SELECT count(*) FROM Transaction WHERE appName = 'RESTAPI' SINCE ${FROM} UNTIL ${UNTIL}`

t.test('windows keep any 61 seconds within the minute budget', async t => {
  t.same(nrqlWindow(3000, 5), { seconds: 5, points: 214 }, '14 windows of 5 s meet a 61 s span at most')
  const small = nrqlWindow(40, 5)
  t.ok(small.points >= 5, 'a window holds a whole request')
  t.ok(small.points * (Math.ceil(61 / small.seconds) + 1) <= 40, `${JSON.stringify(small)} within 40 a minute`)
})

t.test('three clients sharing a budget never exceed the concurrency limit', async t => {
  const sim = await startSim(t)
  // Every request takes 300 ms; three clients of 4 each would put 12 in flight, the limit is 3.
  sim.setLimits({ maxConcurrent: 3, costPerQueryMs: 300, retryAfterSeconds: 1 })
  const budgetPrefix = `${prefix}:c`
  const clients = [0, 1, 2].map(() => clientFor(t, sim, {
    concurrency: 4,
    maxRetries: 0,
    timeoutMs: 20_000,
    budget: new RedisBudget({
      redis, prefix: budgetPrefix, apiKey: API_KEY, maxConcurrent: 3, nrqlPerMinute: 100_000, queriesPerRequest: 1
    })
  }))
  const queries = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`q${i}`, COUNT]))
  const runs = await Promise.all(clients.map(async c => await c.nrql(ACCOUNT_ID, queries(8))))
  t.equal(runs.flatMap(r => Object.keys(r)).length, 24, 'every query answered')
  const stats = sim.counters()
  t.equal(stats.rejected, 0, 'no 429')
  t.ok(stats.maxInFlight <= 3, `at most 3 in flight (${stats.maxInFlight})`)
  t.equal(stats.maxInFlight, 3, 'and the budget is used')
  const slots = `semaphore:${budgetPrefix}:nerdgraph:slots:${createHash('sha256').update(API_KEY).digest('hex').slice(0, 16)}`
  t.equal(await redis.zcard(slots), 0, 'every slot given back')
})

t.test('three clients sharing a budget stay within the NRQL rate limit', async t => {
  const sim = await startSim(t)
  sim.setLimits({ maxNrqlPerMinute: 40 })
  const budget = (): RedisBudget => new RedisBudget({
    redis, prefix: `${prefix}:r`, apiKey: API_KEY, maxConcurrent: 25, nrqlPerMinute: 40, queriesPerRequest: 5
  })
  const clients = [0, 1, 2].map(() => clientFor(t, sim, { maxRetries: 0, maxQueriesPerRequest: 5, budget: budget() }))
  const window = budget().window
  // Per client 4 queries: 12 in all fit a window at once only if the windows were wrong.
  const started = Date.now()
  const queries = Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`q${i}`, COUNT]))
  const runs = await Promise.all(clients.map(async c => await c.nrql(ACCOUNT_ID, queries)))
  t.equal(runs.flatMap(r => Object.keys(r)).length, 12)
  const stats = sim.counters()
  t.equal(stats.rateLimited, 0, 'no TOO_MANY_REQUESTS')
  t.ok(stats.nrqlPerMinuteMax <= 40, `at most 40 in any minute (${stats.nrqlPerMinuteMax})`)
  t.ok(window.points < 12, `a ${window.seconds} s window holds ${window.points}: the clients had to wait their turn`)
  t.ok(Date.now() - started >= (window.seconds - 1) * 1000, 'and did')
})

t.test('a slot a crashed process held runs out with its lease', async t => {
  const budget = new RedisBudget({
    redis, prefix: `${prefix}:l`, apiKey: API_KEY, maxConcurrent: 1, nrqlPerMinute: 1000, queriesPerRequest: 1, leaseMs: 2000
  })
  const slots = budget.slotKey
  t.equal(slots, `semaphore:${prefix}:l:nerdgraph:slots:${createHash('sha256').update(API_KEY).digest('hex').slice(0, 16)}`)
  // A holder that stopped refreshing 3 s ago (its process died): the only slot, long expired.
  await redis.zadd(slots, Date.now() - 3000, 'dead-process')
  const release = await budget.acquire(ACCOUNT_ID, 1)
  t.same(await redis.zrange(slots, 0, -1).then(ids => ids.includes('dead-process')), false, 'the dead holder was dropped')
  // While held, a second request waits; aborting the wait frees nothing and throws.
  const stop = new AbortController()
  setTimeout(() => { stop.abort() }, 200)
  await t.rejects(budget.acquire(ACCOUNT_ID, 1, stop.signal), /stopped waiting/)
  await release()
  t.equal(await redis.zcard(slots), 0)
})
