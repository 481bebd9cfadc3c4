/**
 * EXTRAPOLATE: count and sum-like aggregates weighted by what the agent saw per
 * kept event (seen / kept in that host's minute), as New Relic scales sampled
 * APM events. Used only by queries that say EXTRAPOLATE, so the plain states and
 * every query without it are untouched. average() becomes the weighted mean (the
 * same as the plain mean when one ratio applies); min, max, percentiles, uniqueCount
 * and latest are not extrapolated.
 */
import type { EventTable } from '../event-table.ts'
import { CountState, MomentState } from './aggregates.ts'
import type { HostCtx } from './aggregates.ts'

export class WeightedCountState extends CountState {
  override addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (this.def === null) {
      this.counts[slot] += (hi - lo) * c.weight
      return
    }
    for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
  }

  override addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    if (this.def === null || this.def.get(c.app, c.host, t, i) !== null) this.counts[slot] += c.weight
  }

  override addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    if (this.def === null) this.counts[slot] += m * c.weight
    else for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }
}

/** sum and average weighted; min and max as they are. Weight 1 adds exactly as the plain state. */
export class WeightedMomentState extends MomentState {
  override addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (c.weight === 1) super.addRange(slot, c, t, lo, hi)
    else for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
  }

  override addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }

  override addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    if (c.weight === 1) {
      super.addOne(slot, c, t, i)
      return
    }
    const raw = this.def.column === 'dur' ? t.dur[i] : this.def.get(c.app, c.host, t, i)
    if (typeof raw !== 'number') return
    this.sum[slot] += raw * c.weight
    this.n[slot] += c.weight
    if (raw < this.min[slot]) this.min[slot] = raw
    if (raw > this.max[slot]) this.max[slot] = raw
  }
}
