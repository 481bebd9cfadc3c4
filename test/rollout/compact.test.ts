/**
 * The compact app checkpoints keep whom each app was compared with: the existing hosts (a big fleet's names cut, the
 * count whole) and those left out of a check's baseline. Tuples stored before the hosts were kept read back as they were.
 */
import t from 'tap'
import { appCheckpointsOf, expandAppCheckpoint, type StoredAppCheckpoint } from '../../src/rollout/compact.ts'
import type { CheckpointRecord } from '../../src/rollout/types.ts'
import { MAX_STORED_HOSTS } from '../../src/schemas/board.ts'
import type { AppResult } from '../../src/schemas/result.ts'

const at = new Date(Date.now() - 3_600_000).toISOString()

const METRIC = {
  metric: 'errorRate', status: 'PASS', canary: 0.0101234, baseline: 0.01, effect: 1.01, pValue: 0.5, adjustedPValue: 1
} as const

function app (name: string, baselineHosts: string[], excluded?: AppResult['excludedBaselineHosts']): AppResult {
  return {
    app: name,
    critical: false,
    verdict: 'PASS',
    reasons: [],
    canaryHosts: ['PRDWEB2025A'],
    baselineHosts,
    ...(excluded === undefined ? {} : { excludedBaselineHosts: excluded }),
    metrics: [{ ...METRIC, ci: { low: 0.8, high: 1.2 }, detail: 'd' }]
  }
}

function recordOf (apps: AppResult[]): CheckpointRecord {
  return {
    index: 2,
    kind: 'checkpoint',
    at,
    status: 'ok',
    attempts: 1,
    result: {
      recommendation: 'GO',
      reasons: [],
      asOf: at,
      window: { from: new Date(Date.now() - 4 * 3_600_000).toISOString(), until: at },
      summary: { PASS: apps.length, WARN: 0, FAIL: 0, NO_DATA: 0, INCONCLUSIVE: 0 },
      apps
    }
  }
}

/** Through JSON, as the store keeps them. */
function roundTrip (record: CheckpointRecord): Map<string, ReturnType<typeof expandAppCheckpoint>> {
  const stored = appCheckpointsOf(record).map(([name, c]) => [name, JSON.parse(JSON.stringify(c)) as StoredAppCheckpoint] as const)
  return new Map(stored.map(([name, c]) => [name, expandAppCheckpoint(c)]))
}

t.test('a sick existing host: the hosts compared with and the one left out, with its checks', async t => {
  const out = roundTrip(recordOf([
    app('Clean.BehindSickOld', ['PRDWEB01', 'PRDWEB02', 'PRDWEB04'], [{ host: 'PRDWEB03', checks: ['errorRate', 'latency'] }]),
    app('Clean', ['PRDWEB01', 'PRDWEB02', 'PRDWEB03', 'PRDWEB04'])
  ]))
  const sick = out.get('Clean.BehindSickOld')
  t.same(sick?.baselineHosts, ['PRDWEB01', 'PRDWEB02', 'PRDWEB04'])
  t.equal(sick?.baselineHostCount, 3)
  t.same(sick?.excludedBaselineHosts, [{ host: 'PRDWEB03', checks: ['errorRate', 'latency'] }])
  const clean = out.get('Clean')
  t.same(clean?.baselineHosts, ['PRDWEB01', 'PRDWEB02', 'PRDWEB03', 'PRDWEB04'])
  t.equal(clean?.baselineHostCount, 4)
  t.notOk('excludedBaselineHosts' in (clean ?? {}), 'nothing left out: absent, as in AppResult')
  t.same(clean?.metrics, [
    { metric: 'errorRate', status: 'PASS', canary: 0.01012, baseline: 0.01, effect: 1.01, pValue: 0.5, ci: { low: 0.8, high: 1.2 } }
  ])
})

t.test('a big fleet: the first names and the whole count', async t => {
  const hosts = Array.from({ length: 180 }, (_, i) => `IIS${String(i).padStart(3, '0')}`)
  const stored = appCheckpointsOf(recordOf([app('Big', hosts)]))[0][1]
  t.equal(stored.length, 7, 'no left-out element when none is left out')
  const big = expandAppCheckpoint(stored)
  t.same(big.baselineHosts, hosts.slice(0, MAX_STORED_HOSTS))
  t.equal(big.baselineHostCount, 180)
})

t.test('tuples stored before the hosts were kept read back unchanged', async t => {
  const old: StoredAppCheckpoint = JSON.parse(
    `[1,"checkpoint","${at}","FAIL",["error rate x3"],[["errorRate","FAIL",0.03,0.01,3,0.001,2.1,4.2],` +
    '["throughput","PASS",500,520,0.96,null,null,null,"PRDWEB2025B"]]]'
  ) as StoredAppCheckpoint
  const view = expandAppCheckpoint(old)
  t.same(view, {
    index: 1,
    kind: 'checkpoint',
    at,
    verdict: 'FAIL',
    reasons: ['error rate x3'],
    metrics: [
      { metric: 'errorRate', status: 'FAIL', canary: 0.03, baseline: 0.01, effect: 3, pValue: 0.001, ci: { low: 2.1, high: 4.2 } },
      { metric: 'throughput', status: 'PASS', canary: 500, baseline: 520, effect: 0.96, pValue: null, ci: null, host: 'PRDWEB2025B' }
    ]
  })
  t.same(Object.keys(view), ['index', 'kind', 'at', 'verdict', 'reasons', 'metrics'], 'no host fields made up for them')
})
