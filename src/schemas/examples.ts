/**
 * Over 200 lines because it is data (what the demo answered), kept in TypeScript so tsc checks each example against its model.
 */
import type { Static } from '@sinclair/typebox'
import type { AnalysisRequest } from './analysis.ts'
import type { CheckpointResult } from './result.ts'
import type { Checkpoint, CheckpointList, CreatedRollout, RecommendationView, Rollout, RolloutPage, RolloutRequest } from './rollout.ts'

/**
 * The examples of the OpenAPI document. The requests are the README's ("Try it"), on the bundled
 * pool-add scenario, so they can be sent as they are to `npm run demo` (Swagger UI's "Try it out"
 * at /docs); the responses are what the demo answered them, results trimmed to two apps.
 * test/openapi.test.ts checks each against its schema.
 */
export type Example = { summary?: string, description?: string, value: unknown } | { $ref: string }

export const ANALYSIS_REQUEST: AnalysisRequest = {
  apps: ['RESTAPI', 'Billing.Service', 'Customer Portal', "O'Brien's API"],
  canaryHosts: ['PRDIIS09'],
  from: '2026-11-25T04:30:00Z',
  until: '2026-11-25T10:00:00Z'
}

export const ROLLOUT_REQUEST: RolloutRequest = {
  name: 'PRDIIS09 joins the IIS pool',
  apps: ['Customer Portal', 'RESTAPI', 'Search Service', 'Auth.Gateway v2', 'Orders API', 'Inventory.Sync', 'Billing.Service',
    'Shipping Rates', 'Loyalty.Points', "O'Brien's API", 'Notifications.Worker', { name: 'Payroll.Export', team: 'finance' }],
  canaryHosts: ['PRDIIS09'],
  startAt: '2026-11-25T10:00:00+05:30',
  decisionAt: '2026-11-25T15:30:00+05:30',
  checkpointEvery: 'PT1H',
  timezone: 'Asia/Kolkata'
}

