/**
 * Aggregate functions as slot-indexed states (slot = facet group x time bucket).
 * Each takes whole index ranges (the fast path: no per-event test) or single
 * events (after a WHERE test or a per-event facet lookup).
 */
import type { EventTable } from '../event-table.ts'
import type { AppModel } from '../model.ts'
import type { Agg } from './ast.ts'
import type { AttrDef, Value } from './attr-def.ts'
import { compileWhere } from './predicate.ts'
import type { Compiled } from './predicate.ts'
import { percentiles } from './select.ts'

/** The (app, host) whose events are being added; one object per pair per query. */
export interface HostCtx {
  app: AppModel
  host: string
  eventType: string
  /**
   * What each event added now stands for under EXTRAPOLATE: events seen / events kept
   * by the agent in the minute being added; 1 otherwise (only the weighted states read it).
   */
  weight: number
}

export interface AggState {
  /** Makes room for slots [0, n). */
  ensure: (n: number) => void
  addRange: (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number) => void
  addOne: (slot: number, c: HostCtx, t: EventTable, i: number) => void
  /** Adds events sel[0..m) (indices into t, ascending); sel is the caller's scratch. */
  addSel: (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number) => void
  /** The value New Relic would report; spanMs is the bucket or window length (for rate). */
  result: (slot: number, spanMs: number) => unknown
  /** Number used to order facets (first aggregate, descending); null sorts last. */
  sortKey: (slot: number, spanMs: number) => number | null
}

export function grow (a: Float64Array<ArrayBuffer>, n: number, fill: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a
  const next = new Float64Array(Math.max(n, a.length * 2, 16))
  next.set(a)
  if (fill !== 0) next.fill(fill, a.length)
  return next
}

function numberOrNull (v: Value): number | null {
  return typeof v === 'number' ? v : null
}

export class CountState implements AggState {
  counts = new Float64Array(0)
  readonly def: AttrDef | null

  constructor (def: AttrDef | null) {
    this.def = def
  }

  ensure (n: number): void { this.counts = grow(this.counts, n, 0) }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (this.def === null) {
      this.counts[slot] += hi - lo
      return
    }
    for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    if (this.def === null || this.def.get(c.app, c.host, t, i) !== null) this.counts[slot]++
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    if (this.def === null) this.counts[slot] += m
    else for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }

  result (slot: number): number { return this.counts[slot] }
  sortKey (slot: number): number { return this.counts[slot] }
}

/** sum, average, min and max share one pass. */
export class MomentState implements AggState {
  sum = new Float64Array(0)
  n = new Float64Array(0)
  min = new Float64Array(0)
  max = new Float64Array(0)
  readonly fn: 'sum' | 'average' | 'min' | 'max'
  readonly def: AttrDef

  constructor (fn: 'sum' | 'average' | 'min' | 'max', def: AttrDef) {
    this.fn = fn
    this.def = def
  }

  ensure (n: number): void {
    this.sum = grow(this.sum, n, 0)
    this.n = grow(this.n, n, 0)
    this.min = grow(this.min, n, Infinity)
    this.max = grow(this.max, n, -Infinity)
  }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (this.def.column !== 'dur') {
      for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
      return
    }
    const d = t.dur
    let s = 0
    let mn = this.min[slot]
    let mx = this.max[slot]
    for (let i = lo; i < hi; i++) {
      const v = d[i]
      s += v
      if (v < mn) mn = v
      if (v > mx) mx = v
    }
    this.sum[slot] += s
    this.n[slot] += hi - lo
    this.min[slot] = mn
    this.max[slot] = mx
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    const v = this.def.column === 'dur' ? t.dur[i] : numberOrNull(this.def.get(c.app, c.host, t, i))
    if (v === null) return
    this.sum[slot] += v
    this.n[slot]++
    if (v < this.min[slot]) this.min[slot] = v
    if (v > this.max[slot]) this.max[slot] = v
  }

  result (slot: number): number | null {
    const n = this.n[slot] ?? 0
    if (this.fn === 'sum') return n === 0 ? 0 : this.sum[slot]
    if (n === 0) return null
    if (this.fn === 'average') return this.sum[slot] / n
    return this.fn === 'min' ? this.min[slot] : this.max[slot]
  }

  sortKey (slot: number): number | null { return this.result(slot) }
}

