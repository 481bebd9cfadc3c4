/**
 * A 24-checkpoint rollout over a past window (catch-up), once reading New Relic incrementally
 * and once reading the whole window at every checkpoint: every checkpoint judges the same.
 * A generated scenario: a regression that starts ten hours in, a new error class, a sparse app.
 */
import t from 'tap'
import type { Checkpoint } from '../../src/schemas/rollout.ts'
import { startSimulator, type Scenario } from '../../src/sim/index.ts'
import { buildTestApp, SIM_KEY } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'
import { waitForState } from '../helpers/wait.ts'
import { sameResult } from '../newrelic/incremental-chain.ts'

const HOUR = 3_600_000
const iso = (ms: number): string => new Date(ms).toISOString()
const startAt = Math.floor(Date.now() / HOUR) * HOUR - 26 * HOUR
const decisionAt = startAt + 24 * HOUR
const hosts = [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS09', joins: iso(startAt) }]
const app = (name: string, throughputRpm: number, extra: Record<string, unknown> = {}): Scenario['apps'][number] => ({
  name, throughputRpm, latency: { medianMs: 150, sigma: 0.5 }, errorRate: 0.01, errors: { 'System.TimeoutException': 1 }, diurnal: 0.3, hosts, ...extra
})
const scenario: Scenario = {
  name: 'incremental-24',
  accountId: 3300001,
  seed: 24,
  from: iso(startAt - 7 * HOUR),
  until: iso(decisionAt + HOUR),
  apps: [
    app('Steady API', 300),
    app('Regressing API', 300, {
      effects: [{ host: 'PRDIIS09', from: iso(startAt + 10 * HOUR), errorRateMultiplier: 2.5, latencyMultiplier: 1.3 }]
    }),
    app('New Errors API', 200, { effects: [{ host: 'PRDIIS09', newErrors: { 'System.IO.IOException': 0.002 } }] }),
    app('Sparse Batch', 3)
  ]
}
const sim = await startSimulator({ scenario, port: 0, apiKey: SIM_KEY })
t.teardown(async () => { await sim.close() })

async function run (read: 'full' | 'incremental'): Promise<Checkpoint[]> {
  const prefix = uniquePrefix(`incremental-24-${read}`)
  const { app: api, close } = await buildTestApp({ prefix, sim, env: { GONOGO_CHECKPOINT_READ: read } })
  try {
    const created = await api.inject({
      method: 'POST',
      url: '/v1/rollouts',
      payload: {
        name: `24 checkpoints, ${read}`,
        apps: scenario.apps.map(a => a.name),
        canaryHosts: ['PRDIIS09'],
        startAt: iso(startAt),
        decisionAt: iso(decisionAt),
        checkpointEvery: 'PT1H'
      }
    })
    if (created.statusCode !== 201) throw new Error(created.body)
    const id = created.json().id as string
    await waitForState(api, id, 'decided', 600_000)
    return (await api.inject(`/v1/rollouts/${id}/checkpoints?limit=100`)).json().items
  } finally {
    await close()
    await cleanPrefix(prefix)
  }
}

t.test('incremental and full reads judge every checkpoint alike', async t => {
  const inc = await run('incremental')
  const full = await run('full')
  t.equal(inc.length, 24)
  t.equal(full.length, 24)
  for (const [i, c] of inc.entries()) {
    t.equal(c.status, 'ok', `checkpoint ${i} ok`)
    if (c.result === null || full[i].result === null) continue
    sameResult(t, c.result, full[i].result, `checkpoint ${i}`)
  }
  const decision = inc[23].result
  const verdicts = Object.fromEntries((decision?.apps ?? []).map(a => [a.app, a.verdict]))
  t.equal(verdicts['Regressing API'], 'FAIL', 'the late regression is caught')
  t.not(verdicts['Steady API'], 'FAIL', 'the steady app is not blamed')
})
