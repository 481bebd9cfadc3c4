/**
 * What the board's matrix and app reads need of each checkpoint, kept beside the full record
 * in a compact form: the matrix reads one small record per checkpoint, the app read one
 * app's numbers per checkpoint, never the full results.
 */
import type { AppCheckpoint } from '../schemas/board.ts'
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

/** One app at one checkpoint as stored: [index, kind, at, verdict, reasons (none for a PASS), metrics as arrays]. */
export type StoredAppCheckpoint = [number, CheckpointKind, string, Status, string[], StoredMetric[]]
/** [metric, status, canary, baseline, effect, pValue, ci low, ci high, and the one new host the numbers are of, when they are]. */
type StoredMetric = [string, Status, number | null, number | null, number | null, number | null, number | null, number | null, string?]

/** Each app of a recorded checkpoint, compact: the numbers of its checks, four significant digits. */
export function appCheckpointsOf (record: CheckpointRecord): Array<[string, StoredAppCheckpoint]> {
  return (record.result?.apps ?? []).map(a => [a.app, [
    record.index, record.kind, record.at, a.verdict, a.reasons,
    a.metrics.map((m): StoredMetric => {
      const row: StoredMetric = [
        m.metric, m.status, round(m.canary), round(m.baseline), round(m.effect), round(m.pValue), round(m.ci?.low ?? null), round(m.ci?.high ?? null)
      ]
      if (m.host !== undefined) row.push(m.host)
      return row
    })
  ]])
}

/** A stored app checkpoint as the API shows it. */
export function expandAppCheckpoint (stored: StoredAppCheckpoint): AppCheckpoint {
  const [index, kind, at, verdict, reasons, metrics] = stored
  return {
    index,
    kind,
    at,
    verdict,
    reasons,
    metrics: metrics.map(([metric, status, canary, baseline, effect, pValue, low, high, host]) => ({
      metric, status, canary, baseline, effect, pValue, ci: low === null || high === null ? null : { low, high }, ...(host === undefined ? {} : { host })
    }))
  }
}

function round (v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : Number(v.toPrecision(4))
}
