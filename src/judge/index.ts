/**
 * The judge: one checkpoint's data in, verdicts and the evidence to carry to the next
 * checkpoint out. Pure: no I/O, no clock, no randomness.
 */
import type { Status } from '../schemas/common.ts'
import type { AppResult, CheckpointResult } from '../schemas/result.ts'
import { resolvePolicy, resolveThresholds, type AppSpec, type Policy, type Thresholds } from '../schemas/thresholds.ts'
import type { AppData, CheckpointData } from './input.ts'
import { appSides, type AppSides } from './sides.ts'
import { newAppEvidence, usableEvidence, type AppEvidence, type EvidenceState } from './evidence.ts'
import { holm } from './holm.ts'
import { asReported, hostKey, reportedSpellings } from './hosts.ts'
import { baselineOutliers, excludedBaseline, outlierRates, type BaselineOutlier } from './outliers.ts'
import { formatHosts, formatSeconds } from './format.ts'
import { checkCoverage } from './checks/coverage.ts'
import { judgeErrorRate, measureErrorRate } from './checks/error-rate.ts'
import { judgeLatency, measureLatency } from './checks/latency.ts'
import { checkThroughput } from './checks/throughput.ts'
import { checkNewErrors } from './checks/new-errors.ts'
import type { RateMeasure } from './checks/sequential.ts'
import type { CheckContext, CheckOutcome } from './checks/types.ts'
import { appVerdict, recommend, summarize, type JudgedApp } from './verdict.ts'

export type { EvidenceState, AppEvidence } from './evidence.ts'
export { slowThresholdsOf } from './evidence.ts'

export interface JudgeRequest {
  data: CheckpointData
  /** Normalized app specs, same names as data.apps. */
  apps: AppSpec[]
  /** Request/rollout level thresholds, layered under per-app thresholds. */
  thresholds?: Thresholds
  policy?: Policy
  /** Epoch ms: when this checkpoint was judged. */
  asOf: number
  /** From this rollout's previous checkpoint; absent for the first look or a one-shot analysis. */
  evidence?: EvidenceState
}

export interface JudgeOutput { result: CheckpointResult, evidence: EvidenceState }

/** Everything measured about one app before the multiplicity correction. */
interface Measured {
  spec: AppSpec
  data: AppData | null
  sides: AppSides | null
  coverage: CheckOutcome
  evidence: AppEvidence
  errors: RateMeasure | null
  latency: RateMeasure | null
  threshold: { slowThresholdS: number | null, note: string | null }
  /** Existing hosts left out of the error-rate baseline, with this look's rates. */
  outliers: BaselineOutlier[]
}

/**
 * Judges one checkpoint. Each app gets five checks (coverage, errorRate, latency,
 * throughput, newErrors); the error-rate and latency tests of all apps form one Holm
 * family at policy.alpha so the chance of a false NO_GO stays controlled across apps,
 * metrics and (through the anytime-valid e-processes) hourly looks.
 */
