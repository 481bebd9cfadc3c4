import { loadConfig, type Config } from '../../../src/config.ts'
import type { AppResult, CheckpointResult, MetricResult } from '../../../src/schemas/result.ts'
import type { NotifyTarget } from '../../../src/schemas/notify.ts'
import type { CancelOutcome, CheckpointOutcome } from '../../../src/rollout/outcome.ts'

export const SECRET = 'whsec-test-0123456789abcdef'

/** A real Config (through loadConfig) with receivers on 127.0.0.1 allowed. */
export function testConfig (env: Record<string, string> = {}): Config {
  return loadConfig({
    NEW_RELIC_API_KEY: 'NRAK-TEST',
    GONOGO_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    GONOGO_PUBLIC_URL: 'https://gonogo.example.com/',
    ...env
  })
}

function metric (m: Partial<MetricResult> & Pick<MetricResult, 'metric' | 'status' | 'detail'>): MetricResult {
  return { canary: null, baseline: null, effect: null, pValue: null, ...m }
}

function passing (app: string, team?: string): AppResult {
  return {
    app,
    ...(team === undefined ? {} : { team }),
    critical: false,
    verdict: 'PASS',
    reasons: [],
    canaryHosts: ['PRDIIS09'],
    baselineHosts: ['PRDIIS03', 'PRDIIS04', 'PRDIIS05'],
    metrics: [metric({
      metric: 'errorRate',
      status: 'PASS',
      canary: 0.004,
      baseline: 0.005,
      effect: 0.8,
      pValue: 0.7,
      detail: 'error rate 0.4% on PRDIIS09 vs 0.5% on 3 existing hosts'
    })]
  }
}

/** What the judge says at 15:30 IST about a Windows 2025 IIS host that is not ready: three apps flagged, nine fine. */
export function noGoResult (): CheckpointResult {
  const apps: AppResult[] = [
    passing('Catalog API', 'catalog'),
    {
      app: 'Checkout API',
      team: 'payments',
      owners: ['asha.rao@example.com', 'li.wei@example.com'],
      critical: true,
      verdict: 'FAIL',
      reasons: [
        'error rate 3.9% on PRDIIS09 vs 1.0% on 3 existing hosts (x3.9, 95% CI 3.1-4.8, p<0.001)',
        'new error class System.Data.SqlClient.SqlException on PRDIIS09 only (412 occurrences)'
      ],
      canaryHosts: ['PRDIIS09'],
      baselineHosts: ['PRDIIS03', 'PRDIIS04', 'PRDIIS05'],
      metrics: [
        metric({
          metric: 'errorRate',
          status: 'FAIL',
          canary: 0.039,
          baseline: 0.010,
          effect: 3.9,
          pValue: 0.0001,
          ci: { low: 3.1, high: 4.8 },
          detail: 'error rate 3.9% on PRDIIS09 vs 1.0% on 3 existing hosts (x3.9, 95% CI 3.1-4.8, p<0.001)'
        }),
        metric({
          metric: 'newErrors',
          status: 'FAIL',
          detail: 'new error class System.Data.SqlClient.SqlException on PRDIIS09 only (412 occurrences)'
        })
      ]
    },
    passing('Inventory Service', 'supply'),
    {
      app: 'Loyalty Portal',
      critical: false,
      verdict: 'NO_DATA',
      reasons: ['no data from PRDIIS09 while 3 existing hosts served 18,240 requests: New Relic not configured on the new host?'],
      canaryHosts: [],
      baselineHosts: ['PRDIIS03', 'PRDIIS04', 'PRDIIS05'],
      metrics: [metric({
        metric: 'coverage',
        status: 'NO_DATA',
        canary: 0,
        baseline: 18240,
        detail: 'no data from PRDIIS09 while 3 existing hosts served 18,240 requests: New Relic not configured on the new host?'
      })]
    },
    passing('Orders API', 'orders'),
    passing('Pricing Engine'),
    {
      app: 'Search <Frontend> & Co',
      team: 'discovery',
      critical: false,
      verdict: 'WARN',
      reasons: [],
      canaryHosts: ['PRDIIS09'],
      baselineHosts: ['PRDIIS03', 'PRDIIS04'],
      metrics: [
        metric({
          metric: 'latency',
          status: 'WARN',
          canary: 612,
          baseline: 540,
          effect: 1.13,
          pValue: 0.02,
          detail: 'p95 latency 612 ms on PRDIIS09 vs 540 ms (+13%, p=0.02)'
        }),
        metric({ metric: 'throughput', status: 'PASS', detail: 'traffic share 24% vs 25% expected' })
      ]
    },
    passing('Shipping API', 'logistics'),
    passing('Tax Service'),
    passing('User Profile'),
    passing('Wishlist'),
    passing('Notifications API')
  ]
  return {
    recommendation: 'NO_GO',
    reasons: [
      'Checkout API FAIL: error rate x3.9 and a new SQL error on PRDIIS09', 'Loyalty Portal NO_DATA: New Relic sends nothing from PRDIIS09'
    ],
    asOf: '2025-05-14T10:00:00.000Z',
    window: { from: '2025-05-14T07:30:00.000Z', until: '2025-05-14T10:00:00.000Z' },
    summary: { PASS: 9, WARN: 1, FAIL: 1, NO_DATA: 1, INCONCLUSIVE: 0 },
    apps
  }
}

