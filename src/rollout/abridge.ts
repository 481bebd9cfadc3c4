/**
 * Bounded Redis: the latest checkpoint's full result is kept once, as the rollout's `latest`
 * (after the decision, nothing replaces it: the decision stays whole). Every record is stored
 * abridged: its apps keep their verdict, hosts and flags but no reasons and no metrics, which the
 * compact app checkpoints (compact.ts) already hold (numbers to four significant digits); reading
 * an older one puts them back, without the metrics' `detail` sentence.
 */
import type { AppResult, MetricResult } from '../schemas/result.ts'
import { expandAppCheckpoint, type StoredAppCheckpoint } from './compact.ts'
import type { CheckpointRecord } from './types.ts'

/** The record as it is stored. */
export function abridge (record: CheckpointRecord): CheckpointRecord {
  if (record.result === null || record.result.apps.length === 0) return record
  return { ...record, abridged: true, result: { ...record.result, apps: record.result.apps.map(a => ({ ...a, reasons: [], metrics: [] })) } }
}

/** An abridged record with its apps' metrics back from the compact app checkpoints ("<index>|<app>" -> stored). */
export function unabridge (record: CheckpointRecord, stored: (app: string) => StoredAppCheckpoint | undefined): CheckpointRecord {
  if (record.abridged !== true || record.result === null) return record
  const apps = record.result.apps.map((a): AppResult => {
    const s = stored(a.app)
    if (s === undefined) return a
    const expanded = expandAppCheckpoint(s)
    const metrics = expanded.metrics.map(m => ({ ...m, metric: m.metric as MetricResult['metric'], detail: '' }))
    return { ...a, reasons: expanded.reasons, metrics }
  })
  return { ...record, result: { ...record.result, apps } }
}
