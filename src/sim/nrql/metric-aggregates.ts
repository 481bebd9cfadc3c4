/**
 * Aggregates of a timeslice metric (`count(apm.service.transaction.duration)`...):
 * they combine the data points' summaries, as New Relic does for APM metrics.
 * count is the calls summarised, sum the total (seconds for durations, the count for
 * error counters), average = sum / count, min and max of the points' min and max.
 */
import type { EventTable, MetricTable } from '../event-table.ts'
import { grow } from './aggregates.ts'
import type { AggState, HostCtx } from './aggregates.ts'

export type MetricFn = 'count' | 'sum' | 'average' | 'min' | 'max'

export class MetricState implements AggState {
  count = new Float64Array(0)
  sum = new Float64Array(0)
  min = new Float64Array(0)
  max = new Float64Array(0)
  readonly fn: MetricFn
  readonly kind: number

  constructor (fn: MetricFn, kind: number) {
    this.fn = fn
    this.kind = kind
  }

  ensure (n: number): void {
    this.count = grow(this.count, n, 0)
    this.sum = grow(this.sum, n, 0)
    this.min = grow(this.min, n, Infinity)
    this.max = grow(this.max, n, -Infinity)
  }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }

  addOne (slot: number, _c: HostCtx, t: EventTable, i: number): void {
    const m = t as MetricTable
    if (m.kind[i] !== this.kind) return
    this.count[slot] += m.count[i]
    this.sum[slot] += m.sum[i]
    if (m.min[i] < this.min[slot]) this.min[slot] = m.min[i]
    if (m.max[i] > this.max[slot]) this.max[slot] = m.max[i]
  }

  result (slot: number): number | null {
    const n = this.count[slot] ?? 0
    if (this.fn === 'count') return n
    if (this.fn === 'sum') return this.sum[slot] ?? 0
    if (n === 0) return null
    if (this.fn === 'average') return this.sum[slot] / n
    return this.fn === 'min' ? this.min[slot] : this.max[slot]
  }

  sortKey (slot: number): number | null { return this.result(slot) }
}
