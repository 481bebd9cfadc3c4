/**
 * The columnar tables events and metric data points are kept in, and the block
 * that holds them: types only, shared by generation (generate.ts), sampling
 * (sampling.ts), the metric tables (metric.ts) and the NRQL engine.
 */
import type { AppModel } from './model.ts'

/** Events of one type in one block; row i is an event. */
export interface EventTable {
  n: number
  /** Block start (epoch ms); timestamps are offsets from it. */
  startMs: number
  /** Timestamp offsets (ms), ascending. */
  ts: Uint32Array
  /** Duration in seconds. */
  dur: Float64Array
  /** Index into TRANSACTION_NAMES. */
  name: Uint8Array
  /** 0 = not an error, otherwise 1 + index into AppModel.classes. */
  err: Uint8Array
}

/** The APM timeslice metric data points of one block (see metric.ts). */
export interface MetricTable extends EventTable {
  /** Index into METRIC_NAMES. */
  kind: Uint8Array
  /** Calls (transactions or errors) summarised by the data point. */
  count: Float64Array
  /** Total seconds for durations; the count for error counters. */
  sum: Float64Array
  min: Float64Array
  max: Float64Array
}

/** One hour of one host of one app: its transactions and its TransactionErrors. */
export interface Block {
  app: AppModel
  hostIndex: number
  host: string
  startMs: number
  /** The Transaction events the agent kept (all of them unless the app samples). */
  txn: EventTable
  /** The TransactionError events the agent kept. */
  errors: EventTable
  /**
   * Events seen / events kept per minute of the hour (index 0-59) where the agent's
   * reservoir dropped Transaction (TransactionError) events; null when it dropped none.
   */
  txnWeights: Float64Array | null
  errWeights: Float64Array | null
  /** APM timeslice metrics of the whole traffic (never sampled), built on first use. */
  metrics: MetricTable | null
}
