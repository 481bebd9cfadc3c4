/** Creating a rollout checks its names against New Relic (services/preflight.ts). */
import t from 'tap'
import { buildTestApp, poolAddRollout } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

const prefix = uniquePrefix('preflight')
// API role: these rollouts are only created and read, never run.
const { app, sim, close } = await buildTestApp({ prefix, role: 'api', env: { GONOGO_PREFLIGHT_MS: '5000' } })
t.teardown(async () => {
  await close()
  await cleanPrefix(prefix)
})
const create = async (body: Record<string, unknown>) => await app.inject({ method: 'POST', url: '/v1/rollouts', payload: body })

t.test('right names: warnings is an empty list, not absent (clients need no existence check)', async t => {
  const res = await create(poolAddRollout({ apps: ['RESTAPI', 'Billing.Service'] }))
  t.equal(res.statusCode, 201, res.body)
  t.same(res.json().warnings, [])
  t.equal((await app.inject(`/v1/rollouts/${res.json().id as string}`)).json().warnings, undefined, 'a read has no warnings: they are the create\'s')
})

t.test('a misspelt app, a misspelt canary and an unknown baseline host come back as warnings; the rollout is created', async t => {
  const res = await create(poolAddRollout({ apps: ['RESTAPI', 'Billing.Servcie'], canaryHosts: ['PRDIIS9'], baselineHosts: ['PRDIIS01', 'PRDIIS42'] }))
  t.equal(res.statusCode, 201, res.body)
  const warnings: string[] = res.json().warnings
  t.equal(warnings.length, 3, warnings.join('\n'))
  t.match(warnings[0], /^no transactions in account 3300001 between 2026-11-24T04:30:00\.000Z and 2026-11-25T10:00:00\.000Z for app "Billing\.Servcie": is the name right/)
  t.match(warnings[1], /^baseline host PRDIIS42 reported none of the apps/)
  t.match(warnings[2], /^canary host PRDIIS9 reported none of the apps .*is the APM agent installed\?$/)
  t.equal((await app.inject(`/v1/rollouts/${res.json().id as string}`)).statusCode, 200, 'stored')
})

t.test('an account the caller named and the key cannot read is refused before anything is stored', async t => {
  const res = await create(poolAddRollout({ accountId: 999 }))
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /^body\.accountId: New Relic account 999 cannot be read/)
})

t.test('New Relic down or slow: a warning, and the rollout is created', async t => {
  t.teardown(() => sim.setFaults({}))
  sim.setFaults({ rate500: 1 })
  const down = await create(poolAddRollout())
  t.equal(down.statusCode, 201, down.body)
  t.match(down.json().warnings, [/^could not check the app and host names against New Relic: New Relic could not be read \(HTTP 500/])
  sim.setFaults({ latencyMs: 8000 })
  const started = Date.now()
  const slow = await create(poolAddRollout())
  t.equal(slow.statusCode, 201)
  t.ok(Date.now() - started < 7000, 'creation does not wait for New Relic past GONOGO_PREFLIGHT_MS')
  t.same(slow.json().warnings, [
    'could not check the app and host names against New Relic within 5000 ms',
    // The bundled rollout leaves most apps' team to the tags, which could not be read either.
    'team and owners could not be read from the apps\' New Relic entity tags in time (see the service log): ' +
      'the apps without a team in body.apps have none; give team and owners there'
  ])
})

t.test('an idempotent replay does not check again', async t => {
  t.teardown(() => sim.setFaults({}))
  const headers = { 'idempotency-key': `replay-${Date.now()}` }
  const first = await app.inject({ method: 'POST', url: '/v1/rollouts', headers, payload: poolAddRollout() })
  t.equal(first.statusCode, 201)
  sim.setFaults({ latencyMs: 8000 })
  const started = Date.now()
  const again = await app.inject({ method: 'POST', url: '/v1/rollouts', headers, payload: poolAddRollout() })
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.json().id, first.json().id)
  t.ok(Date.now() - started < 2000, `answered in ${Date.now() - started} ms without asking New Relic`)
})