/** The hour before: everything fine except a quiet Loyalty Portal. */
export function earlierResult (): CheckpointResult {
  const now = noGoResult()
  return {
    ...now,
    recommendation: 'GO',
    reasons: ['no app failed'],
    asOf: '2025-05-14T09:00:00.000Z',
    window: { from: '2025-05-14T07:30:00.000Z', until: '2025-05-14T09:00:00.000Z' },
    summary: { PASS: 11, WARN: 0, FAIL: 0, NO_DATA: 1, INCONCLUSIVE: 0 },
    apps: now.apps.map(a => a.app === 'Loyalty Portal' ? a : { ...a, verdict: 'PASS' as const, reasons: [] })
  }
}

export interface OutcomeOptions {
  rolloutId?: string
  notify?: NotifyTarget[]
  checkpointIndex?: number
  kind?: CheckpointOutcome['kind']
  result?: CheckpointOutcome['result']
  previous?: CheckpointOutcome['previous']
  error?: string
}

/** A rollout of PRDIIS09 into the IIS pool, 13:00-19:30 IST, hourly checkpoints. */
export function outcome (opts: OutcomeOptions = {}): CheckpointOutcome {
  const result = opts.result === undefined ? noGoResult() : opts.result
  return {
    rollout: {
      id: opts.rolloutId ?? 'ro_01JTEST',
      name: 'IIS pool: PRDIIS09 (Windows 2025)',
      state: 'running',
      timezone: 'Asia/Kolkata',
      startAt: '2025-05-14T07:30:00.000Z',
      decisionAt: '2025-05-14T14:00:00.000Z',
      apps: [
        { name: 'Checkout API', team: 'payments', owners: ['asha.rao@example.com', 'li.wei@example.com'], critical: true },
        { name: 'Loyalty Portal', team: 'loyalty', owners: ['maria.g@example.com'] },
        { name: 'Search <Frontend> & Co' }
      ],
      canaryHosts: ['PRDIIS09'],
      checkpointCount: 7,
      notify: opts.notify ?? []
    },
    checkpointIndex: opts.checkpointIndex ?? 2,
    kind: opts.kind ?? 'checkpoint',
    at: '2025-05-14T10:00:00.000Z',
    result,
    previous: opts.previous === undefined ? earlierResult() : opts.previous,
    ...(opts.error === undefined ? {} : { error: opts.error })
  }
}

/** The same rollout cancelled at 15:30 IST by `by`, after the NO GO checkpoint above unless `previous` is null. */
export function cancelOutcome (opts: { by?: string, reason?: string | null, previous?: CheckpointResult | null } = {}): CancelOutcome {
  const { rollout } = outcome()
  return {
    kind: 'cancel',
    rollout: { ...rollout, state: 'cancelled' },
    cancellation: {
      at: '2025-05-14T10:00:00.000Z',
      by: opts.by ?? 'release-manager',
      reason: opts.reason === undefined ? 'PRDIIS09 goes back to staging' : opts.reason
    },
    previous: opts.previous === undefined ? noGoResult() : opts.previous
  }
}