export function judge (req: JudgeRequest): JudgeOutput {
  const policy = resolvePolicy(req.policy)
  const data = req.data
  const prev = usableEvidence(req.evidence, data.from, data.until)
  const byName = new Map<string, AppData>()
  for (const a of data.apps) if (!byName.has(a.app)) byName.set(a.app, a)
  const specs = uniqueSpecs(req.apps.length > 0 ? req.apps : data.apps.map(a => ({ name: a.app })))
  // Hosts as the data spells them (PRDIIS09 however the request typed it), so every reason,
  // detail and host list of one result names a host the same way.
  const spellings = reportedSpellings(data.apps.flatMap(a => [...a.window.hosts, ...a.pre.hosts]))
  const configuredCanaries = asReported(data.canaryHosts ?? [], spellings)
  const configuredBaseline = data.baselineHosts === null || data.baselineHosts === undefined
    ? null
    : asReported(data.baselineHosts, spellings)
  const unseen = unseenCanaries(configuredCanaries, data.apps)
  // A new host that reported no app at all is not in the pool yet (staggered joins), or
  // misspelt, or without any agent: a rollout-level finding, not every app's NO_DATA, so
  // the other new hosts are still judged and their FAILs still show.
  const canaryHosts = configuredCanaries.filter(h => !unseen.includes(h))

  const measured: Measured[] = specs.map(spec => {
    const appData = byName.get(spec.name) ?? null
    const sides = appData === null ? null : appSides(appData, canaryHosts, configuredBaseline)
    const coverage = checkCoverage(spec.name, sides, appData?.window.series ?? [], data.bucketMinutes, data.until)
    const prevApp = prev?.apps[spec.name]
    const threshold = chooseThreshold(prevApp, appData)
    const evidence: AppEvidence = prevApp !== undefined ? { ...prevApp } : newAppEvidence(threshold.slowThresholdS)
    evidence.slowThresholdS = threshold.slowThresholdS ?? threshold.next
    if (appData === null || sides === null) return { spec, data: null, sides: null, coverage, evidence, errors: null, latency: null, threshold, outliers: [] }
    const excluded = excludedBaseline(prevApp?.excludedBaseline ?? [], baselineOutliers(appData.window.hosts, sides.isBaseline))
    if (excluded.hosts.length > 0) evidence.excludedBaseline = excluded.hosts
    const errors = measureErrorRate(evidence.errorRate, sides, appData.window.hosts, new Set(excluded.hosts.map(hostKey)), excluded.changed)
    const latency = measureLatency(evidence.latency, appData, threshold.ok)
    evidence.errorRate = errors.state
    evidence.latency = latency.state
    evidence.looks += 1
    return { spec, data: appData, sides, coverage, evidence, errors, latency, threshold, outliers: outlierRates(appData, sides, excluded.hosts) }
  })

  // One Holm family: two tests per app, p = 1 where there is no evidence yet.
  const raw = measured.flatMap(m => [pOf(m.errors, m.evidence.errorRate.maxLogE), pOf(m.latency, m.evidence.latency.maxLogE)])
  const adjusted = holm(raw)
  const thresholdsFor = (spec: AppSpec): ReturnType<typeof resolveThresholds> => resolveThresholds(req.thresholds, spec.thresholds)

  const judged: JudgedApp[] = measured.map((m, i) => {
    const nobody = m.data === null || m.sides === null || (m.sides.canary.count === 0 && m.sides.baseline.count === 0)
    const outcomes = nobody || m.data === null || m.sides === null
      ? missingApp(m)
      : appOutcomes(m, {
        app: m.spec.name,
        data: m.data,
        sides: m.sides,
        thresholds: thresholdsFor(m.spec),
        alpha: policy.alpha,
        nApps: specs.length,
        nTests: raw.length,
        bucketMinutes: data.bucketMinutes,
        baselineOutliers: m.outliers,
        canaryLabel: formatHosts(m.sides.canary.hosts.length > 0 ? m.sides.canary.hosts : canaryHosts, 'new'),
        baselineLabel: formatHosts(m.sides.baseline.hosts, 'existing'),
        // A canary that went quiet late in the window still has data to judge; only a
        // canary that never reported makes the other checks NO_DATA.
        canaryReports: m.sides.canary.count > 0
      }, raw[2 * i], adjusted[2 * i], raw[2 * i + 1], adjusted[2 * i + 1], data.until)
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
      canaryHosts: m.sides?.canary.hosts ?? [],
      baselineHosts: m.sides?.baseline.hosts ?? [],
      metrics: outcomes.map(o => o.result)
    }
    return { result, short }
  })

  const { recommendation, reasons } = withUnseenCanaries(recommend(judged, policy), unseen)
  const result: CheckpointResult = {
    recommendation,
    reasons,
    asOf: iso(req.asOf),
    window: { from: iso(data.from), until: iso(data.until) },
    summary: summarize(judged.map(j => j.result)),
    apps: judged.map(j => j.result)
  }
  const apps: Record<string, AppEvidence> = { ...(prev?.apps ?? {}) }
  for (const m of measured) apps[m.spec.name] = m.evidence
  return { result, evidence: { version: 1, from: data.from, until: data.until, apps } }
}

/**
 * A sequential test that rejected stays rejected: an error or latency regression FAILed at
 * one look (evidence over the margin at that time) is still a FAIL at later looks, even
 * when the cumulative numbers have eased, as a transient regression's do. The first FAIL
 * is remembered in the evidence and named in later details.
 */
function stickyFail (m: Measured, outcome: CheckOutcome, until: number): CheckOutcome {
  const metric = outcome.result.metric as 'errorRate' | 'latency'
  const failedAt = { ...(m.evidence.failedAt ?? {}) }
  const earlier = failedAt[metric]
  if (outcome.result.status === 'FAIL') {
    if (earlier === undefined) {
      failedAt[metric] = { at: until, short: outcome.short }
      m.evidence.failedAt = failedAt
    }
    return outcome
  }
  if (earlier === undefined || outcome.result.status === 'NO_DATA') return outcome
  const when = new Date(earlier.at).toISOString().slice(11, 16)
  return {
    result: { ...outcome.result, status: 'FAIL', detail: `${outcome.result.detail}; FAIL since the ${when}Z checkpoint (${earlier.short}): a regression seen once still counts, though the numbers have eased since` },
    short: `${earlier.short} at ${when}Z`
  }
}

