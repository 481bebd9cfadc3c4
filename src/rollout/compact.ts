/**
 * What the board's matrix and app reads need of each checkpoint, kept beside the full record
 * in a compact form: the matrix reads one small record per checkpoint, the app read one
 * app's numbers per checkpoint, never the full results.
 */
import { MAX_STORED_HOSTS, type AppCheckpoint } from '../schemas/board.ts'
import type { Recommendation, Status } from '../schemas/common.ts'
import type { Finding } from '../schemas/result.ts'
import type { CheckpointKind } from '../schemas/rollout.ts'
import type { CheckpointRecord } from './types.ts'

/** One checkpoint of the matrix: its recommendation and each app's verdict and few words, by app name. */
export interface CheckpointCells {
  index: number
  kind: CheckpointKind
  at: string
  /** null for a failed checkpoint. */
  recommendation: Recommendation | null
  apps: Record<string, [Status, string | null]>
  /** The recommendation's reasons, as the result gives them. */
  reasons: string[]
  /** Rollout-level findings of that checkpoint (a new host nobody has seen). */
  findings: Finding[]
}

export function cellsOf (record: CheckpointRecord): CheckpointCells {
  const apps: CheckpointCells['apps'] = {}
  for (const a of record.result?.apps ?? []) apps[a.app] = [a.verdict, a.short ?? null]
  return {
    index: record.index,
    kind: record.kind,
    at: record.at,
    recommendation: record.result?.recommendation ?? null,
    apps,
    reasons: record.result?.reasons ?? [],
    findings: record.result?.findings ?? []
  }
}

/**
 * One app at one checkpoint as stored: [index, kind, at, verdict, reasons (none for a PASS), metrics as arrays, and, in
 * checkpoints stored since they were kept, the existing hosts compared with and those left out]. Trailing elements
 * only, so tuples stored before read back as they were.
 */
export type StoredAppCheckpoint = [number, CheckpointKind, string, Status, string[], StoredMetric[], StoredHosts?, StoredExcluded[]?]
/** [how many existing hosts, the first MAX_STORED_HOSTS of their names]: a big fleet's list would repeat in every checkpoint. */
type StoredHosts = [number, string[]]
/** [existing host, the checks whose baseline left it out]. */
type StoredExcluded = [string, Array<'errorRate' | 'latency'>]
/** [metric, status, canary, baseline, effect, pValue, ci low, ci high, and the one new host the numbers are of, when they are]. */
type StoredMetric = [string, Status, number | null, number | null, number | null, number | null, number | null, number | null, string?]

/** Each app of a recorded checkpoint, compact: the numbers of its checks, four significant digits, and whom it was compared with. */
export function appCheckpointsOf (record: CheckpointRecord): Array<[string, StoredAppCheckpoint]> {
  return (record.result?.apps ?? []).map(a => {
    const stored: StoredAppCheckpoint = [
      record.index, record.kind, record.at, a.verdict, a.reasons,
      a.metrics.map((m): StoredMetric => {
        const row: StoredMetric = [
          m.metric, m.status, round(m.canary), round(m.baseline), round(m.effect), round(m.pValue), round(m.ci?.low ?? null), round(m.ci?.high ?? null)
        ]
        if (m.host !== undefined) row.push(m.host)
        return row
      }),
      [a.baselineHosts.length, a.baselineHosts.slice(0, MAX_STORED_HOSTS)]
    ]
    const excluded = a.excludedBaselineHosts ?? []
    if (excluded.length > 0) stored.push(excluded.slice(0, MAX_STORED_HOSTS).map((x): StoredExcluded => [x.host, x.checks]))
    return [a.app, stored]
  })
}

/** A stored app checkpoint as the API shows it. */
export function expandAppCheckpoint (stored: StoredAppCheckpoint): AppCheckpoint {
  const [index, kind, at, verdict, reasons, metrics, compared, excluded] = stored
  return {
    index,
    kind,
    at,
    verdict,
    reasons,
    metrics: metrics.map(([metric, status, canary, baseline, effect, pValue, low, high, host]) => ({
      metric, status, canary, baseline, effect, pValue, ci: low === null || high === null ? null : { low, high }, ...(host === undefined ? {} : { host })
    })),
    ...(compared === undefined ? {} : { baselineHosts: compared[1], baselineHostCount: compared[0] }),
    ...(excluded === undefined ? {} : { excludedBaselineHosts: excluded.map(([host, checks]) => ({ host, checks })) })
  }
}

function round (v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(4))
}
