import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { CheckpointNotifier } from '../../src/jobs/notifier.ts'
import type { CheckpointOutcome } from '../../src/rollout/outcome.ts'
import { startSimulator, type Scenario, type SimulatorHandle } from '../../src/sim/index.ts'
import { REDIS_URL } from './redis.ts'

export const POOL_ADD = new URL('../../src/sim/scenarios/pool-add.json', import.meta.url).pathname
export const SIM_KEY = 'k'

export interface TestAppOptions {
  /** GONOGO_REDIS_PREFIX: unique per test file (uniquePrefix()). */
  prefix: string
  role?: 'all' | 'api' | 'worker'
  /** GONOGO_API_TOKENS. */
  tokens?: string
  /** Scenario object or file for a simulator this helper starts (default the bundled pool-add). */
  scenario?: Scenario | string
  /** Use this simulator instead of starting one (several apps on one simulator). */
  sim?: SimulatorHandle
  /** Account the rollouts default to (default the bundled scenario's). */
  accountId?: number
  /** Extra environment, over the test defaults. */
  env?: Record<string, string>
  notifier?: CheckpointNotifier
  /**
   * Generate the scenario's events before returning (a simulator this helper starts): for
   * tests with a short NerdGraph timeout, whose first query must not pay for a cold cache
   * on a loaded machine.
   */
  warm?: boolean
}

export interface TestApp {
  app: FastifyInstance
  sim: SimulatorHandle
  /** Closes the app, and the simulator when this helper started it. */
  close: () => Promise<void>
}

/**
 * The real app on real Redis and the NerdGraph simulator over HTTP, tuned for
 * tests: no ingest lag, short retry backoff, second-scale checkpoints allowed,
 * the NerdGraph client's own retries off so faults reach the checkpoint retries.
 */
export async function buildTestApp (opts: TestAppOptions): Promise<TestApp> {
  const sim = opts.sim ?? await startSimulator({ scenario: opts.scenario ?? POOL_ADD, port: 0, apiKey: SIM_KEY, warm: opts.warm })
  if (opts.sim === undefined && opts.warm === true) await sim.warmed()
  const env: Record<string, string> = {
    NEW_RELIC_API_KEY: SIM_KEY,
    NEW_RELIC_ACCOUNT_ID: String(opts.accountId ?? 3300001),
    REDIS_URL,
    GONOGO_REDIS_PREFIX: opts.prefix,
    GONOGO_ROLE: opts.role ?? 'all',
    GONOGO_CHECKPOINT_LAG_SECONDS: '0',
    GONOGO_CHECKPOINT_BACKOFF_MS: '50',
    GONOGO_MIN_CHECKPOINT_SECONDS: '1',
    GONOGO_MANUAL_WAIT_MS: '15000',
    // Off by default: scripted simulator faults count requests, and the check would take one.
    GONOGO_PREFLIGHT_MS: '0',
    NERDGRAPH_MAX_RETRIES: '0',
    GONOGO_RATE_LIMIT: '100000',
    GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...(opts.tokens === undefined ? {} : { GONOGO_API_TOKENS: opts.tokens }),
    ...opts.env
  }
  let app: FastifyInstance
  try {
    app = await buildApp({ config: loadConfig(env), logger: false, nerdgraph: { url: sim.url, apiKey: SIM_KEY }, notifier: opts.notifier })
    await app.ready()
  } catch (err) {
    if (opts.sim === undefined) await sim.close()
    throw err
  }
  let closed = false
  return {
    app,
    sim,
    close: async () => {
      if (closed) return
      closed = true
      await app.close()
      if (opts.sim === undefined) await sim.close()
    }
  }
}

/** A notifier that remembers the checkpoint outcomes it was told. */
export function recordingNotifier (): CheckpointNotifier & { outcomes: CheckpointOutcome[] } {
  const outcomes: CheckpointOutcome[] = []
  return { outcomes, publish: async (o) => { if (o.kind !== 'cancel') outcomes.push(o) } }
}

/** The bundled scenario's rollout: PRDIIS09 from 04:30Z (10:00 IST) to the decision at 10:00Z (15:30 IST). */
export function poolAddRollout (extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'PRDIIS09 joins the IIS pool',
    apps: ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
      'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', 'Payroll.Export'],
    canaryHosts: ['PRDIIS09'],
    startAt: '2026-11-25T04:30:00Z',
    decisionAt: '2026-11-25T10:00:00Z',
    timezone: 'Asia/Kolkata',
    ...extra
  }
}
