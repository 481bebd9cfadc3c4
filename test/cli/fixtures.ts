/** A Matrix as GET /v1/rollouts/{id}/matrix sends it (src/schemas/board.ts), with people's word in it. */
import type { Matrix } from '../../src/schemas/board.ts'

export const ID = '01M8REC11S4F2QFPRSDAAYXZ01'

/** A time on the scenario's day (UTC). */
const at = (hhmm: string): string => `2026-11-25T${hhmm}:00.000Z`

export function matrixFixture (extra: Partial<Matrix> = {}): Matrix {
  return {
    rolloutId: ID,
    name: 'PRDIIS09 joins the IIS pool',
    state: 'monitoring',
    timezone: 'Asia/Kolkata',
    startAt: '2026-11-25T04:30:00.000Z',
    decisionAt: '2026-11-25T10:00:00.000Z',
    canaryHosts: ['PRDIIS09'],
    recommendation: 'GO',
    automated: 'NO_GO',
    reasons: ['1 app FAIL: Billing.Service (error rate x3.0), waived'],
    gate: { open: true, final: true, recommendation: 'GO', reason: 'GO by override' },
    override: { recommendation: 'GO', automated: 'NO_GO', reason: 'PAY-812 is known; approved by the CAB', by: 'ana', at: at('10:05') },
    plan: [
      { index: 0, kind: 'checkpoint', at: at('05:30'), localAt: '2026-11-25T11:00:00+05:30', status: 'ok', recommendation: 'NO_GO' },
      { index: 1, kind: 'checkpoint', at: at('06:30'), localAt: '2026-11-25T12:00:00+05:30', status: 'failed', recommendation: null },
      { index: 2, kind: 'checkpoint', at: at('07:30'), localAt: '2026-11-25T13:00:00+05:30', status: 'ok', recommendation: 'INCONCLUSIVE' },
      { index: 3, kind: 'decision', at: at('10:00'), localAt: '2026-11-25T15:30:00+05:30', status: 'pending', recommendation: null }
    ],
    apps: [
      {
        app: 'Billing.Service',
        team: 'payments',
        owners: ['bob@example.com'],
        critical: true,
        verdicts: ['FAIL', null, 'FAIL', null],
        reasons: [0, null, 0, null],
        waiver: { app: 'Billing.Service', reason: 'Known 404 on /health; fix in next release', by: 'bob', at: at('07:40'), fromIndex: 2 },
        signOff: null,
        notes: 2
      },
      {
        app: 'Auth.Gateway v2',
        team: 'identity',
        owners: [],
        critical: false,
        verdicts: ['PASS', null, 'WARN', null],
        reasons: [null, null, 1, null],
        waiver: null,
        signOff: { value: 'ok', by: 'ana', at: '2026-11-25T07:45:00.000Z' },
        notes: 1
      },
      {
        app: 'Evil\u001b[2J App',
        team: null,
        owners: [],
        critical: false,
        verdicts: ['NO_DATA', null, 'INCONCLUSIVE', null],
        reasons: [2, null, 3, null],
        waiver: null,
        signOff: { value: 'concern', by: 'carl', at: '2026-11-25T07:50:00.000Z' },
        notes: 0
      }
    ],
    shortReasons: ['error rate x3.0', 'p95 x1.08', 'no data from PRDIIS09', 'too little traffic\u0007'],
    teams: ['identity', 'payments'],
    ...extra
  }
}