export const ANALYSIS_RESULT: CheckpointResult = {
  recommendation: 'NO_GO',
  reasons: [
    "1 app NO_DATA: O'Brien's API (no data from PRDIIS09)",
    '2 apps FAIL: Billing.Service (error rate x3.0), Customer Portal (p95 x1.60, ' +
      'traffic x0.60)'
  ],
  asOf: '2026-12-01T09:18:30.178Z',
  window: {
    from: '2026-11-25T04:30:00.000Z',
    until: '2026-11-25T10:00:00.000Z'
  },
  summary: {
    PASS: 1,
    WARN: 0,
    FAIL: 2,
    NO_DATA: 1,
    INCONCLUSIVE: 0
  },
  apps: [
    {
      app: 'RESTAPI',
      critical: false,
      verdict: 'PASS',
      reasons: [],
      canaryHosts: [
        'PRDIIS09'
      ],
      baselineHosts: [
        'PRDIIS01',
        'PRDIIS02',
        'PRDIIS03',
        'PRDIIS04'
      ],
      metrics: [
        {
          metric: 'errorRate',
          status: 'PASS',
          canary: 0.003999224956403797,
          baseline: 0.004074525509315688,
          effect: 0.9815191848131201,
          pValue: 1,
          detail: 'error rate 0.40% on PRDIIS09 vs 0.41% on 4 existing hosts (x0.98, 95% CI ' +
            '0.89-1.08, p=1)',
          adjustedPValue: 1,
          ci: {
            low: 0.889704657481801,
            high: 1.081232966217802
          }
        },
        {
          metric: 'latency',
          status: 'PASS',
          canary: 0.32198,
          baseline: 0.321485,
          effect: 1.0015397296918984,
          pValue: 1,
          detail: 'p95 322 ms on PRDIIS09 vs 321 ms on 4 existing hosts (x1.00); slow share (> 322 ' +
            'ms) 5.0% vs 5.0% (x1.01, 95% CI 0.98-1.03, p=1); per-minute p95 +1 ms ' +
            '(Mann-Whitney p=0.59, 330 vs 1320 buckets)',
          adjustedPValue: 1,
          ci: null
        },
        {
          metric: 'throughput',
          status: 'PASS',
          canary: 390.9848484848485,
          baseline: 391.0378787878788,
          effect: 0.99986438576438,
          pValue: 0.48336392695974745,
          detail: 'PRDIIS09 served 391 rpm vs 391 rpm expected from a typical existing host ' +
            '(x1.00, p=0.48)',
          ci: null
        },
        {
          metric: 'newErrors',
          status: 'PASS',
          canary: 0,
          baseline: null,
          effect: null,
          pValue: null,
          detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
            'seen)',
          ci: null
        },
        {
          metric: 'coverage',
          status: 'PASS',
          canary: 129025,
          baseline: 516870,
          effect: null,
          pValue: null,
          detail: 'PRDIIS09 served 129,025 transactions, 4 existing hosts 516,870'
        }
      ]
    },
    {
      app: 'Billing.Service',
      critical: false,
      verdict: 'FAIL',
      reasons: [
        'error rate 2.9% on PRDIIS09 vs 0.98% on 4 existing hosts (x3.0, 95% CI 2.7-3.3, ' +
          'p<0.001)'
      ],
      canaryHosts: [
        'PRDIIS09'
      ],
      baselineHosts: [
        'PRDIIS01',
        'PRDIIS02',
        'PRDIIS03',
        'PRDIIS04'
      ],
      metrics: [
        {
          metric: 'errorRate',
          status: 'FAIL',
          canary: 0.029184373559981568,
          baseline: 0.009846965967058346,
          effect: 2.963793482948334,
          pValue: 3.6626411824588647e-76,
          detail: 'error rate 2.9% on PRDIIS09 vs 0.98% on 4 existing hosts (x3.0, 95% CI 2.7-3.3, ' +
            'p<0.001)',
          adjustedPValue: 2.5638488277212053e-75,
          ci: {
            low: 2.655384710761582,
            high: 3.3064801265198236
          }
        },
        {
          metric: 'latency',
          status: 'PASS',
          canary: 0.749981,
          baseline: 0.75416,
          effect: 0.9944587355468335,
          pValue: 1,
          detail: 'p95 750 ms on PRDIIS09 vs 754 ms on 4 existing hosts (x0.99); slow share (> 756 ' +
            'ms) 4.9% vs 5.0% (x0.98, 95% CI 0.91-1.06, p=1); per-minute p95 +1 ms ' +
            '(Mann-Whitney p=0.94, 330 vs 1320 buckets)',
          adjustedPValue: 1,
          ci: null
        },
        {
          metric: 'throughput',
          status: 'PASS',
          canary: 59.18484848484849,
          baseline: 59.72121212121212,
          effect: 0.9910188755835194,
          pValue: 0.13031289332187782,
          detail: 'PRDIIS09 served 59 rpm vs 60 rpm expected from a typical existing host (x0.99, ' +
            'p=0.13)',
          ci: null
        },
        {
          metric: 'newErrors',
          status: 'PASS',
          canary: 0,
          baseline: null,
          effect: null,
          pValue: null,
          detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
            'seen)',
          ci: null
        },
        {
          metric: 'coverage',
          status: 'PASS',
          canary: 19531,
          baseline: 78806,
          effect: null,
          pValue: null,
          detail: 'PRDIIS09 served 19,531 transactions, 4 existing hosts 78,806'
        }
      ]
    }
  ]
}

