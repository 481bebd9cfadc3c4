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
import { hostKey } from './hosts.ts'
import { explainErrorRate } from './explain/error-rate.ts'
import { hostWords } from './explain/hosts.ts'
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
  errorRate: TestSlot
  latency: TestSlot
  newErrors: { warn: boolean }
  /** Each new host's own two tests, when several new hosts serve the app. */
  hosts: Array<{ host: string, errorRate: TestSlot, latency: TestSlot }>
}

/** A test's raw and Holm-adjusted anytime p-values, and whether e-BH selected it for a WARN. */
export interface TestSlot { p: number, adjusted: number, warn: boolean }

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
    ...baselineOf(m),
    metrics: outcomes.map(o => o.result)
  }
  return { result, short }
}

/**
 * The existing hosts the checks compared against, and apart from them those a check left out as
 * outliers (with which checks): a reader of `baselineHosts` should not have to find the sick host
 * in a detail sentence to know it was not in the comparison.
 */
function baselineOf (m: Measured): Pick<AppResult, 'baselineHosts' | 'excludedBaselineHosts'> {
  const out = new Map<string, { host: string, checks: Array<'errorRate' | 'latency'> }>()
  const add = (host: string, check: 'errorRate' | 'latency'): void => {
    const key = hostKey(host)
    const entry = out.get(key) ?? { host, checks: [] }
    if (!entry.checks.includes(check)) entry.checks.push(check)
    out.set(key, entry)
  }
  for (const o of m.outliers) add(o.host, 'errorRate')
  for (const o of m.latencyOutliers) add(o.host, 'latency')
  const all = m.sides?.baseline.hosts ?? []
  if (out.size === 0) return { baselineHosts: all }
  return { baselineHosts: all.filter(h => !out.has(hostKey(h))), excludedBaselineHosts: [...out.values()] }
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
    latencyOutliers: m.latencyOutliers,
    canaryLabel: formatHosts(sides.canary.hosts.length > 0 ? sides.canary.hosts : family.canaryHosts, 'new'),
    baselineLabel: formatHosts(sides.baseline.hosts, 'existing'),
    // A canary that went quiet late in the window still has data to judge; only a
    // canary that never reported makes the other checks NO_DATA.
    canaryReports: sides.canary.count > 0
  }
  const slowOut = new Set(m.latencyOutliers.map(o => hostKey(o.host)))
  const latencyCtx: CheckContext = {
    ...ctx,
    data: m.latencyData ?? data,
    baselineLabel: formatHosts(sides.baseline.hosts.filter(h => !slowOut.has(hostKey(h))), 'existing')
  }
  const pooledErrors = judgeErrorRate(
    ctx, { ...(m.errors as RateMeasure), pValue: tests.errorRate.p }, tests.errorRate.adjusted, tests.errorRate.warn
  )
  const pooledLatency = judgeLatency(
    latencyCtx, { ...(m.latency as RateMeasure), pValue: tests.latency.p }, tests.latency.adjusted, tests.latency.warn, m.threshold
  )
  const hostFindings = m.hosts.map((h, i) => {
    const slot = tests.hosts[i]
    const own: CheckContext = {
      ...ctx,
      data: h.view.data,
      sides: h.view.sides,
      canaryLabel: h.view.host,
      baselineLabel: formatHosts(h.view.sides.baseline.hosts, 'existing'),
      canaryReports: h.view.sides.canary.count > 0
    }
    const e = judgeErrorRate(own, { ...h.errors, pValue: slot.errorRate.p }, slot.errorRate.adjusted, slot.errorRate.warn)
    const l = judgeLatency(
      { ...own, data: h.latencyData, baselineLabel: latencyCtx.baselineLabel }, { ...h.latency, pValue: slot.latency.p },
      slot.latency.adjusted, slot.latency.warn, m.threshold
    )
    return {
      host: h.view.host,
      errors: { finding: e as Finding<unknown>, words: explainErrorRate(e.result, e.facts) },
      latency: { finding: l as Finding<unknown>, words: explainLatency(l.result, l.facts) }
    }
  })
  const errors = decisive(
    { finding: pooledErrors, words: explainErrorRate(pooledErrors.result, pooledErrors.facts) },
    hostFindings.map(h => ({ host: h.host, ...h.errors }))
  )
  const latency = decisive(
    { finding: pooledLatency, words: explainLatency(pooledLatency.result, pooledLatency.facts) },
    hostFindings.map(h => ({ host: h.host, ...h.latency }))
  )
  const throughput = checkThroughput(ctx)
  const newErrors = checkNewErrors(ctx, tests.newErrors.warn)
  return [
    sticky(m, errors.finding, errors.words, family.until),
    sticky(m, latency.finding, latency.words, family.until),
    outcome(throughput.result, explainThroughput(throughput.result, throughput.facts)),
    outcome(newErrors.result, explainNewErrors(newErrors.result, newErrors.facts)),
    m.coverage
  ]
}

interface Scored { finding: Finding<unknown>, words: { detail: string, short: string } }

/**
 * The metric's finding from the pooled test and each new host's own: a fleet-wide fault shows
 * best pooled, a one-machine fault on its host. The pooled FAIL wins; else a host's FAIL (the one
 * with the strongest evidence gives the numbers; every flagged host is named, and the others said
 * to be like the existing hosts); else the pooled WARN, else a host's WARN; else the pooled.
 * A host too small to tell leaves the verdict to the pooled test.
 */
function decisive (pooled: Scored, hosts: Array<Scored & { host: string }>): Scored {
  const at = (status: Status): Array<Scored & { host: string }> => hosts.filter(h => h.finding.result.status === status)
  if (hosts.length === 0) return pooled
  const failing = at('FAIL')
  // Some machines and not others: a host-specific fault, said of those hosts even when the pool shows it too.
  if (failing.length > 0 && failing.length < hosts.length) return named(failing, hosts)
  if (pooled.finding.result.status === 'FAIL') return pooled
  if (failing.length > 0) return named(failing, hosts)
  if (pooled.finding.result.status === 'WARN') return pooled
  const warning = at('WARN')
  return warning.length > 0 ? named(warning, hosts) : pooled
}

function named (flagged: Array<Scored & { host: string }>, all: Array<Scored & { host: string }>): Scored {
  const ranked = [...flagged].sort((a, b) => (a.finding.result.adjustedPValue ?? 1) - (b.finding.result.adjustedPValue ?? 1))
  const best = ranked[0]
  const like = all.filter(h => h.finding.result.status === 'PASS').map(h => h.host)
  const unclear = all.filter(h => !flagged.includes(h) && h.finding.result.status !== 'PASS')
    .map(h => ({ host: h.host, status: h.finding.result.status }))
  // The numbers are that host's, not the pooled new hosts': the result names it so no reader takes them for the pool's.
  const finding = { ...best.finding, result: { ...best.finding.result, host: best.host } }
  return { finding, words: hostWords(ranked.map(h => ({ host: h.host, words: h.words })), like, unclear) }
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
