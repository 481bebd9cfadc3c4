/**
 * GONOGO_RATE_LIMIT is one budget per client IP for every API process on one Redis: two app
 * instances on one prefix allow exactly one limit between them. The probes are exempt, failed
 * token guesses spend it, and a Redis that goes away makes the limiter step aside, not 500.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, eventually, redisToolEnv, uniquePrefix } from '../helpers/redis.ts'

const LIMIT = 12

t.test('two API processes on one prefix share one budget', async (t) => {
  const prefix = uniquePrefix('rate-limit')
  const env = { GONOGO_RATE_LIMIT: String(LIMIT) }
  const a = await buildTestApp({ prefix, role: 'api', env })
  const b = await buildTestApp({ prefix, role: 'api', env, sim: a.sim })
  t.teardown(async () => {
    await b.close()
    await a.close()
    await cleanPrefix(prefix)
  })
  const statuses: number[] = []
  for (let i = 0; i < 3 * LIMIT; i++) {
    const app = i % 2 === 0 ? a.app : b.app
    statuses.push((await app.inject('/v1/rollouts?limit=1')).statusCode)
  }
  t.equal(statuses.filter(s => s === 200).length, LIMIT, 'the sum of allowed requests is one limit')
  t.equal(statuses.filter(s => s === 429).length, 2 * LIMIT)
  t.same(statuses.slice(0, LIMIT), Array(LIMIT).fill(200), 'the first LIMIT pass, whichever process they reach')

  const refused = await b.app.inject('/v1/rollouts')
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { statusCode: 429, error: 'Too Many Requests', message: /rate limit/i })
  t.ok(Number(refused.headers['retry-after']) > 0, 'retry-after in seconds')
  t.equal(refused.headers['x-ratelimit-limit'], String(LIMIT))

  t.equal((await a.app.inject('/metrics')).statusCode, 429, '/metrics is limited')
  t.equal((await a.app.inject('/no/such/route')).statusCode, 429, 'unknown routes are limited (scans spend the budget)')
  t.equal((await a.app.inject('/healthz')).statusCode, 200, 'the probes are exempt')
  // Not 429: an API role with no worker answers 503 (no heartbeat), which is readiness, not the limiter.
  t.not((await b.app.inject('/readyz')).statusCode, 429, 'readiness is exempt too')

  const other = uniquePrefix('rate-limit-other')
  const c = await buildTestApp({ prefix: other, role: 'api', env, sim: a.sim })
  t.teardown(async () => { await c.close(); await cleanPrefix(other) })
  t.equal((await c.app.inject('/v1/rollouts')).statusCode, 200, 'another GONOGO_REDIS_PREFIX has its own budget')
  t.ok((await a.app.redis.ttl(`${prefix}:rate-limit:127.0.0.1`)) > 0, 'the counter is under the prefix and expires')
})

t.test('failed token guesses spend the budget before authentication answers', async (t) => {
  const prefix = uniquePrefix('rate-limit-auth')
  const test = await buildTestApp({ prefix, role: 'api', tokens: 'ci:right-token', env: { GONOGO_RATE_LIMIT: String(LIMIT) } })
  t.teardown(async () => { await test.close(); await cleanPrefix(prefix) })
  const statuses: number[] = []
  for (let i = 0; i < LIMIT + 3; i++) {
    statuses.push((await test.app.inject({
      method: 'POST', url: '/v1/rollouts', headers: { authorization: `Bearer guess-${i}` }, payload: {}
    })).statusCode)
  }
  t.same(statuses, [...Array(LIMIT).fill(401), 429, 429, 429])
})

const hasRedis = spawnSync('redis-server', ['--version'], { env: redisToolEnv() }).status === 0
t.test('Redis gone: the limiter steps aside, nothing answers 500', { skip: hasRedis ? false : 'redis-server is not installed' }, async (t) => {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', env: redisToolEnv() })
  t.teardown(() => { if (redis.exitCode === null) redis.kill('SIGKILL') })
  const pong = (): boolean => spawnSync('redis-cli', ['-p', String(port), 'ping'], { env: redisToolEnv() }).stdout?.toString().includes('PONG')
  await eventually(async () => pong() || undefined, 10_000, 'private redis up')
  const test = await buildTestApp({
    prefix: uniquePrefix('rate-limit-down'), role: 'api', env: { REDIS_URL: `redis://127.0.0.1:${port}`, GONOGO_RATE_LIMIT: String(LIMIT) }
  })
  t.teardown(test.close)
  t.equal((await test.app.inject('/v1/rollouts')).statusCode, 200, 'limited and allowed while Redis is up')

  const exited = new Promise(resolve => redis.once('exit', resolve))
  redis.kill('SIGKILL')
  await exited
  t.equal((await test.app.inject('/v1/rollouts')).statusCode, 503, 'the store\'s own 503, not a 500 from the limiter')
  for (let i = 0; i < LIMIT + 2; i++) {
    const started = Date.now()
    const res = await test.app.inject('/no/such/route')
    t.equal(res.statusCode, 404, `request ${i}: neither 500 nor 429`)
    t.ok(Date.now() - started < 1500, 'the count waits a bounded time, not for Redis to come back')
  }
  t.equal((await test.app.inject('/metrics')).statusCode, 200, '/metrics still answers')
  t.equal((await test.app.inject('/healthz')).statusCode, 200)
})
