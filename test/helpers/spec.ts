import { planLength } from '../../src/rollout/plan.ts'
import { newRolloutId } from '../../src/store/ids.ts'
import type { RolloutSpec } from '../../src/rollout/types.ts'

const HOUR = 3_600_000

/** A stored-rollout spec for store and job tests that do not go through the API. */
export function makeSpec (overrides: Partial<RolloutSpec> = {}): RolloutSpec {
  const startAt = overrides.startAt ?? Date.parse('2026-11-25T04:30:00Z')
  const decisionAt = overrides.decisionAt ?? Date.parse('2026-11-25T10:00:00Z')
  const everyMs = overrides.everyMs ?? HOUR
  const createdAt = overrides.createdAt ?? Date.now()
  return {
    v: 1,
    id: overrides.id ?? newRolloutId(createdAt),
    name: 'PRDIIS09 joins the pool',
    target: { accountId: 1, apps: [{ name: 'RESTAPI' }], canaryHosts: ['PRDIIS09'], baselineHosts: null },
    startAt,
    decisionAt,
    everyMs,
    checkpointEvery: 'PT1H',
    timezone: 'Asia/Kolkata',
    notify: [],
    planLength: planLength(startAt, decisionAt, everyMs),
    createdAt,
    ...overrides
  }
}
