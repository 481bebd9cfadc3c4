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
import { baselineOutliers, excludedBaseline, outlierRates, type BaselineOutlier } from './outliers.ts'
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
    return { spec, data: null, sides: null, coverage, evidence, errors: null, latency: null, threshold, outliers: [], newErrorsE: 0 }
  }
  const excluded = excludedBaseline(prevApp?.excludedBaseline ?? [], baselineOutliers(data.window.hosts, sides.isBaseline))
  if (excluded.hosts.length > 0) evidence.excludedBaseline = excluded.hosts
  const errors = measureErrorRate(
    evidence.errorRate, sides, alpha, data.window.hosts, new Set(excluded.hosts.map(hostKey)), excluded.changed
  )
  const latency = measureLatency(evidence.latency, data, chosen.ok, alpha)
  evidence.errorRate = errors.state
  evidence.latency = latency.state
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
    newErrorsE: newErrorsOf(data, sides).e
  }
}
