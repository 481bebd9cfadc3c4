import type { NerdGraphClient } from '../newrelic/client.ts'
import { fetchCheckpointData, type FetchRequest } from '../newrelic/fetch-checkpoint.ts'
import { fetchIncremental } from '../newrelic/fetch-incremental.ts'
import { bucketMinutesFor } from '../newrelic/limits.ts'
import { judge, type EvidenceState, type JudgeOutput } from '../judge/index.ts'
import type { Target } from '../rollout/target.ts'
import type { AppSeries } from '../schemas/board.ts'
import { leftOutOf, seriesOf } from './series.ts'
import { toUpstreamError } from './upstream-error.ts'

export interface AnalysisWindow {
  from: number
  until: number
}

/** How a rollout's checkpoint reads New Relic: only what is new since the last one, or everything again. */
export type ReadMode = 'incremental' | 'full'

/**
 * One checkpoint's work: read New Relic, then judge. The judge stays pure; this
 * is the only place the two meet, shared by one-shot analyses and rollout jobs.
 */
export async function runAnalysis (
  client: NerdGraphClient,
  target: Target,
  window: AnalysisWindow,
  opts: {
    asOf: number
    evidence?: EvidenceState
    slowThresholdsS?: Record<string, number>
    signal?: AbortSignal
    looks?: number
    /** Incremental: continue from `evidence.carry` and return the new one in the evidence. Default full. */
    read?: ReadMode
    /** A rollout's decision time: its series use the buckets its whole window needs, from the first checkpoint on. */
    horizon?: number
  }
): Promise<JudgeOutput & { series: Record<string, AppSeries> }> {
  let data
  let carry: unknown
  const req: FetchRequest = {
    accountId: target.accountId,
    apps: target.apps.map(a => a.name),
    canaryHosts: target.canaryHosts,
    baselineHosts: target.baselineHosts,
    from: window.from,
    until: window.until,
    slowThresholdsS: opts.slowThresholdsS,
    ...(opts.horizon === undefined || opts.horizon <= window.from ? {} : { bucketMinutes: bucketMinutesFor(window.from, opts.horizon) })
  }
  try {
    if (opts.read === 'incremental') {
      ;({ data, carry } = await fetchIncremental(client, { ...req, carry: opts.evidence?.carry }, { signal: opts.signal }))
    } else {
      data = await fetchCheckpointData(client, req, { signal: opts.signal })
    }
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
  const evidence = carry === undefined ? judged.evidence : { ...judged.evidence, carry }
  return { ...judged, evidence, series: seriesOf(data, leftOutOf(judged.result.apps)) }
}