export const DECISION_RESULT: CheckpointResult = {
  recommendation: 'NO_GO',
  reasons: [
    "1 app NO_DATA: O'Brien's API (no data from PRDIIS09)",
    '3 apps FAIL: Customer Portal (p95 x1.60, traffic x0.60), Auth.Gateway v2 (error ' +
      'rate x1.67, new error System.IO.DirectoryNotFoundException x171), ' +
      'Billing.Service (error rate x3.0)'
  ],
  asOf: '2026-12-01T09:18:32.018Z',
  window: {
    from: '2026-11-25T04:30:00.000Z',
    until: '2026-11-25T10:00:00.000Z'
  },
  summary: {
    PASS: 6,
    WARN: 0,
    FAIL: 3,
    NO_DATA: 1,
    INCONCLUSIVE: 2
  },
  apps: [
    {
      app: 'RESTAPI',
      critical: false,
      verdict: 'PASS',
      reasons: [],
      canaryHosts: [
        'PRDIIS09'
      ],
      baselineHosts: [
        'PRDIIS01',
        'PRDIIS02',
        'PRDIIS03',
        'PRDIIS04'
      ],
      metrics: [
        {
          metric: 'errorRate',
          pValue: 1,
          adjustedPValue: 1,
          status: 'PASS',
          canary: 0.003999224956403797,
          baseline: 0.004074525509315688,
          effect: 0.9815191848131201,
          ci: {
            low: 0.889704657481801,
            high: 1.081232966217802
          },
          detail: 'error rate 0.40% on PRDIIS09 vs 0.41% on 4 existing hosts (x0.98, 95% CI ' +
            '0.89-1.08, p=1)'
        },
        {
          metric: 'latency',
          pValue: 1,
          adjustedPValue: 1,
          canary: 0.32198,
          baseline: 0.321485,
          effect: 1.0015397296918984,
          ci: null,
          status: 'PASS',
          detail: 'p95 322 ms on PRDIIS09 vs 321 ms on 4 existing hosts (x1.00); slow share (> 322 ' +
            'ms) 5.0% vs 5.0% (x1.01, 95% CI 0.98-1.03, p=1); per-minute p95 +1 ms ' +
            '(Mann-Whitney p=0.59, 330 vs 1320 buckets)'
        },
        {
          metric: 'throughput',
          pValue: 0.48336392695974745,
          ci: null,
          status: 'PASS',
          canary: 390.9848484848485,
          baseline: 391.0378787878788,
          effect: 0.99986438576438,
          detail: 'PRDIIS09 served 391 rpm vs 391 rpm expected from a typical existing host ' +
            '(x1.00, p=0.48)'
        },
        {
          metric: 'newErrors',
          effect: null,
          ci: null,
          status: 'PASS',
          canary: 0,
          baseline: null,
          pValue: null,
          detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
            'seen)'
        },
        {
          metric: 'coverage',
          effect: null,
          pValue: null,
          status: 'PASS',
          canary: 129025,
          baseline: 516870,
          detail: 'PRDIIS09 served 129,025 transactions, 4 existing hosts 516,870'
        }
      ]
    },
    {
      app: 'Billing.Service',
      critical: false,
      verdict: 'FAIL',
      reasons: [
        'error rate 2.9% on PRDIIS09 vs 0.98% on 4 existing hosts (x3.0, 95% CI 2.7-3.3, ' +
          'p<0.001)'
      ],
      canaryHosts: [
        'PRDIIS09'
      ],
      baselineHosts: [
        'PRDIIS01',
        'PRDIIS02',
        'PRDIIS03',
        'PRDIIS04'
      ],
      metrics: [
        {
          metric: 'errorRate',
          pValue: 3.401211085436643e-76,
          adjustedPValue: 7.822785496504278e-75,
          status: 'FAIL',
          canary: 0.029184373559981568,
          baseline: 0.009846965967058346,
          effect: 2.963793482948334,
          ci: {
            low: 2.655384710761582,
            high: 3.3064801265198236
          },
          detail: 'error rate 2.9% on PRDIIS09 vs 0.98% on 4 existing hosts (x3.0, 95% CI 2.7-3.3, ' +
            'p<0.001)'
        },
        {
          metric: 'latency',
          pValue: 1,
          adjustedPValue: 1,
          canary: 0.749981,
          baseline: 0.75416,
          effect: 0.9944587355468335,
          ci: null,
          status: 'PASS',
          detail: 'p95 750 ms on PRDIIS09 vs 754 ms on 4 existing hosts (x0.99); slow share (> 756 ' +
            'ms) 4.9% vs 5.0% (x0.98, 95% CI 0.91-1.06, p=1); per-minute p95 +1 ms ' +
            '(Mann-Whitney p=0.94, 330 vs 1320 buckets)'
        },
        {
          metric: 'throughput',
          pValue: 0.13031289332187782,
          ci: null,
          status: 'PASS',
          canary: 59.18484848484849,
          baseline: 59.72121212121212,
          effect: 0.9910188755835194,
          detail: 'PRDIIS09 served 59 rpm vs 60 rpm expected from a typical existing host (x0.99, ' +
            'p=0.13)'
        },
        {
          metric: 'newErrors',
          effect: null,
          ci: null,
          status: 'PASS',
          canary: 0,
          baseline: null,
          pValue: null,
          detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
            'seen)'
        },
        {
          metric: 'coverage',
          effect: null,
          pValue: null,
          status: 'PASS',
          canary: 19531,
          baseline: 78806,
          detail: 'PRDIIS09 served 19,531 transactions, 4 existing hosts 78,806'
        }
      ]
    }
  ]
}

export const NO_GO_RECOMMENDATION: RecommendationView = {
  rolloutId: '01M8REC11S4F2QFPRSDAAYXZ01',
  state: 'decided',
  final: true,
  gate: {
    open: false,
    reason: 'the recommendation is NO_GO'
  },
  recommendation: 'NO_GO',
  checkpoint: {
    index: 5,
    kind: 'decision',
    at: '2026-11-25T10:00:00.000Z'
  },
  message: 'the decision at 2026-11-25T15:30:00+05:30: NO_GO (6 PASS, 3 FAIL, 2 ' +
    'INCONCLUSIVE, 1 NO_DATA of 12 apps)',
  result: DECISION_RESULT
}

