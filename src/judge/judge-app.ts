/**
 * One app's verdict once the Holm family is adjusted: its five checks, the FAILs that
 * stand from earlier looks, and the app's result with its reasons.
 */
import type { MetricName, Status } from '../schemas/common.ts'
import type { AppResult } from '../schemas/result.ts'
import type { ResolvedThresholds } from '../schemas/thresholds.ts'
import { judgeErrorRate } from './checks/error-rate.ts'
import { judgeLatency } from './checks/latency.ts'
import { checkNewErrors } from './checks/new-errors.ts'
import type { RateMeasure } from './checks/sequential.ts'
import { stickyStatus } from './checks/sticky.ts'
import { checkThroughput } from './checks/throughput.ts'
import { outcome, type CheckContext, type CheckOutcome, type Finding } from './checks/types.ts'
import { explainErrorRate } from './explain/error-rate.ts'
import { formatHosts } from './explain/format.ts'
import { explainLatency } from './explain/latency.ts'
import { missingMetric } from './explain/missing.ts'
import { explainNewErrors } from './explain/new-errors.ts'
import { explainSticky } from './explain/sticky.ts'
import { explainThroughput } from './explain/throughput.ts'
import type { Measured } from './measure.ts'
import { appVerdict, type JudgedApp } from './verdict.ts'

/** What the whole checkpoint tells one app's checks. */
export interface Family {
  thresholds: ResolvedThresholds
  alpha: number
  nApps: number
  nTests: number
  bucketMinutes: number
  /** Window end: when a first FAIL is remembered. */
  until: number
  /** Configured canaries that reported something (the others are a rollout-level finding). */
  canaryHosts: string[]
}

/**
 * The app's tests in the two families: raw and Holm-adjusted anytime p-values (FAILs), and
 * whether e-BH selected each for a WARN.
 */
export interface FamilyTests {
  errorRate: { p: number, adjusted: number, warn: boolean }
  latency: { p: number, adjusted: number, warn: boolean }
  newErrors: { warn: boolean }
}

export function judgeApp (m: Measured, family: Family, tests: FamilyTests): JudgedApp {
  const nobody = m.data === null || m.sides === null || (m.sides.canary.count === 0 && m.sides.baseline.count === 0)
  const outcomes = nobody || m.data === null || m.sides === null ? missingApp(m) : checkedApp(m, family, tests, m.data, m.sides)
  const { verdict, reasons: all, short } = appVerdict(outcomes)
  // When the canary (or every host) sent nothing, coverage says why; the other checks'
  // "no data" lines would only repeat it.
  const canarySilent = nobody || m.sides === null || m.sides.canary.count === 0
  const reasons = canarySilent && m.coverage.result.status !== 'PASS' ? [m.coverage.result.detail] : all
  const result: AppResult = {
    app: m.spec.name,
    ...(m.spec.team !== undefined ? { team: m.spec.team } : {}),
    ...(m.spec.owners !== undefined ? { owners: m.spec.owners } : {}),
    critical: m.spec.critical ?? false,
    verdict,
    reasons,
    ...(verdict === 'PASS' || short === '' ? {} : { short }),
    canaryHosts: m.sides?.canary.hosts ?? [],
    baselineHosts: m.sides?.baseline.hosts ?? [],
    metrics: outcomes.map(o => o.result)
  }
  return { result, short }
}

function checkedApp (
  m: Measured, family: Family, tests: FamilyTests, data: NonNullable<Measured['data']>, sides: NonNullable<Measured['sides']>
): CheckOutcome[] {
  const ctx: CheckContext = {
    app: m.spec.name,
    data,
    sides,
    thresholds: family.thresholds,
    alpha: family.alpha,
    nApps: family.nApps,
    nTests: family.nTests,
    bucketMinutes: family.bucketMinutes,
    baselineOutliers: m.outliers,
    canaryLabel: formatHosts(sides.canary.hosts.length > 0 ? sides.canary.hosts : family.canaryHosts, 'new'),
    baselineLabel: formatHosts(sides.baseline.hosts, 'existing'),
    // A canary that went quiet late in the window still has data to judge; only a
    // canary that never reported makes the other checks NO_DATA.
    canaryReports: sides.canary.count > 0
  }
  const errors = judgeErrorRate(
    ctx, { ...(m.errors as RateMeasure), pValue: tests.errorRate.p }, tests.errorRate.adjusted, tests.errorRate.warn
  )
  const latency = judgeLatency(
    ctx, { ...(m.latency as RateMeasure), pValue: tests.latency.p }, tests.latency.adjusted, tests.latency.warn, m.threshold
  )
  const throughput = checkThroughput(ctx)
  const newErrors = checkNewErrors(ctx, tests.newErrors.warn)
  return [
    sticky(m, errors, explainErrorRate(errors.result, errors.facts), family.until),
    sticky(m, latency, explainLatency(latency.result, latency.facts), family.until),
    outcome(throughput.result, explainThroughput(throughput.result, throughput.facts)),
    outcome(newErrors.result, explainNewErrors(newErrors.result, newErrors.facts)),
    m.coverage
  ]
}

/** The outcome of a sequential test, a FAIL of an earlier look standing; a first FAIL is remembered. */
function sticky (m: Measured, finding: Finding<unknown>, words: { detail: string, short: string }, until: number): CheckOutcome {
  const metric = finding.result.metric as 'errorRate' | 'latency'
  const earlier = m.evidence.failedAt?.[metric]
  const { status, since } = stickyStatus(finding.result.status, earlier)
  if (since !== null) return outcome({ ...finding.result, status }, explainSticky(words, since))
  if (status === 'FAIL' && earlier === undefined) {
    m.evidence.failedAt = { ...(m.evidence.failedAt ?? {}), [metric]: { at: until, short: words.short } }
  }
  return outcome(finding.result, words)
}

/** An app no host reported: every check takes coverage's status (INCONCLUSIVE), with its reason. */
function missingApp (m: Measured): CheckOutcome[] {
  const status: Status = m.coverage.result.status
  const metrics: MetricName[] = ['errorRate', 'latency', 'throughput', 'newErrors']
  return [
    ...metrics.map(metric => ({
      result: { metric, status, canary: null, baseline: null, effect: null, pValue: null, detail: missingMetric(metric, m.spec.name) },
      short: ''
    })),
    m.coverage
  ]
}