let scratch = new Float64Array(1 << 16)
const POOL_CHUNK = 1 << 20

function growInt (a: Int32Array<ArrayBuffer>, n: number, fill: number): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a
  const next = new Int32Array(Math.max(n, a.length * 2, 16))
  next.set(a)
  next.fill(fill, a.length)
  return next
}

/**
 * Exact percentiles. Whole ranges are kept as references into the block's
 * duration column (a linked list per slot, in flat arrays so that tens of
 * thousands of slots cost no per-slot objects) and copied once, when the
 * result is read, into a shared scratch array for selection.
 */
export class PercentileState implements AggState {
  /** Per slot: first reference (-1 = none). */
  head = new Int32Array(0)
  refArr: Float64Array[] = []
  refLo = new Int32Array(0)
  refHi = new Int32Array(0)
  refNext = new Int32Array(0)
  refs = 0
  /** Single values added one by one (attributes other than duration). */
  vals: Array<number[] | undefined> = []
  pool = new Float64Array(0)
  poolUsed = 0
  /** Results, ps.length per slot, valid where done[slot] is 1. */
  out = new Float64Array(0)
  done = new Uint8Array(0)
  readonly ps: number[]
  readonly def: AttrDef

  constructor (ps: number[], def: AttrDef) {
    this.ps = ps
    this.def = def
  }

  ensure (n: number): void {
    this.head = growInt(this.head, n, -1)
  }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (this.def.column !== 'dur') {
      for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
      return
    }
    this.addRef(slot, t.dur, lo, hi)
  }

  /** Selected durations are copied into pooled chunks (never moved, so refs stay valid). */
  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    if (this.def.column !== 'dur') {
      for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
      return
    }
    if (m === 0) return
    if (this.pool.length - this.poolUsed < m) {
      this.pool = new Float64Array(Math.max(m, POOL_CHUNK))
      this.poolUsed = 0
    }
    const pool = this.pool
    const start = this.poolUsed
    const d = t.dur
    for (let j = 0; j < m; j++) pool[start + j] = d[sel[j]]
    this.poolUsed += m
    this.addRef(slot, pool, start, start + m)
  }

  addRef (slot: number, arr: Float64Array, lo: number, hi: number): void {
    const r = this.refs++
    if (r >= this.refLo.length) {
      this.refLo = growInt(this.refLo, r + 1, 0)
      this.refHi = growInt(this.refHi, r + 1, 0)
      this.refNext = growInt(this.refNext, r + 1, -1)
    }
    this.refArr[r] = arr
    this.refLo[r] = lo
    this.refHi[r] = hi
    this.refNext[r] = this.head[slot]
    this.head[slot] = r
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    const v = this.def.column === 'dur' ? t.dur[i] : numberOrNull(this.def.get(c.app, c.host, t, i))
    if (v === null) return
    let a = this.vals[slot]
    if (a === undefined) {
      a = []
      this.vals[slot] = a
    }
    a.push(v)
  }

  compute (slot: number): void {
    const k = this.ps.length
    if (this.done.length <= slot) {
      const d = new Uint8Array(Math.max(slot + 1, this.head.length))
      d.set(this.done)
      this.done = d
      const o = new Float64Array(d.length * k)
      o.set(this.out)
      this.out = o
    }
    if (this.done[slot] === 1) return
    this.done[slot] = 1
    const vals = this.vals[slot]
    let n = vals === undefined ? 0 : vals.length
    const head = slot < this.head.length ? this.head[slot] : -1
    for (let r = head; r >= 0; r = this.refNext[r]) n += this.refHi[r] - this.refLo[r]
    if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2))
    let at = 0
    for (let r = head; r >= 0; r = this.refNext[r]) {
      const src = this.refArr[r]
      const hi = this.refHi[r]
      for (let i = this.refLo[r]; i < hi; i++) scratch[at++] = src[i]
    }
    if (vals !== undefined) for (const v of vals) scratch[at++] = v
    const res = percentiles(scratch, n, this.ps)
    for (let j = 0; j < k; j++) this.out[slot * k + j] = res[j] ?? NaN
  }

  result (slot: number): Record<string, number | null> {
    this.compute(slot)
    const out: Record<string, number | null> = {}
    const k = this.ps.length
    for (let j = 0; j < k; j++) {
      const v = this.out[slot * k + j]
      out[String(this.ps[j])] = Number.isNaN(v) ? null : v
    }
    return out
  }

  sortKey (slot: number): number | null {
    this.compute(slot)
    const v = this.out[slot * this.ps.length]
    return Number.isNaN(v) ? null : v
  }
}

