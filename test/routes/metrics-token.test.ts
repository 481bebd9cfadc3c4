/**
 * GONOGO_METRICS_TOKEN: /metrics answers only `Authorization: Bearer <that token>` (it lists
 * rollout ids), whatever GONOGO_API_TOKENS says; unset, /metrics is as open as any read.
 */
import t from 'tap'
import { buildTestApp } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const METRICS_TOKEN = 'scrape-3f9c2a7d41b8e605'

t.test('with the metrics token set, only that token reads /metrics', async (t) => {
  const prefix = uniquePrefix('metrics-token')
  const test = await buildTestApp({ prefix, role: 'api', env: { GONOGO_METRICS_TOKEN: METRICS_TOKEN } })
  t.teardown(async () => { await test.close(); await cleanPrefix(prefix) })
  const get = async (authorization?: string) =>
    await test.app.inject({ url: '/metrics', headers: authorization === undefined ? {} : { authorization } })

  const none = await get()
  t.equal(none.statusCode, 401)
  t.match(none.json(), { statusCode: 401, error: 'Unauthorized', message: /GONOGO_METRICS_TOKEN/ })
  t.match(none.headers['www-authenticate'], /^Bearer/)
  for (const wrong of [`Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, 'Bearer ', `Basic ${METRICS_TOKEN}`, METRICS_TOKEN]) {
    const res = await get(wrong)
    t.equal(res.statusCode, 401, wrong)
    t.same(Object.keys(res.json()).sort(), ['error', 'message', 'statusCode'])
    t.notMatch(res.body, METRICS_TOKEN.slice(0, 8), 'the token is never echoed')
  }
  const ok = await get(`Bearer ${METRICS_TOKEN}`)
  t.equal(ok.statusCode, 200)
  t.match(ok.body, /^# HELP gonogo_/m)
  t.equal((await get(`bearer  ${METRICS_TOKEN} `)).statusCode, 200, 'the scheme is case-insensitive, as in auth.ts')
  t.equal((await test.app.inject('/healthz')).statusCode, 200, 'the probes need nothing')
  t.equal((await test.app.inject('/v1/rollouts')).statusCode, 200, 'reads stay as open as before')
})

t.test('with reads behind API tokens, /metrics takes the metrics token and not an API token', async (t) => {
  const prefix = uniquePrefix('metrics-token-reads')
  const test = await buildTestApp({
    prefix, role: 'api', tokens: 'ana:api-token-1', env: { GONOGO_METRICS_TOKEN: METRICS_TOKEN, GONOGO_READ_TOKENS_REQUIRED: 'true' }
  })
  t.teardown(async () => { await test.close(); await cleanPrefix(prefix) })
  const metrics = async (token: string) => (await test.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode
  t.equal(await metrics(METRICS_TOKEN), 200)
  t.equal(await metrics('api-token-1'), 401, 'an API token is not the scrape token')
  const read = async (token: string) => (await test.app.inject({ url: '/v1/rollouts', headers: { authorization: `Bearer ${token}` } })).statusCode
  t.equal(await read('api-token-1'), 200)
  t.equal(await read(METRICS_TOKEN), 401, 'and the scrape token reads nothing else')
})

t.test('without it, /metrics is open as before', async (t) => {
  const prefix = uniquePrefix('metrics-open')
  const test = await buildTestApp({ prefix, role: 'api' })
  t.teardown(async () => { await test.close(); await cleanPrefix(prefix) })
  t.equal((await test.app.inject('/metrics')).statusCode, 200)
})
