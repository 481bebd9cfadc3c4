/**
 * APM timeslice metrics as New Relic serves them from `FROM Metric`: one data point
 * per host, minute and metric (and transaction name where the metric has one),
 * summarising every transaction the agent saw (metrics are never sampled).
 *
 * - `apm.service.transaction.duration`, per transactionName: count, total, min,
 *   max of the durations (seconds);
 * - `apm.service.error.count`: the errors of the minute;
 * - `apm.service.transaction.error.count`, per transactionName: its errors.
 *
 * A metric table is an EventTable (so WHERE, FACET and TIMESERIES work on it as on
 * events) with a row per data point at its minute's start, plus the summary columns.
 */
import type { Block, EventTable, MetricTable } from './event-table.ts'
import { TRANSACTION_NAMES } from './model.ts'
import { MINUTE_MS } from './time.ts'

export const METRIC_NAMES = ['apm.service.transaction.duration', 'apm.service.error.count', 'apm.service.transaction.error.count'] as const
export type MetricName = typeof METRIC_NAMES[number]
export const DURATION = 0
export const ERROR_COUNT = 1
export const TXN_ERROR_COUNT = 2
/** `name` code of a data point without a transaction name. */
export const NO_NAME = TRANSACTION_NAMES.length

const NAMES = TRANSACTION_NAMES.length

/** Most data points of one block: per minute, one per name and metric (durations, error count, per-name errors). */
const MAX_ROWS = 60 * (2 * NAMES + 1)

/** The metric data points of one block's transactions (all of them, in time order). */
export function buildMetricTable (t: EventTable): MetricTable {
  const count = new Float64Array(NAMES)
  const sum = new Float64Array(NAMES)
  const min = new Float64Array(NAMES)
  const max = new Float64Array(NAMES)
  const errs = new Float64Array(NAMES)
  const rowTs = new Uint32Array(MAX_ROWS)
  const rowKind = new Uint8Array(MAX_ROWS)
  const rowName = new Uint8Array(MAX_ROWS)
  const rowCount = new Float64Array(MAX_ROWS)
  const rowSum = new Float64Array(MAX_ROWS)
  const rowMin = new Float64Array(MAX_ROWS)
  const rowMax = new Float64Array(MAX_ROWS)
  let n = 0
  const push = (at: number, kind: number, name: number, c: number, s: number, mn: number, mx: number): void => {
    rowTs[n] = at
    rowKind[n] = kind
    rowName[n] = name
    rowCount[n] = c
    rowSum[n] = s
    rowMin[n] = mn
    rowMax[n] = mx
    n++
  }
  let i = 0
  while (i < t.n) {
    const minute = Math.floor(t.ts[i] / MINUTE_MS)
    const end = (minute + 1) * MINUTE_MS
    count.fill(0)
    sum.fill(0)
    errs.fill(0)
    min.fill(Infinity)
    max.fill(-Infinity)
    for (; i < t.n && t.ts[i] < end; i++) {
      const k = t.name[i]
      const d = t.dur[i]
      count[k]++
      sum[k] += d
      if (d < min[k]) min[k] = d
      if (d > max[k]) max[k] = d
      if (t.err[i] !== 0) errs[k]++
    }
    const at = minute * MINUTE_MS
    let errors = 0
    for (let k = 0; k < NAMES; k++) {
      if (count[k] === 0) continue
      push(at, DURATION, k, count[k], sum[k], min[k], max[k])
      errors += errs[k]
    }
    if (errors > 0) push(at, ERROR_COUNT, NO_NAME, errors, errors, errors, errors)
    for (let k = 0; k < NAMES; k++) if (errs[k] > 0) push(at, TXN_ERROR_COUNT, k, errs[k], errs[k], errs[k], errs[k])
  }
  return {
    n,
    startMs: t.startMs,
    ts: rowTs.slice(0, n),
    // The EventTable columns a metric row has no use for: durations are in sum/count.
    dur: rowSum.slice(0, n),
    name: rowName.slice(0, n),
    err: new Uint8Array(n),
    kind: rowKind.slice(0, n),
    count: rowCount.slice(0, n),
    sum: rowSum.slice(0, n),
    min: rowMin.slice(0, n),
    max: rowMax.slice(0, n)
  }
}

/** The block's metric data points (of the whole traffic: a sampled block has them from generation). */
export function metricsOf (block: Block): MetricTable {
  block.metrics ??= buildMetricTable(block.txn)
  return block.metrics
}
