/**
 * Scenarios whose APM agents sample their events, next to the same scenario without sampling,
 * and the verdicts gonogo gives on each (bench/sampling.ts prints them, test/analysis/sampling.test.ts
 * asserts them). Two styles:
 * - seed-style: the bundled pool-add scenario (seeded, its regressions as its README says), with
 *   `agent` limits on its four busiest apps;
 * - power-style: apps busy enough to be sampled hard, each with one regression of the sizes the
 *   judge's power benchmark uses (x2 error rate, +25% latency, half the traffic, a new error class
 *   on a host whose error events are capped, a missing agent), and two that must pass (one clean,
 *   one whose existing hosts' error events are capped while a rare common class goes on).
 */
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { runAnalysis } from '../src/analysis/run.ts'
import { NerdGraphClient } from '../src/newrelic/client.ts'
import { startSimulator, type Scenario, type ScenarioApp } from '../src/sim/index.ts'
import type { Status } from '../src/schemas/common.ts'

export interface Sampling { transactionEventsPerMinute: number, errorEventsPerMinute: number }

export const POOL_ADD_PATH = new URL('../src/sim/scenarios/pool-add.json', import.meta.url).pathname
/** The pool-add rollout's window: PRDIIS09 from 04:30Z to the decision at 10:00Z. */
export const POOL_ADD_WINDOW = { from: Date.parse('2026-11-25T04:30:00Z'), until: Date.parse('2026-11-25T10:00:00Z') }
/** pool-add's busiest apps: 2,900 to 900 rpm over five hosts, 580 to 180 a host and minute. */
export const POOL_ADD_BUSY = ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2']

/** pool-add with `agent` on its busiest apps (or as it is, without `sampling`). */
export function seedStyle (sampling?: Sampling): Scenario {
  const base = JSON.parse(readFileSync(POOL_ADD_PATH, 'utf8')) as Scenario
  if (sampling === undefined) return base
  return { ...base, apps: base.apps.map(a => POOL_ADD_BUSY.includes(a.name) ? { ...a, agent: { ...sampling } } : a) }
}

const POWER_FROM = Date.parse('2025-09-08T06:00:00Z')
/** The power-style window: four hours after the canary joins, with two hours of data before it. */
export const POWER_WINDOW = { from: POWER_FROM, until: POWER_FROM + 4 * 3_600_000 }
const iso = (ms: number): string => new Date(ms).toISOString()

/** What each power-style app should get, sampled or not. */
export const POWER_EXPECTED: Record<string, Status> = {
  'Errors.Double': 'FAIL',
  'Latency.Slow': 'FAIL',
  'Traffic.Half': 'FAIL',
  'Errors.NewOnCapped': 'FAIL',
  'Errors.CommonCapped': 'PASS',
  'Clean.Busy': 'PASS',
  'Agent.Missing': 'NO_DATA'
}

/**
 * Seven apps at 4,000 rpm over four existing hosts and PRDIIS09 (800 a host and minute, so
 * 500 a minute keeps 5 of 8 events and 20 a minute one in 40).
 */
export function powerStyle (sampling?: Sampling): Scenario {
  const hosts = [
    { name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS03' }, { name: 'PRDIIS04' }, { name: 'PRDIIS09', joins: iso(POWER_FROM) }
  ]
  const app = (name: string, extra: Partial<ScenarioApp>, effect: Record<string, unknown> = {}): ScenarioApp => ({
    name,
    throughputRpm: 4000,
    latency: { medianMs: 150, sigma: 0.6 },
    errorRate: 0.01,
    errors: { 'System.Net.WebException': 0.6, 'System.TimeoutException': 0.4 },
    hosts,
    ...(Object.keys(effect).length === 0 ? {} : { effects: [{ host: 'PRDIIS09', from: iso(POWER_FROM), ...effect }] }),
    ...(sampling === undefined ? {} : { agent: { ...sampling } }),
    ...extra
  })
  return {
    name: 'sampling-power',
    accountId: 3300011,
    seed: 1207,
    from: iso(POWER_FROM - 2 * 3_600_000),
    until: iso(POWER_WINDOW.until),
    apps: [
      app('Errors.Double', {}, { errorRateMultiplier: 2 }),
      app('Latency.Slow', {}, { latencyMultiplier: 1.25 }),
      app('Traffic.Half', {}, { trafficMultiplier: 0.5 }),
      // 4% errors: 32 a host and minute, over a cap of 20; the new class is 1.6 of them on the canary.
      app('Errors.NewOnCapped', { errorRate: 0.04 }, { newErrors: { 'System.IO.DirectoryNotFoundException': 0.002 } }),
      // 6% errors (48 a host and minute) with a rare class every host throws: common, never new.
      app('Errors.CommonCapped', {
        errorRate: 0.06, errors: { 'System.Net.WebException': 0.595, 'System.TimeoutException': 0.4, 'System.Rare.Common': 0.005 }
      }),
      app('Clean.Busy', {}),
      app('Agent.Missing', {}, { reporting: false })
    ]
  }
}

export interface Verdicts {
  recommendation: string
  verdicts: Record<string, Status>
  /** Each app's reasons, for a table. */
  reasons: Record<string, string[]>
}

/** One analysis of `scenario` over `window` against a simulator of its own. */
export async function verdictsOf (scenario: Scenario, window: { from: number, until: number }, canary = 'PRDIIS09'): Promise<Verdicts> {
  const sim = await startSimulator({ scenario, port: 0, apiKey: 'k', faults: {} })
  const client = new NerdGraphClient({ url: sim.url, apiKey: 'k', timeoutMs: 120_000, logger: pino({ level: 'silent' }) })
  try {
    const out = await runAnalysis(client, {
      accountId: scenario.accountId, apps: scenario.apps.map(a => ({ name: a.name })), canaryHosts: [canary], baselineHosts: null
    }, window, { asOf: window.until })
    return {
      recommendation: out.result.recommendation,
      verdicts: Object.fromEntries(out.result.apps.map(a => [a.app, a.verdict])),
      reasons: Object.fromEntries(out.result.apps.map(a => [a.app, a.reasons]))
    }
  } finally {
    await client.close()
    await sim.close()
  }
}
