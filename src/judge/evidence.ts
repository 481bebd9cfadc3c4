/**
 * What the judge remembers between a rollout's checkpoints (stored as JSON in Redis):
 * per app, the slow-latency threshold fixed at the first look and the two sequential
 * tests (errors, slow transactions) with the cumulative counts they have consumed.
 */
import { newEProcess, type EProcessState } from './stats/e-process.ts'

export interface AppEvidence {
  /** Threshold (s) of the slow-share test, fixed at the first look; null until known. */
  slowThresholdS: number | null
  errorRate: EProcessState
  latency: EProcessState
  /** Checkpoints that updated this app's evidence. */
  looks: number
  /**
   * Existing hosts left out of the error-rate baseline as outliers (outliers.ts). Once out,
   * out for the rest of the rollout, so every look's counts mean the same thing.
   */
  excludedBaseline?: string[]
  /** Existing hosts left out of the latency baseline as outliers; once out, out. */
  excludedLatencyBaseline?: string[]
  /** Each new host's own tests, by host key, when several new hosts serve the app. */
  hosts?: Record<string, HostEvidence>
  /**
   * The first look at which each sequential test FAILed (window end, epoch ms, and its
   * few words). A rejection of an anytime-valid test stands: later looks stay FAIL.
   */
  failedAt?: Partial<Record<'errorRate' | 'latency', { at: number, short: string }>>
}

/** One new host's sequential tests against the existing hosts. */
export interface HostEvidence {
  errorRate: EProcessState
  latency: EProcessState
}

export interface EvidenceState {
  version: 1
  /** Window start of the rollout: evidence of another window is not continued. */
  from: number
  /** `until` of the checkpoint that produced this state. */
  until: number
  apps: Record<string, AppEvidence>
  /**
   * The fetcher's carried New Relic data (src/newrelic/carry.ts), opaque to the judge: it rides
   * in the evidence so it is recorded in the same atomic step as the checkpoint.
   */
  carry?: unknown
}

/** A fresh app record. */
export function newAppEvidence (slowThresholdS: number | null): AppEvidence {
  return { slowThresholdS, errorRate: newEProcess(), latency: newEProcess(), looks: 0 }
}

/**
 * The evidence to continue from, or null for a first look: state from another window
 * start, a newer checkpoint (the data would be older than the evidence) or an unknown
 * version is ignored rather than trusted.
 */
export function usableEvidence (evidence: EvidenceState | undefined | null, from: number, until: number): EvidenceState | null {
  if (evidence === undefined || evidence === null) return null
  if (evidence.version !== 1 || evidence.from !== from || evidence.until > until) return null
  if (typeof evidence.apps !== 'object' || evidence.apps === null) return null
  return evidence
}

/** Slow-latency thresholds (s) per app, to tell the fetcher which threshold to count against. */
export function slowThresholdsOf (evidence: EvidenceState | undefined | null): Record<string, number> {
  const out: Record<string, number> = {}
  if (evidence?.apps === undefined) return out
  for (const [app, ev] of Object.entries(evidence.apps)) {
    if (ev.slowThresholdS !== null && Number.isFinite(ev.slowThresholdS) && ev.slowThresholdS > 0) out[app] = ev.slowThresholdS
  }
  return out
}
