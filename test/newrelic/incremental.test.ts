/**
 * Incremental checkpoints judge what a full re-read judges: the bundled scenario's six
 * checkpoints, with a manual checkpoint between two, a failed one, a retried one and one whose
 * carried state is missing.
 */
import t from 'tap'
import pino from 'pino'
import { unpackCarry } from '../../src/newrelic/carry.ts'
import { NerdGraphClient } from '../../src/newrelic/client.ts'
import { loadScenario, startSimulator } from '../../src/sim/index.ts'
import type { Target } from '../../src/rollout/target.ts'
import { POOL_ADD } from '../helpers/app.ts'
import { look, sameResult, type Out } from './incremental-chain.ts'

const HOUR = 3_600_000
const scenario = loadScenario(POOL_ADD)
const sim = await startSimulator({ scenario, port: 0, apiKey: 'k', faults: {} })
const client = new NerdGraphClient({ url: sim.url, apiKey: 'k', baseDelayMs: 5, maxDelayMs: 50, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await client.close()
  await sim.close()
})

const target: Target = {
  accountId: scenario.accountId,
  apps: scenario.apps.map(a => ({ name: a.name })),
  canaryHosts: ['PRDIIS09'],
  baselineHosts: null
}
const names = target.apps.map(a => a.name)
const startAt = Date.parse('2026-11-25T04:30:00Z')
const decisionAt = Date.parse('2026-11-25T10:00:00Z')
const plan = [1, 2, 3, 4, 5].map(h => startAt + h * HOUR).concat(decisionAt)

t.test('every planned checkpoint and the decision agree with a full re-read', async t => {
  let full: Out | undefined
  let inc: Out | undefined
  for (const [i, at] of plan.entries()) {
    full = await look(client, target, startAt, at, decisionAt, 'full', full?.evidence)
    inc = await look(client, target, startAt, at, decisionAt, 'incremental', inc?.evidence)
    sameResult(t, inc.result, full.result, `checkpoint ${i}`)
    const key = {
      from: startAt, until: at, preFrom: startAt - 6 * HOUR, bucketMinutes: 1, apps: names, canaryHosts: ['PRDIIS09'], baselineHosts: null
    }
    t.equal(unpackCarry(inc.evidence.carry, key)?.settledUntil, at - HOUR / 12, `checkpoint ${i} leaves its last 5 minutes open`)
  }
  t.equal(full?.result.recommendation, 'NO_GO')
})

t.test('a manual checkpoint between two, a failed, a retried and a lost state', async t => {
  const first = await look(client, target, startAt, plan[0], decisionAt, 'incremental')
  const firstFull = await look(client, target, startAt, plan[0], decisionAt, 'full')
  // Manual, off the minute: continues the chain's state, never extends it.
  const manualAt = plan[0] + 37 * 60_000 + 17_000
  const manual = await look(client, target, startAt, manualAt, decisionAt, 'incremental', first.evidence)
  const manualFull = await look(client, target, startAt, manualAt, decisionAt, 'full', firstFull.evidence)
  // Off the bucket grid the full read's buckets end at until, the carried ones on the grid: each
  // loses under one bucket (its first, or the one before the fresh part), so series-based numbers move a little.
  sameResult(t, manual.result, manualFull.result, 'manual checkpoint', { rel: 0.01, pValues: false })
  // Checkpoint 1 failed: checkpoint 2 continues from checkpoint 0's state and covers its hour.
  const third = await look(client, target, startAt, plan[2], decisionAt, 'incremental', first.evidence)
  const thirdFull = await look(client, target, startAt, plan[2], decisionAt, 'full', firstFull.evidence)
  sameResult(t, third.result, thirdFull.result, 'after a failed checkpoint')
  // Retried: the same state read twice gives the same.
  const again = await look(client, target, startAt, plan[2], decisionAt, 'incremental', first.evidence)
  sameResult(t, again.result, third.result, 'retried checkpoint')
  t.same(again.evidence.carry, third.evidence.carry, 'and the same carried state')
  // Evidence without its carried state (or none at all): a full read from startAt.
  const lost = await look(client, target, startAt, plan[3], decisionAt, 'incremental', { ...third.evidence, carry: undefined })
  const lostFull = await look(client, target, startAt, plan[3], decisionAt, 'full', thirdFull.evidence)
  sameResult(t, lost.result, lostFull.result, 'carried state missing')
  const none = await look(client, target, startAt, plan[3], decisionAt, 'incremental')
  const noneFull = await look(client, target, startAt, plan[3], decisionAt, 'full')
  sameResult(t, none.result, noneFull.result, 'no evidence at all')
})
