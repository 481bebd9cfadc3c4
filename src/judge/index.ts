/**
 * The judge: one checkpoint's data in, verdicts and the evidence to carry to the next
 * checkpoint out. Pure: no I/O, no clock, no randomness.
 *
 * The pipeline: measure every app (coverage, slow threshold, excluded baseline hosts, this
 * look's step of the error-rate and latency e-processes), adjust the two sequential tests of
 * all apps as one Holm family, run each app's checks, then the recommendation.
 */
import type { CheckpointResult } from '../schemas/result.ts'
import { resolvePolicy, resolveThresholds, type AppSpec, type Policy, type Thresholds } from '../schemas/thresholds.ts'
import { sickExistingHostFindings, unseenCanaries, unseenCanariesFindings, withFindings } from './canaries.ts'
import type { RateMeasure } from './checks/sequential.ts'
import { usableEvidence, type AppEvidence, type EvidenceState } from './evidence.ts'
import { asReported, reportedSpellings } from './hosts.ts'
import type { AppData, CheckpointData } from './input.ts'
import { judgeApp } from './judge-app.ts'
import { measureApp, type Measured } from './measure.ts'
import { eBenjaminiHochberg } from './stats/e-bh.ts'
import { holm } from './stats/holm.ts'
import { recommend, summarize } from './verdict.ts'

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
  const configured = asReported(data.canaryHosts ?? [], spellings)
  const baselineHosts = data.baselineHosts === null || data.baselineHosts === undefined ? null : asReported(data.baselineHosts, spellings)
  const unseen = unseenCanaries(configured, data.apps)
  const canaryHosts = configured.filter(h => !unseen.includes(h))

  const checkpoint = { baselineHosts, bucketMinutes: data.bucketMinutes, until: data.until }
  const measured = specs.map(spec =>
    measureApp(spec, byName.get(spec.name) ?? null, prev?.apps[spec.name], canaryHosts, checkpoint, policy.alpha))
  // One Holm family: error rate and latency of each app, and of each of its new hosts when it has
  // several; p = 1 where there is no evidence yet. The WARNs' family adds each app's new errors,
  // every test's e-value at this look, at the policy's false discovery rate.
  const tests = measured.map(testsOf)
  const raw = tests.flat().map(x => pOf(x.measure, x.maxLogE))
  const adjusted = holm(raw)
  const warn = eBenjaminiHochberg(tests.flatMap((ts, i) => [...ts.map(x => eOf(x.measure)), measured[i].newErrorsE]), policy.warnFdr)
  let at = 0
  let warnAt = 0
  const judged = measured.map((m, i) => {
    const slot = (): { p: number, adjusted: number, warn: boolean } => {
      const out = { p: raw[at], adjusted: adjusted[at], warn: warn[warnAt] }
      at++
      warnAt++
      return out
    }
    const errorRate = slot()
    const latency = slot()
    const hosts = m.hosts.map(h => ({ host: h.view.host, errorRate: slot(), latency: slot() }))
    const newErrors = { warn: warn[warnAt++] }
    return judgeApp(m, {
      thresholds: resolveThresholds(req.thresholds, m.spec.thresholds),
      alpha: policy.alpha,
      nApps: specs.length,
      nTests: raw.length,
      bucketMinutes: data.bucketMinutes,
      until: data.until,
      canaryHosts
    }, { errorRate, latency, newErrors, hosts })
  })

  const findings = [
    ...unseenCanariesFindings(unseen),
    ...sickExistingHostFindings(measured.map(m => ({ app: m.spec.name, errors: m.outliers, latency: m.latencyOutliers })))
  ]
  const { recommendation, reasons } = withFindings(recommend(judged, policy), findings)
  const result: CheckpointResult = {
    recommendation,
    reasons,
    ...(findings.length > 0 ? { findings } : {}),
    asOf: iso(req.asOf),
    window: { from: iso(data.from), until: iso(data.until) },
    summary: summarize(judged.map(j => j.result)),
    apps: judged.map(j => j.result)
  }
  const apps: Record<string, AppEvidence> = { ...(prev?.apps ?? {}) }
  for (const m of measured) apps[m.spec.name] = m.evidence
  return { result, evidence: { version: 1, from: data.from, until: data.until, apps } }
}

/** The app's tests in family order: pooled error rate and latency, then each new host's two. */
function testsOf (m: Measured): Array<{ measure: RateMeasure | null, maxLogE: number }> {
  return [
    { measure: m.errors, maxLogE: m.evidence.errorRate.maxLogE },
    { measure: m.latency, maxLogE: m.evidence.latency.maxLogE },
    ...m.hosts.flatMap(h => [
      { measure: h.errors, maxLogE: h.errors.state.maxLogE },
      { measure: h.latency, maxLogE: h.latency.state.maxLogE }
    ])
  ]
}

function eOf (measure: RateMeasure | null): number {
  return measure === null ? 0 : Math.exp(measure.logE)
}

function pOf (measure: RateMeasure | null, maxLogE: number): number {
  return measure?.pValue ?? Math.min(1, Math.exp(-maxLogE))
}

function uniqueSpecs (specs: AppSpec[]): AppSpec[] {
  const seen = new Set<string>()
  return specs.filter(s => !seen.has(s.name) && seen.add(s.name) !== undefined)
}

function iso (ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0)
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString()
}