export const DECISION_CHECKPOINT: Checkpoint = {
  index: 5,
  kind: 'decision',
  at: '2026-11-25T10:00:00.000Z',
  status: 'ok',
  attempts: 1,
  startedAt: '2026-12-01T09:18:32.018Z',
  finishedAt: '2026-12-01T09:18:32.468Z',
  durationMs: 450,
  result: DECISION_RESULT
}

export const GO_RECOMMENDATION: RecommendationView = {
  rolloutId: '01M8RECN0GCHJCS13EE3PTKTNM',
  state: 'decided',
  final: true,
  gate: {
    open: true,
    reason: 'final GO'
  },
  recommendation: 'GO',
  checkpoint: {
    index: 5,
    kind: 'decision',
    at: '2026-11-25T10:00:00.000Z'
  },
  message: 'the decision at 2026-11-25T15:30:00+05:30: GO (2 PASS of 2 apps)',
  result: {
    recommendation: 'GO',
    reasons: [
      'all 2 apps PASS'
    ],
    asOf: '2026-12-01T09:18:51.593Z',
    window: {
      from: '2026-11-25T04:30:00.000Z',
      until: '2026-11-25T10:00:00.000Z'
    },
    summary: {
      PASS: 2,
      WARN: 0,
      FAIL: 0,
      NO_DATA: 0,
      INCONCLUSIVE: 0
    },
    apps: [
      {
        app: 'RESTAPI',
        critical: false,
        verdict: 'PASS',
        reasons: [],
        canaryHosts: [
          'PRDIIS09'
        ],
        baselineHosts: [
          'PRDIIS01',
          'PRDIIS02',
          'PRDIIS03',
          'PRDIIS04'
        ],
        metrics: [
          {
            metric: 'errorRate',
            pValue: 1,
            adjustedPValue: 1,
            status: 'PASS',
            canary: 0.003999224956403797,
            baseline: 0.004074525509315688,
            effect: 0.9815191848131201,
            ci: {
              low: 0.889704657481801,
              high: 1.081232966217802
            },
            detail: 'error rate 0.40% on PRDIIS09 vs 0.41% on 4 existing hosts (x0.98, 95% CI ' +
              '0.89-1.08, p=1)'
          },
          {
            metric: 'latency',
            pValue: 1,
            adjustedPValue: 1,
            canary: 0.32198,
            baseline: 0.321485,
            effect: 1.0015397296918984,
            ci: null,
            status: 'PASS',
            detail: 'p95 322 ms on PRDIIS09 vs 321 ms on 4 existing hosts (x1.00); slow share (> 322 ' +
              'ms) 5.0% vs 5.0% (x1.01, 95% CI 0.98-1.03, p=1); per-minute p95 +1 ms ' +
              '(Mann-Whitney p=0.59, 330 vs 1320 buckets)'
          },
          {
            metric: 'throughput',
            pValue: 0.48336392695974745,
            ci: null,
            status: 'PASS',
            canary: 390.9848484848485,
            baseline: 391.0378787878788,
            effect: 0.99986438576438,
            detail: 'PRDIIS09 served 391 rpm vs 391 rpm expected from a typical existing host ' +
              '(x1.00, p=0.48)'
          },
          {
            metric: 'newErrors',
            effect: null,
            ci: null,
            status: 'PASS',
            canary: 0,
            baseline: null,
            pValue: null,
            detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
              'seen)'
          },
          {
            metric: 'coverage',
            effect: null,
            pValue: null,
            status: 'PASS',
            canary: 129025,
            baseline: 516870,
            detail: 'PRDIIS09 served 129,025 transactions, 4 existing hosts 516,870'
          }
        ]
      },
      {
        app: 'Search Service',
        critical: false,
        verdict: 'PASS',
        reasons: [],
        canaryHosts: [
          'PRDIIS09'
        ],
        baselineHosts: [
          'PRDIIS01',
          'PRDIIS02',
          'PRDIIS03',
          'PRDIIS04'
        ],
        metrics: [
          {
            metric: 'errorRate',
            pValue: 1,
            adjustedPValue: 1,
            status: 'PASS',
            canary: 0.0030191883572548974,
            baseline: 0.002994364588179179,
            effect: 1.0082901625185239,
            ci: {
              low: 0.8756975897516299,
              high: 1.1575175434998932
            },
            detail: 'error rate 0.30% on PRDIIS09 vs 0.30% on 4 existing hosts (x1.01, 95% CI ' +
              '0.88-1.16, p=1)'
          },
          {
            metric: 'latency',
            pValue: 1,
            adjustedPValue: 1,
            canary: 0.284728,
            baseline: 0.285775,
            effect: 0.99633627854081,
            ci: null,
            status: 'PASS',
            detail: 'p95 285 ms on PRDIIS09 vs 286 ms on 4 existing hosts (x1.00); slow share (> 286 ' +
              'ms) 4.9% vs 5.0% (x0.99, 95% CI 0.96-1.02, p=1); per-minute p95 -1 ms ' +
              '(Mann-Whitney p=0.51, 330 vs 1320 buckets)'
          },
          {
            metric: 'throughput',
            pValue: 0.32230991761722344,
            ci: null,
            status: 'PASS',
            canary: 256.94242424242424,
            baseline: 257.4,
            effect: 0.9982223164041346,
            detail: 'PRDIIS09 served 257 rpm vs 257 rpm expected from a typical existing host ' +
              '(x1.00, p=0.32)'
          },
          {
            metric: 'newErrors',
            effect: null,
            ci: null,
            status: 'PASS',
            canary: 0,
            baseline: null,
            pValue: null,
            detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
              'seen)'
          },
          {
            metric: 'coverage',
            effect: null,
            pValue: null,
            status: 'PASS',
            canary: 84791,
            baseline: 339638,
            detail: 'PRDIIS09 served 84,791 transactions, 4 existing hosts 339,638'
          }
        ]
      }
    ]
  }
}