function appOutcomes (m: Measured, ctx: CheckContext, pErr: number, adjErr: number, pLat: number, adjLat: number, until: number): CheckOutcome[] {
  const errors = m.errors as RateMeasure
  const latency = m.latency as RateMeasure
  return [
    stickyFail(m, judgeErrorRate(ctx, { ...errors, pValue: pErr }, adjErr), until),
    stickyFail(m, judgeLatency(ctx, { ...latency, pValue: pLat }, adjLat, m.threshold), until),
    checkThroughput(ctx),
    checkNewErrors(ctx),
    m.coverage
  ]
}

/** An app no host reported: every check takes coverage's status (INCONCLUSIVE), with its reason. */
function missingApp (m: Measured): CheckOutcome[] {
  const metrics = ['errorRate', 'latency', 'throughput', 'newErrors'] as const
  const status: Status = m.coverage.result.status
  return [
    ...metrics.map(metric => ({
      result: { metric, status, canary: null, baseline: null, effect: null, pValue: null, detail: `no ${metric === 'errorRate' ? 'error' : metric === 'newErrors' ? 'error class' : metric} data for ${m.spec.name}` },
      short: ''
    })),
    m.coverage
  ]
}

/**
 * Configured canary hosts that reported no transaction for any app, when at least one
 * other canary host did (when none did, every app is NO_DATA on its own).
 */
function unseenCanaries (canaryHosts: string[], apps: AppData[]): string[] {
  if (canaryHosts.length < 2) return []
  const seen = new Set<string>()
  for (const a of apps) for (const h of a.window.hosts) if (h.count > 0) seen.add(hostKey(h.host))
  const unseen = canaryHosts.filter(h => !seen.has(hostKey(h)))
  return unseen.length < canaryHosts.length ? unseen : []
}

/** A GO cannot vouch for a new host nobody has seen: it becomes INCONCLUSIVE, with the reason. */
function withUnseenCanaries (rec: { recommendation: CheckpointResult['recommendation'], reasons: string[] }, unseen: string[]): { recommendation: CheckpointResult['recommendation'], reasons: string[] } {
  if (unseen.length === 0) return rec
  const reason = `${unseen.join(', ')} (new) reported no app in the window: not in the pool yet, a misspelt name, or no APM agent`
  return { recommendation: rec.recommendation === 'GO' ? 'INCONCLUSIVE' : rec.recommendation, reasons: [...rec.reasons, reason] }
}

function pOf (measure: RateMeasure | null, maxLogE: number): number {
  return measure?.pValue ?? Math.min(1, Math.exp(-maxLogE))
}

/**
 * The slow threshold is fixed at the first look that knows one; later looks keep it (the
 * fetcher is told it). Counts taken against another threshold do not update the evidence.
 * Without any threshold, the baseline's current p95 becomes the threshold for the next looks.
 */
function chooseThreshold (prevApp: AppEvidence | undefined, data: AppData | null): { slowThresholdS: number | null, ok: boolean, note: string | null, next: number | null } {
  const given = data !== null && isPositive(data.slowThresholdS) ? data.slowThresholdS : null
  const fixed = prevApp !== undefined && isPositive(prevApp.slowThresholdS) ? prevApp.slowThresholdS : null
  if (fixed !== null) {
    const ok = given !== null && Math.abs(given - fixed) <= 1e-9 * Math.max(1, fixed)
    const note = ok ? null : `slow counts were taken against ${formatSeconds(given)}, not this rollout's ${formatSeconds(fixed)}: latency evidence not updated this checkpoint`
    return { slowThresholdS: fixed, ok, note, next: null }
  }
  if (given !== null) return { slowThresholdS: given, ok: true, note: null, next: null }
  const p95 = data?.window.baseline.p95S ?? null
  const next = isPositive(p95) ? p95 : null
  return { slowThresholdS: null, ok: false, note: next !== null ? `no slow-latency threshold yet: from the next checkpoint, transactions over ${formatSeconds(next)} (baseline p95 now) count as slow` : 'no slow-latency threshold yet (no baseline p95)', next }
}

function isPositive (v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0
}

function uniqueSpecs (specs: AppSpec[]): AppSpec[] {
  const seen = new Set<string>()
  return specs.filter(s => !seen.has(s.name) && seen.add(s.name) !== undefined)
}

function iso (ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0)
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString()
}
