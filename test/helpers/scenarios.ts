import type { Scenario } from '../../src/sim/index.ts'

const iso = (ms: number) => new Date(ms).toISOString()
const minute = (ms: number) => Math.floor(ms / 60_000) * 60_000

/**
 * Three busy apps on four old hosts and PRDIIS09 joining at `joinsAt`, with
 * nothing wrong on the new host: a rollout over it should be GO.
 */
export function healthyScenario (opts: { from: number, until: number, joinsAt: number, accountId?: number }): Scenario {
  const hosts = [
    { name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS04' },
    { name: 'PRDIIS09', joins: iso(minute(opts.joinsAt)) }
  ]
  const app = (name: string, throughputRpm: number, errorRate: number) => ({
    name,
    throughputRpm,
    latency: { medianMs: 120, sigma: 0.5 },
    errorRate,
    errors: { 'System.Net.WebException': 0.7, 'System.TimeoutException': 0.3 },
    hosts
  })
  return {
    name: 'healthy-pool-add',
    accountId: opts.accountId ?? 3300001,
    seed: 42,
    from: iso(minute(opts.from)),
    until: iso(minute(opts.until)),
    apps: [app('RESTAPI', 1800, 0.01), app('Orders API', 900, 0.005), app('Search Service', 1200, 0.008)]
  }
}

/** The healthy scenario around now: data from three hours ago to two hours ahead, the new host joined two hours ago. */
export function liveScenario (now = Date.now()): Scenario {
  return healthyScenario({ from: now - 3 * 3_600_000, until: now + 2 * 3_600_000, joinsAt: now - 2 * 3_600_000 })
}

/** A rollout body for the healthy scenarios. */
export function healthyRollout (extra: Record<string, unknown>): Record<string, unknown> {
  return { name: 'PRDIIS09 joins (healthy)', apps: ['RESTAPI', 'Orders API', 'Search Service'], canaryHosts: ['PRDIIS09'], ...extra }
}

/** The existing hosts of sickOldHostScenario; PRDWEB03 is the sick one. */
export const SICK_OLD = ['PRDWEB01', 'PRDWEB02', 'PRDWEB03', 'PRDWEB04']

/**
 * PRDWEB2025A joins four existing hosts three hours ago, nothing wrong with it; PRDWEB03 (existing) has four times the
 * errors and is slow for `Clean.BehindSickOld`, so the judge leaves it out of that app's baselines. `Clean` has no sick host.
 */
export function sickOldHostScenario (): Scenario {
  const app = (name: string, effects: unknown[]) => ({
    name,
    throughputRpm: 700,
    latency: { medianMs: 200, sigma: 0.6 },
    errorRate: 0.01,
    errors: { 'System.TimeoutException': 1 },
    hosts: [...SICK_OLD.map(name => ({ name })), { name: 'PRDWEB2025A', joins: 'now-3h' }],
    effects
  })
  return {
    name: 'one new host, one sick old one',
    accountId: 3300001,
    seed: 11,
    from: 'now-9h',
    until: 'now+1h',
    apps: [app('Clean.BehindSickOld', [{ host: 'PRDWEB03', latencyMultiplier: 1.6, errorRateMultiplier: 4 }]), app('Clean', [])]
  } as unknown as Scenario
}

/** A decided-by-catch-up rollout over sickOldHostScenario: a checkpoint and the decision an hour ago. */
export function sickOldHostRollout (now = Math.floor(Date.now() / 60_000) * 60_000): Record<string, unknown> {
  return {
    name: 'PRDWEB2025A joins, PRDWEB03 sick',
    apps: ['Clean.BehindSickOld', 'Clean'],
    canaryHosts: ['PRDWEB2025A'],
    startAt: new Date(now - 3 * 3_600_000).toISOString(),
    decisionAt: new Date(now - 3_600_000).toISOString(),
    checkpointEvery: 'PT1H',
    timezone: 'UTC'
  }
}
