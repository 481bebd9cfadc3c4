/**
 * Bounded Redis: only the latest checkpoint and the decision keep their full record. An older one
 * is abridged once a newer one is recorded: its apps keep their verdict, hosts and flags but no
 * reasons and no metrics, which the compact app checkpoints (compact.ts) already hold (numbers to
 * four significant digits); reading it puts them back, without the metrics' `detail` sentence.
 */
import type { AppResult, MetricResult } from '../schemas/result.ts'
import { expandAppCheckpoint, type StoredAppCheckpoint } from './compact.ts'
import type { CheckpointRecord } from './types.ts'

/** Whether a record is to be abridged when `latestIndex` is the latest. */
export function abridgeable (record: CheckpointRecord, latestIndex: number | null): boolean {
  return record.index !== latestIndex && record.kind !== 'decision' && record.abridged !== true && (record.result?.apps.length ?? 0) > 0
}

/** The record as it is kept once it is no longer the latest. */
export function abridge (record: CheckpointRecord): CheckpointRecord {
  if (record.result === null) return record
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