export class UniqueState implements AggState {
  sets: Array<Set<Value> | undefined> = []
  readonly def: AttrDef

  constructor (def: AttrDef) {
    this.def = def
  }

  ensure (): void {}

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    if (this.def.constant !== undefined) {
      if (hi > lo) this.add(slot, this.def.constant(c.app, c.host))
      return
    }
    for (let i = lo; i < hi; i++) this.addOne(slot, c, t, i)
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    this.add(slot, this.def.get(c.app, c.host, t, i))
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    if (this.def.constant !== undefined) {
      if (m > 0) this.add(slot, this.def.constant(c.app, c.host))
      return
    }
    for (let j = 0; j < m; j++) this.addOne(slot, c, t, sel[j])
  }

  add (slot: number, v: Value): void {
    if (v === null) return
    let s = this.sets[slot]
    if (s === undefined) {
      s = new Set()
      this.sets[slot] = s
    }
    s.add(v)
  }

  result (slot: number): number { return this.sets[slot]?.size ?? 0 }
  sortKey (slot: number): number { return this.result(slot) }
}

/** latest() and earliest(): the value of the newest (oldest) event with one. */
export class EdgeState implements AggState {
  at = new Float64Array(0)
  vals: Value[] = []
  readonly latest: boolean
  readonly def: AttrDef

  constructor (latest: boolean, def: AttrDef) {
    this.latest = latest
    this.def = def
  }

  ensure (n: number): void { this.at = grow(this.at, n, this.latest ? -Infinity : Infinity) }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    // Rows are in time order, so the edge is found scanning in from one end.
    if (this.latest) {
      for (let i = hi - 1; i >= lo; i--) if (this.offer(slot, c, t, i)) return
    } else {
      for (let i = lo; i < hi; i++) if (this.offer(slot, c, t, i)) return
    }
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    this.offer(slot, c, t, i)
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    if (this.latest) {
      for (let j = m - 1; j >= 0; j--) if (this.offer(slot, c, t, sel[j])) return
    } else {
      for (let j = 0; j < m; j++) if (this.offer(slot, c, t, sel[j])) return
    }
  }

  /** True when event i had a value (whether or not it won). */
  offer (slot: number, c: HostCtx, t: EventTable, i: number): boolean {
    const v = this.def.get(c.app, c.host, t, i)
    if (v === null) return false
    const ts = t.startMs + t.ts[i]
    if (this.latest ? ts > this.at[slot] : ts < this.at[slot]) {
      this.at[slot] = ts
      this.vals[slot] = v
    }
    return true
  }

  result (slot: number): Value { return this.vals[slot] ?? null }
  sortKey (slot: number): number | null { return numberOrNull(this.result(slot)) }
}

/** Caches the compiled WHERE of filter()/percentage() per (app, host). */
export class WhereCache {
  readonly where: Agg['where']
  ctx: HostCtx | null = null
  compiled: Compiled = true

  constructor (where: Agg['where']) {
    this.where = where
  }