export const CHECKPOINT_PAGE: Static<typeof CheckpointList> = {
  items: [
    {
      index: 0,
      kind: 'checkpoint',
      at: '2026-11-25T05:30:00.000Z',
      status: 'ok',
      attempts: 1,
      result: {
        recommendation: 'NO_GO',
        reasons: [
          "1 app NO_DATA: O'Brien's API (no data from PRDIIS09)",
          '3 apps FAIL: Customer Portal (p95 x1.61, traffic x0.60), Auth.Gateway v2 (error ' +
            'rate x1.78, new error System.IO.DirectoryNotFoundException x33), ' +
            'Billing.Service (error rate x3.0)'
        ],
        asOf: '2026-12-01T09:18:30.519Z',
        window: {
          from: '2026-11-25T04:30:00.000Z',
          until: '2026-11-25T05:30:00.000Z'
        },
        summary: {
          PASS: 5,
          WARN: 0,
          FAIL: 3,
          NO_DATA: 1,
          INCONCLUSIVE: 3
        },
        apps: [
          {
            app: 'Billing.Service',
            critical: false,
            verdict: 'FAIL',
            reasons: [
              'error rate 3.0% on PRDIIS09 vs 1.0% on 4 existing hosts (x3.0, 95% CI 2.3-3.9, ' +
                'p<0.001)'
            ],
            canaryHosts: [
              'PRDIIS09'
            ],
            baselineHosts: [
              'PRDIIS01',
              'PRDIIS02',
              'PRDIIS03',
              'PRDIIS04'
            ],
            metrics: [
              {
                metric: 'errorRate',
                status: 'FAIL',
                canary: 0.03032904148783977,
                baseline: 0.010147666036811533,
                effect: 2.988770164274086,
                pValue: 2.296511664296899e-14,
                detail: 'error rate 3.0% on PRDIIS09 vs 1.0% on 4 existing hosts (x3.0, 95% CI 2.3-3.9, ' +
                  'p<0.001)',
                adjustedPValue: 5.281976827882867e-13,
                ci: {
                  low: 2.304278580825785,
                  high: 3.8660563469679543
                }
              },
              {
                metric: 'latency',
                status: 'PASS',
                canary: 0.775918,
                baseline: 0.754567,
                effect: 1.0282956980625975,
                pValue: 1,
                detail: 'p95 776 ms on PRDIIS09 vs 755 ms on 4 existing hosts (x1.03); slow share (> 756 ' +
                  'ms) 5.4% vs 5.0% (x1.09, 95% CI 0.92-1.28, p=1); per-minute p95 +34 ms ' +
                  '(Mann-Whitney p=0.062, 60 vs 240 buckets)',
                adjustedPValue: 1,
                ci: null
              },
              {
                metric: 'throughput',
                status: 'PASS',
                canary: 58.25,
                baseline: 59.483333333333334,
                effect: 0.9792659008125525,
                pValue: 0.1353739404991965,
                detail: 'PRDIIS09 served 58 rpm vs 59 rpm expected from a typical existing host (x0.98, ' +
                  'p=0.14)',
                ci: null
              },
              {
                metric: 'newErrors',
                status: 'PASS',
                canary: 0,
                baseline: null,
                effect: null,
                pValue: null,
                detail: 'no error class on PRDIIS09 that the existing hosts do not also show (2 classes ' +
                  'seen)',
                ci: null
              },
              {
                metric: 'coverage',
                status: 'PASS',
                canary: 3495,
                baseline: 14289,
                effect: null,
                pValue: null,
                detail: 'PRDIIS09 served 3,495 transactions, 4 existing hosts 14,289'
              }
            ]
          }
        ]
      },
      startedAt: '2026-12-01T09:18:30.519Z',
      finishedAt: '2026-12-01T09:18:30.667Z',
      durationMs: 148
    }
  ],
  nextCursor: '0',
  nextAfter: 0
}

