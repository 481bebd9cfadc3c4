/**
 * A rollout that leaves its apps to New Relic: created with baselineHosts and no apps, it judges
 * the apps the existing hosts served before it started (one whose agent is missing on the new
 * host comes out NO_DATA), takes team and owners from the entities' tags, and records
 * change-tracking markers when the new host joins and at the decision (read back from the
 * simulator's GET /admin/change-events). Past window, so it runs by catch-up.
 */
import t from 'tap'
import type { Scenario, ScenarioApp } from '../../src/sim/index.ts'
import { startSimulator } from '../../src/sim/index.ts'
import { buildTestApp, SIM_KEY } from '../helpers/app.ts'
import { cleanPrefix, eventually, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'

const HOUR = 3_600_000
const minute = (ms: number): number => Math.floor(ms / 60_000) * 60_000
const iso = (ms: number): string => new Date(ms).toISOString()
const now = minute(Date.now())
const startAt = now - 2 * HOUR
const decisionAt = now - 10 * 60_000
const ACCOUNT = 3300021

const pool = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS09', joins: iso(startAt) }]
const app = (name: string, extra: Partial<ScenarioApp> = {}): ScenarioApp => ({
  name, throughputRpm: 400, latency: { medianMs: 150, sigma: 0.5 }, errorRate: 0.01, hosts: pool, ...extra
})
const scenario: Scenario = {
  name: 'live-newrelic',
  accountId: ACCOUNT,
  seed: 12,
  from: iso(now - 10 * HOUR),
  until: iso(now + HOUR),
  apps: [
    app('Checkout API', { tags: { team: 'Payments', owner: ['Asha', 'Ravi'] } }),
    app('Search.Web', { tags: { team: ['Discovery'], owners: 'Mei' }, throughputRpm: 900 }),
    // The new host serves its share but its APM agent is not configured there.
    app('Legacy Reports', { effects: [{ host: 'PRDIIS09', reporting: false }] }),
    app('Named Team', { tags: { team: 'FromTags' } }),
    // Another pool's app: none of the baseline hosts serves it.
    app('Elsewhere', { hosts: [{ name: 'PRDWEB01' }, { name: 'PRDWEB02' }] })
  ]
}

const sim = await startSimulator({ scenario, port: 0, apiKey: SIM_KEY })
const prefix = uniquePrefix('live-newrelic')
const { app: service, close } = await buildTestApp({
  prefix, sim, accountId: ACCOUNT, env: { GONOGO_PREFLIGHT_MS: '20000', GONOGO_PUBLIC_URL: 'https://gonogo.example.com/' }
})
t.teardown(async () => {
  await close()
  await sim.close()
  await cleanPrefix(prefix)
})

const created = await service.inject({
  method: 'POST',
  url: '/v1/rollouts',
  payload: {
    name: 'PRDIIS09 joins (apps from New Relic)',
    baselineHosts: ['prdiis01', 'PRDIIS02', 'PRDIIS03'],
    canaryHosts: ['PRDIIS09'],
    startAt: iso(startAt),
    decisionAt: iso(decisionAt),
    newRelic: { changeTracking: true }
  }
})
const body = created.json()

t.test('the apps are those the existing hosts served, fixed at creation and returned in the 201', async t => {
  t.equal(created.statusCode, 201, created.body)
  const names = body.apps.map((a: { name: string }) => a.name)
  t.same([...names].sort(), ['Checkout API', 'Legacy Reports', 'Named Team', 'Search.Web'], 'not the other pool\'s app')
  t.equal(names[0], 'Search.Web', 'busiest first')
  t.same(body.discovered.apps, names)
  t.same(body.discovered.baselineHosts, ['prdiis01', 'PRDIIS02', 'PRDIIS03'], 'host names matched case-insensitively')
  t.equal(Date.parse(body.discovered.until), startAt, 'the pre-window ends at startAt')
  t.equal(Date.parse(body.discovered.until) - Date.parse(body.discovered.since), 6 * HOUR)
  t.same(body.newRelic, { changeTracking: true })
  const read = await service.inject({ url: `/v1/rollouts/${String(body.id)}` })
  t.same(read.json().apps, body.apps, 'stored as found')
})

t.test('team and owners come from the entities\' tags', async t => {
  const byName = new Map<string, { team?: string, owners?: string[] }>(body.apps.map((a: { name: string }) => [a.name, a]))
  t.match(byName.get('Checkout API'), { team: 'Payments', owners: ['Asha', 'Ravi'] })
  t.match(byName.get('Search.Web'), { team: 'Discovery', owners: ['Mei'] }, 'owners read from the owners key too')
  t.match(byName.get('Named Team'), { team: 'FromTags' })
  t.notOk(byName.get('Named Team')?.owners, 'no owner tag, no owners')
  t.notOk(byName.get('Legacy Reports')?.team, 'no tags, no team')
})

t.test('decided by catch-up: the app whose agent is missing on the new host is NO_DATA', async t => {
  const rollout = await waitForState(service, body.id, 'decided', 120_000)
  t.equal(rollout.recommendation, 'NO_GO')
  const rec = await service.inject({ url: `/v1/rollouts/${String(body.id)}/recommendation` })
  const verdicts = Object.fromEntries(rec.json().result.apps.map((a: { app: string, verdict: string }) => [a.app, a.verdict]))
  t.equal(verdicts['Legacy Reports'], 'NO_DATA')
  t.equal(verdicts['Checkout API'], 'PASS')
})

t.test('change-tracking markers when the new host joined and at the decision', async t => {
  // The decision's markers follow its record: wait for them.
  const events = await eventually(async () => {
    const res = await fetch(new URL('/admin/change-events', sim.baseUrl))
    const listed = await res.json() as unknown
    const all = (Array.isArray(listed) ? listed : (listed as { events: unknown[] }).events) as Array<Record<string, unknown>>
    return all.length >= 8 ? all : undefined
  }, 30_000, 'eight change events')
  t.equal(events.length, 8, 'two per app: the join and the decision')
  const text = JSON.stringify(events)
  t.match(text, new RegExp(`https://gonogo\\.example\\.com/board/rollouts/${String(body.id)}`), 'the rollout\'s link')
  for (const name of body.discovered.apps as string[]) t.match(text, name, `${name} has its markers`)
  t.match(text, /gonogo NO_GO/, 'the decision says what was decided')
  t.match(text, /PRDIIS09 joined/)
})

t.test('apps may be omitted only with baselineHosts', async t => {
  const res = await service.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: { name: 'no apps', canaryHosts: ['PRDIIS09'], startAt: iso(startAt), decisionAt: iso(decisionAt) }
  })
  t.equal(res.statusCode, 400)
  t.match(res.json().message, /body\.apps is required unless body\.baselineHosts is given/)
  const none = await service.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: {
      name: 'no apps', baselineHosts: ['NOSUCHHOST'], canaryHosts: ['PRDIIS09'], startAt: iso(startAt), decisionAt: iso(decisionAt)
    }
  })
  t.equal(none.statusCode, 400)
  t.match(none.json().message, /NOSUCHHOST served no app/)
})

t.test('tags New Relic does not answer in time: the 201 says the apps have no team, not silence', async t => {
  const slowPrefix = uniquePrefix('live-newrelic-slow')
  const slow = await startSimulator({ scenario, port: 0, apiKey: SIM_KEY, faults: { latencyMs: 400 } })
  const other = await buildTestApp({ prefix: slowPrefix, sim: slow, accountId: ACCOUNT, env: { GONOGO_PREFLIGHT_MS: '150' } })
  t.teardown(async () => {
    await other.close()
    await slow.close()
    await cleanPrefix(slowPrefix)
  })
  const res = await other.app.inject({
    method: 'POST',
    url: '/v1/rollouts',
    payload: { name: 'tags too slow', apps: [{ name: 'Checkout API' }], canaryHosts: ['PRDIIS09'], startAt: iso(startAt), decisionAt: iso(decisionAt) }
  })
  t.equal(res.statusCode, 201, res.body)
  t.notOk(res.json().apps[0].team, 'no team read')
  t.match(res.json().warnings.join('\n'), /team and owners could not be read from the apps' New Relic entity tags/)
})
