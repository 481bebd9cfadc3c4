/**
 * Helpers for tests against the real simulator over HTTP: small scenarios built
 * as objects, and a simulator + client pair closed at teardown.
 */
import type { Test } from 'tap'
import pino from 'pino'
import { NerdGraphClient, type NerdGraphClientOptions } from '../../src/newrelic/client.ts'
import { startSimulator } from '../../src/sim/index.ts'
import type { Scenario, ScenarioApp } from '../../src/sim/scenario.ts'

export const API_KEY = 'test-key'
export const ACCOUNT_ID = 1000001
export const FROM = Date.parse('2025-09-08T02:00:00Z')
export const UNTIL = Date.parse('2025-09-08T10:00:00Z')
export const HOUR = 3_600_000

type Sim = Awaited<ReturnType<typeof startSimulator>>

/** An app on PRDIIS01, PRDIIS02 and (joining at 04:00) PRDIIS09, unless hosts are given. */
export function app (name: string, extra: Partial<ScenarioApp> = {}): ScenarioApp {
  return {
    name,
    throughputRpm: 120,
    latency: { medianMs: 180, sigma: 0.6 },
    errorRate: 0.02,
    errors: { 'System.Net.WebException': 0.6, 'System.TimeoutException': 0.4 },
    hosts: [{ name: 'PRDIIS01' }, { name: 'PRDIIS02' }, { name: 'PRDIIS09', joins: '2025-09-08T04:00:00Z' }],
    ...extra
  }
}

export function scenario (apps: ScenarioApp[]): Scenario {
  return { name: 'newrelic-test', accountId: ACCOUNT_ID, seed: 11, from: '2025-09-08T00:00:00Z', until: '2025-09-08T12:00:00Z', apps }
}

/** Starts a simulator for `s`, closed when the test ends. */
export async function startSim (t: Test, s: Scenario = scenario([app('RESTAPI')])): Promise<Sim> {
  const sim = await startSimulator({ scenario: s, port: 0, apiKey: API_KEY, faults: {} })
  t.teardown(async () => { await sim.close() })
  return sim
}

/** A client for `sim`, closed when the test ends; fast retries unless told otherwise. */
export function clientFor (t: Test, sim: Sim, opts: Partial<NerdGraphClientOptions> = {}): NerdGraphClient {
  const client = new NerdGraphClient({
    url: sim.url, apiKey: API_KEY, baseDelayMs: 5, maxDelayMs: 50, logger: pino({ level: 'silent' }), ...opts
  })
  t.teardown(async () => { await client.close() })
  return client
}

/** Rows of one query, straight from the client. */
export async function direct (client: NerdGraphClient, nrql: string): Promise<Array<Record<string, unknown>>> {
  const out = await client.nrql(ACCOUNT_ID, { direct: nrql })
  return out.direct.results
}

/** The one number a single-row, one-key query returns. */
export async function directNumber (client: NerdGraphClient, nrql: string, key: string): Promise<unknown> {
  const rows = await direct(client, nrql)
  return rows[0]?.[key]
}