export const CREATED_ROLLOUT: CreatedRollout = {
  id: '01M8REC11S4F2QFPRSDAAYXZ01',
  name: 'PRDIIS09 joins the IIS pool',
  state: 'scheduled',
  accountId: 3300001,
  apps: [
    {
      name: 'Customer Portal'
    },
    {
      name: 'RESTAPI'
    },
    {
      name: 'Search Service'
    },
    {
      name: 'Auth.Gateway v2'
    },
    {
      name: 'Orders API'
    },
    {
      name: 'Inventory.Sync'
    },
    {
      name: 'Billing.Service'
    },
    {
      name: 'Shipping Rates'
    },
    {
      name: 'Loyalty.Points'
    },
    {
      name: "O'Brien's API"
    },
    {
      name: 'Notifications.Worker'
    },
    {
      name: 'Payroll.Export',
      team: 'finance'
    }
  ],
  canaryHosts: [
    'PRDIIS09'
  ],
  baselineHosts: null,
  startAt: '2026-11-25T04:30:00.000Z',
  decisionAt: '2026-11-25T10:00:00.000Z',
  checkpointEvery: 'PT1H',
  timezone: 'Asia/Kolkata',
  notify: [],
  recommendation: null,
  nextAt: '2026-11-25T05:30:00.000Z',
  createdAt: '2026-12-01T09:18:30.457Z',
  updatedAt: '2026-12-01T09:18:30.457Z',
  progress: {
    ok: 0,
    failed: 0,
    total: 6
  },
  plan: [
    {
      index: 0,
      kind: 'checkpoint',
      at: '2026-11-25T05:30:00.000Z',
      localAt: '2026-11-25T11:00:00+05:30',
      status: 'pending'
    },
    {
      index: 1,
      kind: 'checkpoint',
      at: '2026-11-25T06:30:00.000Z',
      localAt: '2026-11-25T12:00:00+05:30',
      status: 'pending'
    },
    {
      index: 2,
      kind: 'checkpoint',
      at: '2026-11-25T07:30:00.000Z',
      localAt: '2026-11-25T13:00:00+05:30',
      status: 'pending'
    },
    {
      index: 3,
      kind: 'checkpoint',
      at: '2026-11-25T08:30:00.000Z',
      localAt: '2026-11-25T14:00:00+05:30',
      status: 'pending'
    },
    {
      index: 4,
      kind: 'checkpoint',
      at: '2026-11-25T09:30:00.000Z',
      localAt: '2026-11-25T15:00:00+05:30',
      status: 'pending'
    },
    {
      index: 5,
      kind: 'decision',
      at: '2026-11-25T10:00:00.000Z',
      localAt: '2026-11-25T15:30:00+05:30',
      status: 'pending'
    }
  ],
  notifyFailures: [],
  warnings: []
}

