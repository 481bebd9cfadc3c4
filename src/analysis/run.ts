import type { NerdGraphClient } from '../newrelic/client.ts'
import { fetchCheckpointData } from '../newrelic/fetch-checkpoint.ts'
import { judge, type EvidenceState, type JudgeOutput } from '../judge/index.ts'
import type { Target } from '../rollout/target.ts'
import type { AppSeries } from '../schemas/board.ts'
import { seriesOf } from './series.ts'
import { toUpstreamError } from './upstream-error.ts'

export interface AnalysisWindow {
  from: number
  until: number
}

/**
 * One checkpoint's work: read New Relic, then judge. The judge stays pure; this
 * is the only place the two meet, shared by one-shot analyses and rollout jobs.
 */
export async function runAnalysis (
  client: NerdGraphClient,
  target: Target,
  window: AnalysisWindow,
  opts: { asOf: number, evidence?: EvidenceState, slowThresholdsS?: Record<string, number>, signal?: AbortSignal, looks?: number }
): Promise<JudgeOutput & { series: Record<string, AppSeries> }> {
  let data
  try {
    data = await fetchCheckpointData(client, {
      accountId: target.accountId,
      apps: target.apps.map(a => a.name),
      canaryHosts: target.canaryHosts,
      baselineHosts: target.baselineHosts,
      from: window.from,
      until: window.until,
      slowThresholdsS: opts.slowThresholdsS
    }, { signal: opts.signal })
  } catch (err) {
    throw toUpstreamError(err, { accountId: target.accountId, accountFromRequest: target.accountFromRequest ?? false })
  }
  const judged = judge({
    data,
    apps: target.apps,
    thresholds: target.thresholds,
    policy: target.policy,
    asOf: opts.asOf,
    evidence: opts.evidence,
    looks: opts.looks
  })
  return { ...judged, series: seriesOf(data) }
}
