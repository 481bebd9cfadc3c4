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