export const DECIDED_ROLLOUT: Rollout = {
  id: '01M8REC11S4F2QFPRSDAAYXZ01',
  name: 'PRDIIS09 joins the IIS pool',
  state: 'decided',
  accountId: 3300001,
  apps: [
    {
      name: 'Customer Portal'
    },
    {
      name: 'RESTAPI'
    },
    {
      name: 'Search Service'
    },
    {
      name: 'Auth.Gateway v2'
    },
    {
      name: 'Orders API'
    },
    {
      name: 'Inventory.Sync'
    },
    {
      name: 'Billing.Service'
    },
    {
      name: 'Shipping Rates'
    },
    {
      name: 'Loyalty.Points'
    },
    {
      name: "O'Brien's API"
    },
    {
      name: 'Notifications.Worker'
    },
    {
      name: 'Payroll.Export',
      team: 'finance'
    }
  ],
  canaryHosts: [
    'PRDIIS09'
  ],
  baselineHosts: null,
  startAt: '2026-11-25T04:30:00.000Z',
  decisionAt: '2026-11-25T10:00:00.000Z',
  checkpointEvery: 'PT1H',
  timezone: 'Asia/Kolkata',
  notify: [],
  recommendation: 'NO_GO',
  nextAt: null,
  createdAt: '2026-12-01T09:18:30.457Z',
  updatedAt: '2026-12-01T09:18:32.468Z',
  progress: {
    ok: 6,
    failed: 0,
    total: 6
  },
  plan: [
    {
      index: 0,
      kind: 'checkpoint',
      at: '2026-11-25T05:30:00.000Z',
      localAt: '2026-11-25T11:00:00+05:30',
      status: 'ok'
    },
    {
      index: 1,
      kind: 'checkpoint',
      at: '2026-11-25T06:30:00.000Z',
      localAt: '2026-11-25T12:00:00+05:30',
      status: 'ok'
    },
    {
      index: 2,
      kind: 'checkpoint',
      at: '2026-11-25T07:30:00.000Z',
      localAt: '2026-11-25T13:00:00+05:30',
      status: 'ok'
    },
    {
      index: 3,
      kind: 'checkpoint',
      at: '2026-11-25T08:30:00.000Z',
      localAt: '2026-11-25T14:00:00+05:30',
      status: 'ok'
    },
    {
      index: 4,
      kind: 'checkpoint',
      at: '2026-11-25T09:30:00.000Z',
      localAt: '2026-11-25T15:00:00+05:30',
      status: 'ok'
    },
    {
      index: 5,
      kind: 'decision',
      at: '2026-11-25T10:00:00.000Z',
      localAt: '2026-11-25T15:30:00+05:30',
      status: 'ok'
    }
  ],
  notifyFailures: [],
  startedAt: '2026-12-01T09:18:30.517Z',
  decidedAt: '2026-12-01T09:18:32.468Z'
}

export const CANCELLED_ROLLOUT: Rollout = {
  id: '01M8RED0WEJ6708AASBGXVN2A4',
  name: 'PRDIIS10 joins the IIS pool',
  state: 'cancelled',
  accountId: 3300001,
  apps: [
    {
      name: 'RESTAPI'
    },
    {
      name: 'Billing.Service'
    }
  ],
  canaryHosts: [
    'PRDIIS10'
  ],
  baselineHosts: null,
  startAt: '2026-12-02T04:30:00.000Z',
  decisionAt: '2026-12-02T10:00:00.000Z',
  checkpointEvery: 'PT1H',
  timezone: 'Asia/Kolkata',
  notify: [],
  recommendation: null,
  nextAt: null,
  createdAt: '2026-12-01T09:19:03.054Z',
  updatedAt: '2026-12-01T09:19:03.092Z',
  progress: {
    ok: 0,
    failed: 0,
    total: 6
  },
  plan: [
    {
      index: 0,
      kind: 'checkpoint',
      at: '2026-12-02T05:30:00.000Z',
      localAt: '2026-12-02T11:00:00+05:30',
      status: 'skipped'
    },
    {
      index: 1,
      kind: 'checkpoint',
      at: '2026-12-02T06:30:00.000Z',
      localAt: '2026-12-02T12:00:00+05:30',
      status: 'skipped'
    },
    {
      index: 2,
      kind: 'checkpoint',
      at: '2026-12-02T07:30:00.000Z',
      localAt: '2026-12-02T13:00:00+05:30',
      status: 'skipped'
    },
    {
      index: 3,
      kind: 'checkpoint',
      at: '2026-12-02T08:30:00.000Z',
      localAt: '2026-12-02T14:00:00+05:30',
      status: 'skipped'
    },
    {
      index: 4,
      kind: 'checkpoint',
      at: '2026-12-02T09:30:00.000Z',
      localAt: '2026-12-02T15:00:00+05:30',
      status: 'skipped'
    },
    {
      index: 5,
      kind: 'decision',
      at: '2026-12-02T10:00:00.000Z',
      localAt: '2026-12-02T15:30:00+05:30',
      status: 'skipped'
    }
  ],
  notifyFailures: [],
  cancelledAt: '2026-12-01T09:19:03.092Z'
}