  for (c: HostCtx): Compiled {
    if (c !== this.ctx) {
      this.ctx = c
      this.compiled = compileWhere(c.eventType, this.where, c.app, c.host)
    }
    return this.compiled
  }
}

export class FilterState implements AggState {
  readonly inner: AggState
  readonly where: WhereCache
  /** Own scratch: the caller's selection must survive for the aggregates after this one. */
  mine = new Uint32Array(0)

  constructor (inner: AggState, where: WhereCache) {
    this.inner = inner
    this.where = where
  }

  ensure (n: number): void { this.inner.ensure(n) }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    const w = this.where.for(c)
    if (w === true) {
      this.inner.addRange(slot, c, t, lo, hi)
      return
    }
    if (w === false) return
    if (this.mine.length < hi - lo) this.mine = new Uint32Array(Math.max(hi - lo, this.mine.length * 2, 1024))
    const mine = this.mine
    let k = 0
    for (let i = lo; i < hi; i++) if (w(t, i)) mine[k++] = i
    this.inner.addSel(slot, c, t, mine, k)
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    const w = this.where.for(c)
    if (w === true || (w !== false && w(t, i))) this.inner.addOne(slot, c, t, i)
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    const w = this.where.for(c)
    if (w === true) {
      this.inner.addSel(slot, c, t, sel, m)
      return
    }
    if (w === false) return
    if (this.mine.length < m) this.mine = new Uint32Array(Math.max(m, this.mine.length * 2, 1024))
    const mine = this.mine
    let k = 0
    for (let j = 0; j < m; j++) if (w(t, sel[j])) mine[k++] = sel[j]
    this.inner.addSel(slot, c, t, mine, k)
  }

  result (slot: number, spanMs: number): unknown { return this.inner.result(slot, spanMs) }
  sortKey (slot: number, spanMs: number): number | null { return this.inner.sortKey(slot, spanMs) }
}

/** percentage(count(*), WHERE ...): 100 x matching / all, null without events. */
export class PercentageState implements AggState {
  readonly all: AggState
  readonly part: FilterState

  constructor (all: AggState, part: FilterState) {
    this.all = all
    this.part = part
  }

  ensure (n: number): void {
    this.all.ensure(n)
    this.part.ensure(n)
  }

  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void {
    this.all.addRange(slot, c, t, lo, hi)
    this.part.addRange(slot, c, t, lo, hi)
  }

  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void {
    this.all.addOne(slot, c, t, i)
    this.part.addOne(slot, c, t, i)
  }

  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void {
    this.all.addSel(slot, c, t, sel, m)
    this.part.addSel(slot, c, t, sel, m)
  }

  result (slot: number, spanMs: number): number | null {
    const all = this.all.sortKey(slot, spanMs) ?? 0
    if (all === 0) return null
    return 100 * (this.part.sortKey(slot, spanMs) ?? 0) / all
  }

  sortKey (slot: number, spanMs: number): number | null { return this.result(slot, spanMs) }
}

/** rate(inner, N unit): the inner value scaled from the bucket's length to the unit. */
export class RateState implements AggState {
  readonly inner: AggState
  readonly per: number

  constructor (inner: AggState, per: number) {
    this.inner = inner
    this.per = per
  }

  ensure (n: number): void { this.inner.ensure(n) }
  addRange (slot: number, c: HostCtx, t: EventTable, lo: number, hi: number): void { this.inner.addRange(slot, c, t, lo, hi) }
  addOne (slot: number, c: HostCtx, t: EventTable, i: number): void { this.inner.addOne(slot, c, t, i) }
  addSel (slot: number, c: HostCtx, t: EventTable, sel: Uint32Array, m: number): void { this.inner.addSel(slot, c, t, sel, m) }

  result (slot: number, spanMs: number): number | null {
    const v = this.inner.sortKey(slot, spanMs)
    return v === null || spanMs <= 0 ? null : v * this.per / spanMs
  }

  sortKey (slot: number, spanMs: number): number | null { return this.result(slot, spanMs) }
}
