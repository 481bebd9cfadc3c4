/**
 * Everything measured about one app before the multiplicity correction: its sides, its
 * coverage, the slow threshold, the excluded baseline hosts and this look's step of its two
 * e-processes (the evidence carried to the next look).
 */
import type { AppSpec } from '../schemas/thresholds.ts'
import { checkCoverage } from './checks/coverage.ts'
import { measureErrorRate } from './checks/error-rate.ts'
import { measureLatency } from './checks/latency.ts'
import { newErrorsOf } from './checks/new-errors.ts'
import type { RateMeasure } from './checks/sequential.ts'
import { outcome, type CheckOutcome } from './checks/types.ts'
import { newAppEvidence, type AppEvidence } from './evidence.ts'
import { explainCoverage } from './explain/coverage.ts'
import { thresholdNote } from './explain/threshold.ts'
import { hostKey } from './hosts.ts'
import type { AppData, CheckpointData } from './input.ts'
import { baselineOutliers, excludedBaseline, latencyOutliers, outlierRates, slowRates, type BaselineOutlier } from './outliers.ts'
import { newEProcess } from './stats/e-process.ts'
import { hostViews, latencyView, type HostView } from './views.ts'
import { appSides, type AppSides } from './sides.ts'
import { chooseThreshold } from './threshold.ts'

export interface Measured {
  spec: AppSpec
  data: AppData | null
  sides: AppSides | null
  coverage: CheckOutcome
  /** This app's evidence after this look (a copy: the previous state is not changed). */
  evidence: AppEvidence
  errors: RateMeasure | null
  latency: RateMeasure | null
  threshold: { slowThresholdS: number | null, ok: boolean, note: string | null }
  /** Existing hosts left out of the error-rate baseline, with this look's rates. */
  outliers: BaselineOutlier[]
  /** The e-value of the app's new error classes (checks/new-errors.ts), 0 without data. */
  newErrorsE: number
  /** The data the latency check reads: the latency baseline without its outliers. */
  latencyData: AppData | null
  /** Existing hosts left out of the latency baseline, with this look's slow shares. */
  latencyOutliers: BaselineOutlier[]
  /** Each new host on its own, when several serve the app. */
  hosts: HostMeasure[]
}

/** One new host's view and this look's step of its two tests. */
export interface HostMeasure {
  view: HostView
  errors: RateMeasure
  latency: RateMeasure
  /** The latency view of the host's data (outliers out of the baseline). */
  latencyData: AppData
}

export function measureApp (
  spec: AppSpec, data: AppData | null, prevApp: AppEvidence | undefined, canaryHosts: string[],
  checkpoint: Pick<CheckpointData, 'baselineHosts' | 'bucketMinutes' | 'until'>, alpha: number
): Measured {
  const sides = data === null ? null : appSides(data, canaryHosts, checkpoint.baselineHosts ?? null)
  const found = checkCoverage(spec.name, sides, data?.window.series ?? [], checkpoint.bucketMinutes, checkpoint.until)
  const coverage = outcome(found.result, explainCoverage(found.facts))
  const chosen = chooseThreshold(prevApp, data)
  const threshold = { slowThresholdS: chosen.slowThresholdS, ok: chosen.ok, note: thresholdNote(chosen.facts) }
  const evidence: AppEvidence = prevApp !== undefined ? { ...prevApp } : newAppEvidence(chosen.slowThresholdS)
  evidence.slowThresholdS = chosen.slowThresholdS ?? chosen.next
  if (data === null || sides === null) {
    return {
      spec,
      data: null,
      sides: null,
      coverage,
      evidence,
      errors: null,
      latency: null,
      threshold,
      outliers: [],
      newErrorsE: 0,
      latencyData: null,
      latencyOutliers: [],
      hosts: []
    }
  }
  const excluded = excludedBaseline(prevApp?.excludedBaseline ?? [], baselineOutliers(data.window.hosts, sides.isBaseline, data.pre.hosts))
  if (excluded.hosts.length > 0) evidence.excludedBaseline = excluded.hosts
  const errors = measureErrorRate(
    evidence.errorRate, sides, alpha, data.window.hosts, new Set(excluded.hosts.map(hostKey)), excluded.changed
  )
  const slowOut = excludedBaseline(prevApp?.excludedLatencyBaseline ?? [], latencyOutliers(data.window.hosts, sides.isBaseline))
  if (slowOut.hosts.length > 0) evidence.excludedLatencyBaseline = slowOut.hosts
  const latencyData = latencyView(data, sides, slowOut.hosts)
  const latency = measureLatency(evidence.latency, latencyData, chosen.ok, alpha, slowOut.changed)
  evidence.errorRate = errors.state
  evidence.latency = latency.state
  const errorOut = new Set(excluded.hosts.map(hostKey))
  const hosts = hostViews(data, sides, checkpoint.baselineHosts ?? null).map((view): HostMeasure => {
    const key = hostKey(view.host)
    const before = prevApp?.hosts?.[key] ?? { errorRate: newEProcess(), latency: newEProcess() }
    const hostLatency = latencyView(view.data, view.sides, slowOut.hosts)
    return {
      view,
      errors: measureErrorRate(before.errorRate, view.sides, alpha, view.data.window.hosts, errorOut, excluded.changed),
      latency: measureLatency(before.latency, hostLatency, chosen.ok, alpha, slowOut.changed),
      latencyData: hostLatency
    }
  })
  if (hosts.length > 0) {
    evidence.hosts = { ...(prevApp?.hosts ?? {}) }
    for (const h of hosts) evidence.hosts[hostKey(h.view.host)] = { errorRate: h.errors.state, latency: h.latency.state }
  }
  evidence.looks += 1
  return {
    spec,
    data,
    sides,
    coverage,
    evidence,
    errors,
    latency,
    threshold,
    outliers: outlierRates(data, sides, excluded.hosts),
    latencyData,
    latencyOutliers: slowRates(data, sides, slowOut.hosts),
    hosts,
    newErrorsE: newErrorsOf(data, sides).e
  }
}