export const ROLLOUT_PAGE: RolloutPage = {
  items: [
    {
      id: '01M8RECN0GCHJCS13EE3PTKTNM',
      name: 'PRDIIS09 serves the search apps',
      state: 'decided',
      accountId: 3300001,
      apps: [
        {
          name: 'RESTAPI'
        },
        {
          name: 'Search Service'
        }
      ],
      canaryHosts: [
        'PRDIIS09'
      ],
      baselineHosts: null,
      startAt: '2026-11-25T04:30:00.000Z',
      decisionAt: '2026-11-25T10:00:00.000Z',
      checkpointEvery: 'PT1H',
      timezone: 'Asia/Kolkata',
      notify: [],
      recommendation: 'GO',
      nextAt: null,
      createdAt: '2026-12-01T09:18:50.896Z',
      updatedAt: '2026-12-01T09:18:51.703Z',
      progress: {
        ok: 6,
        failed: 0,
        total: 6
      },
      startedAt: '2026-12-01T09:18:50.934Z',
      decidedAt: '2026-12-01T09:18:51.703Z'
    }
  ],
  nextCursor: '01M8RECN0GCHJCS13EE3PTKTNM'
}

/** Examples used by more than one response: components.examples. */
export const EXAMPLES: Record<string, Example> = {
  NoGoRecommendation: {
    summary: 'NO_GO, final: the README rollout on the demo (result trimmed to 2 of 12 apps)',
    value: NO_GO_RECOMMENDATION
  }
}

/** Request bodies by operationId, then example name. */
export const REQUEST_EXAMPLES: Record<string, Record<string, Example>> = {
  analyzeWindow: {
    readme: { summary: "The README's one-shot analysis: PRDIIS09 on the demo's 2026-11-25 window", value: ANALYSIS_REQUEST }
  },
  createRollout: {
    readme: { summary: "The README's rollout: PRDIIS09 joins the IIS pool, decided at 15:30 IST", value: ROLLOUT_REQUEST }
  }
}

interface NamedExample { name: string, example: Example }
const shown = (name: string, summary: string, value: unknown): NamedExample => ({ name, example: { summary, value } })
const error = (name: string, statusCode: number, error: string, message: string): NamedExample =>
  ({ name, example: { value: { statusCode, error, message } } })
const NO_GO: Example = { $ref: '#/components/examples/NoGoRecommendation' }

/** Responses by operationId, then status: one named example each. */
export const RESPONSE_EXAMPLES: Record<string, Record<string, NamedExample>> = {
  analyzeWindow: {
    200: shown('noGo', 'NO_GO: the README analysis on the demo (trimmed to 2 of 4 apps)', ANALYSIS_RESULT)
  },
  createRollout: {
    201: shown('scheduled', 'The README rollout, just created: its past checkpoints are about to run', CREATED_ROLLOUT),
    422: error('keyReused', 422, 'Unprocessable Entity', 'the Idempotency-Key was already used with a different body')
  },
  listRollouts: {
    200: shown('decided', '?state=decided&limit=1: one rollout, and the cursor to older ones', ROLLOUT_PAGE)
  },
  getRollout: {
    200: shown('decided', 'The README rollout, decided NO_GO', DECIDED_ROLLOUT)
  },
  cancelRollout: {
    200: shown('cancelled', 'A rollout cancelled before it started', CANCELLED_ROLLOUT),
    409: error('decided', 409, 'Conflict', 'rollout 01M8REC11S4F2QFPRSDAAYXZ01 is already decided')
  },
  getRecommendation: {
    200: { name: 'noGo', example: NO_GO }
  },
  getGate: {
    200: shown('go', 'GO, final: a rollout of two apps that pass', GO_RECOMMENDATION),
    409: { name: 'noGo', example: NO_GO }
  },
  listCheckpoints: {
    200: shown('firstPage', '?limit=1: the first checkpoint (trimmed to 1 of 12 apps) and the cursor to the next', CHECKPOINT_PAGE)
  },
  getCheckpoint: {
    200: shown('decision', 'The decision of the README rollout (trimmed to 2 of 12 apps)', DECISION_CHECKPOINT)
  },
  runCheckpoint: {
    409: error('decided', 409, 'Conflict', 'rollout 01M8REC11S4F2QFPRSDAAYXZ01 is decided')
  },
  getReadiness: {
    200: shown('ready', 'Redis answers', { status: 'ready', redis: 'PONG' }),
    503: shown('unavailable', 'Redis does not answer', { status: 'unavailable', redis: 'no answer within 2000 ms' })
  }
}
