/**
 * Runs a parsed NRQL query over the generated blocks and shapes the results
 * the way NerdGraph returns them.
 *
 * Work is pushed down: WHERE terms on appName/host skip (app, host) pairs
 * before anything is generated, the time window skips hours, and inside a
 * block each TIMESERIES bucket is a contiguous index range found by binary
 * search (rows are in time order).
 */
import type { EventTable } from '../event-table.ts'
import type { BlockStore } from '../store.ts'
import { HOUR_MS, MINUTE_MS } from '../time.ts'
import type { Query, TimeRef } from './ast.ts'
import { metricsOf } from '../metric.ts'
import type { AggState, HostCtx } from './aggregates.ts'
import type { AttrDef, Value } from './attr-def.ts'
import { attrDef, EVENT_TYPES } from './attributes.ts'
import { NrqlSyntaxError } from './lexer.ts'
import { makeAgg } from './make-agg.ts'
import { metricWhere } from './metric-attributes.ts'
import { compileWhere } from './predicate.ts'

/** New Relic's default facet limit. */
export const DEFAULT_FACET_LIMIT = 10
/** New Relic's maximum number of TIMESERIES buckets. */
export const DEFAULT_MAX_BUCKETS = 366
const DEFAULT_WINDOW_MS = HOUR_MS
const AUTO_BUCKETS_MS = [1, 5, 10, 15, 30, 60, 180, 360, 720, 1440, 10080].map(m => m * MINUTE_MS)
const AUTO_TARGET_BUCKETS = 60

export interface ExecOptions {
  /** "now" for SINCE ... ago and the default UNTIL, epoch ms. */
  now: number
  maxBuckets?: number
  /** Aggregate without the FACET clause (NerdGraph's totalResult). */
  ignoreFacets?: boolean
}

export type Row = Record<string, unknown>

export interface ExecResult {
  results: Row[]
  /** Events examined (after the (app, host) and time-window pushdown). */
  scanned: number
  metadata: {
    eventTypes: string[]
    facets: string[] | null
    timeWindow: { begin: number, end: number, compareWith: null, since: string, until: string }
    messages: string[]
  }
}

function resolveTime (t: TimeRef | undefined, now: number, fallback: number): number {
  if (t === undefined) return fallback
  if (t.kind === 'abs') return t.ms
  if (t.kind === 'ago') return now - t.ms
  return now
}

function wholeSecond (ms: number): number {
  return Math.floor(ms / 1000) * 1000
}

/** First index in a[lo, hi) whose value is >= x (a is ascending). */
function lowerBound (a: Uint32Array, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (a[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

interface Group {
  values: Value[]
}

/** Facet groups of one query; a group's key is its values as JSON. */
class Groups {
  list: Group[] = []
  byKey = new Map<string, number>()

  id (values: Value[]): number {
    const key = JSON.stringify(values)
    let g = this.byKey.get(key)
    if (g === undefined) {
      g = this.list.length
      this.list.push({ values })
      this.byKey.set(key, g)
    }
    return g
  }
}

/** Executes `q`; throws NrqlSyntaxError for queries New Relic would refuse at run time. */
export function executeQuery (store: BlockStore, q: Query, opts: ExecOptions): ExecResult {
  const model = store.model
  // New Relic works in whole seconds: SINCE 1773115200123 or `N minutes ago` with a
  // clock in ms starts at the second, for counting and for bucketing alike.
  let until = wholeSecond(resolveTime(q.until, opts.now, opts.now))
  let since = wholeSecond(resolveTime(q.since, opts.now, until - DEFAULT_WINDOW_MS))
  if (!(since < until)) throw new NrqlSyntaxError('SINCE must be earlier than UNTIL')
  if (q.from === 'Metric') {
    // Timeslice data is per minute: the window snaps to the minutes, as New Relic snaps
    // metric queries to their roll-up (a window inside one minute is that minute).
    since = Math.floor(since / MINUTE_MS) * MINUTE_MS
    until = Math.max(since + MINUTE_MS, Math.floor(until / MINUTE_MS) * MINUTE_MS)
  }
  const span = until - since

  let bucketMs = span
  let nb = 1
  if (q.timeseries !== undefined) {
    bucketMs = q.timeseries.bucketMs ??
      (AUTO_BUCKETS_MS.find(w => Math.ceil(span / w) <= AUTO_TARGET_BUCKETS) ?? AUTO_BUCKETS_MS[AUTO_BUCKETS_MS.length - 1])
    // Buckets end at UNTIL, as New Relic's do: the start moves forward to the first
    // full bucket. A window shorter than one bucket is one partial bucket [SINCE, UNTIL).
    nb = Math.max(1, Math.floor(span / bucketMs))
    const max = opts.maxBuckets ?? DEFAULT_MAX_BUCKETS
    if (nb > max) {
      throw new NrqlSyntaxError(
        `Too many buckets: TIMESERIES ${bucketMs / 1000} seconds over this time range makes ${nb} buckets, the maximum is ${max}`
      )
    }
    if (span >= bucketMs) since = until - nb * bucketMs
    else bucketMs = span
  }

  const eventType = q.from
  const facets = opts.ignoreFacets === true ? [] : q.facets
  const facetDefs: AttrDef[] = facets.map(f => attrDef(eventType, f))
  const extrapolate = q.extrapolate === true
  const aggs: AggState[] = q.select.map(s => makeAgg(s.agg, eventType, extrapolate))
  // With TIMESERIES, facets are ranked on the whole window, kept in a separate state.
  const ranker: AggState | null = facets.length > 0 && nb > 1 ? makeAgg(q.select[0].agg, eventType, extrapolate) : null
  const groups = new Groups()
  if (facets.length === 0) groups.id([])
  let slots = 0
  const ensure = (): void => {
    const need = groups.list.length * nb
    if (need <= slots) return
    slots = Math.max(need, slots * 2)
    for (const a of aggs) a.ensure(slots)
    ranker?.ensure(Math.ceil(slots / nb))
  }
  ensure()

  let scanned = 0
  const known = EVENT_TYPES[eventType] !== undefined
  const whereExpr = eventType === 'Metric' ? metricWhere(q.select, q.where) : q.where
  const lo = Math.max(since, model.from)
  const hi = Math.min(until, model.until)
  if (known && lo < hi) {
    const firstHour = Math.floor(lo / HOUR_MS) * HOUR_MS
    for (const app of model.apps) {
      for (let h = 0; h < app.hosts.length; h++) {
        const host = app.hosts[h].name
        const where = compileWhere(eventType, whereExpr, app, host)
        if (where === false) continue
        const ctx: HostCtx = { app, host, eventType, weight: 1 }
        const constFacets = facetDefs.every(d => d.constant !== undefined)
        // Registered on first use so that facets without events do not appear.
        let cg = -1
        const constGroup = (): number => {
          if (cg < 0) {
            cg = groups.id(facetDefs.map(d => (d.constant as NonNullable<AttrDef['constant']>)(app, host)))
            ensure()
          }
          return cg
        }
        /** Adds the events of t (the block of `hour`) in [s, e) to bucket k. */
        const addSpan = (t: EventTable, hour: number, s: number, e: number, k: number): void => {
          const i0 = lowerBound(t.ts, 0, t.n, s - hour)
          const i1 = lowerBound(t.ts, i0, t.n, e - hour)
          if (i0 === i1) return
          scanned += i1 - i0
          if (constFacets) addConstGroup(aggs, ranker, nb, k, constGroup, ctx, t, i0, i1, where)
          else {
            addPerEvent(aggs, ranker, nb, k, ctx, t, i0, i1, where, facetDefs, groups)
            ensure()
          }
        }
        for (let hour = firstHour; hour < hi; hour += HOUR_MS) {
          const block = store.get(app.index, h, hour)
          const t = eventType === 'Transaction' ? block.txn : eventType === 'TransactionError' ? block.errors : metricsOf(block)
          if (t.n === 0) continue
          // EXTRAPOLATE over a block the agent sampled: each minute with its own weight.
          const weights = !extrapolate
            ? null
            : eventType === 'Transaction' ? block.txnWeights : eventType === 'TransactionError' ? block.errWeights : null
          const bStart = Math.max(hour, lo)
          const bEnd = Math.min(hour + HOUR_MS, hi)
          for (let k = Math.floor((bStart - since) / bucketMs); k < nb; k++) {
            const s = Math.max(since + k * bucketMs, bStart)
            const e = Math.min(since + (k + 1) * bucketMs, bEnd)
            if (s >= bEnd) break
            if (e <= s) continue
            if (weights === null) {
              addSpan(t, hour, s, e, k)
              continue
            }
            for (let m = Math.floor(s / MINUTE_MS) * MINUTE_MS; m < e; m += MINUTE_MS) {
              ctx.weight = weights[(m - hour) / MINUTE_MS]
              addSpan(t, hour, Math.max(s, m), Math.min(e, m + MINUTE_MS), k)
            }
            ctx.weight = 1
          }
        }
      }
    }
  }

  return {
    results: shape(q, facets, groups, aggs, ranker, since, until, bucketMs, nb),
    scanned,
    metadata: {
      eventTypes: [eventType],
      facets: facets.length === 0 ? null : facets,
      timeWindow: {
        begin: since, end: until, compareWith: null, since: new Date(since).toISOString(), until: new Date(until).toISOString()
      },
      messages: []
    }
  }
}

let sel = new Uint32Array(4096)
let selGroup = new Int32Array(4096)
let sorted = new Uint32Array(4096)
let localOf = new Int32Array(256).fill(-1)

function ensureSel (n: number): void {
  if (sel.length >= n) return
  const size = Math.max(n, sel.length * 2)
  sel = new Uint32Array(size)
  selGroup = new Int32Array(size)
  sorted = new Uint32Array(size)
}

function addConstGroup (
  aggs: AggState[], ranker: AggState | null, nb: number, k: number, groupOf: () => number,
  ctx: HostCtx, t: EventTable, i0: number, i1: number, where: true | ((t: EventTable, i: number) => boolean)
): void {
  if (where === true) {
    const group = groupOf()
    const slot = group * nb + k
    for (const a of aggs) a.addRange(slot, ctx, t, i0, i1)
    ranker?.addRange(group, ctx, t, i0, i1)
    return
  }
  // Test each event once, then feed the survivors to every aggregate.
  ensureSel(i1 - i0)
  let m = 0
  for (let i = i0; i < i1; i++) if (where(t, i)) sel[m++] = i
  if (m === 0) return
  const group = groupOf()
  const slot = group * nb + k
  for (const a of aggs) a.addSel(slot, ctx, t, sel, m)
  ranker?.addSel(group, ctx, t, sel, m)
}

/** Per (app, host): categorical facet codes to group ids, -1 until seen. */
const FACET_TABLE_MAX = 1 << 16
const facetTables = new WeakMap<HostCtx, Int32Array>()

function addPerEvent (
  aggs: AggState[], ranker: AggState | null, nb: number, k: number,
  ctx: HostCtx, t: EventTable, i0: number, i1: number, where: true | ((t: EventTable, i: number) => boolean),
  defs: AttrDef[], groups: Groups
): void {
  // Categorical facets combine their codes into one index of a lookup table.
  const strides: number[] = []
  let size = 1
  for (const d of defs) {
    strides.push(size)
    size *= d.code !== undefined && d.codeCount !== undefined ? d.codeCount(ctx.app) : 1
  }
  const coded = defs.every(d => d.constant !== undefined || (d.code !== undefined && d.codeCount !== undefined)) && size <= FACET_TABLE_MAX
  let table = coded ? facetTables.get(ctx) : undefined
  if (coded && table === undefined) {
    table = new Int32Array(size).fill(-1)
    facetTables.set(ctx, table)
  }
  const lookup = (i: number): number => groups.id(defs.map(d => d.get(ctx.app, ctx.host, t, i)))

  // Pass 1: the group of every selected event.
  ensureSel(i1 - i0)
  let m = 0
  let maxGroup = -1
  for (let i = i0; i < i1; i++) {
    if (where !== true && !where(t, i)) continue
    let g: number
    if (table !== undefined) {
      let code = 0
      for (let j = 0; j < defs.length; j++) {
        const c = defs[j].code
        if (c !== undefined) code += c(t, i) * strides[j]
      }
      g = table[code]
      if (g < 0) {
        g = lookup(i)
        table[code] = g
      }
    } else {
      g = lookup(i)
    }
    sel[m] = i
    selGroup[m] = g
    m++
    if (g > maxGroup) maxGroup = g
  }
  if (m === 0) return
  for (const a of aggs) a.ensure((maxGroup + 1) * nb)
  ranker?.ensure(maxGroup + 1)

  // Pass 2: counting sort by group (numbered locally, a range touches few), one batch per group.
  if (localOf.length <= maxGroup) localOf = new Int32Array(Math.max(maxGroup + 1, localOf.length * 2)).fill(-1)
  const touched: number[] = []
  const counts: number[] = []
  for (let j = 0; j < m; j++) {
    const g = selGroup[j]
    let l = localOf[g]
    if (l < 0) {
      l = touched.length
      localOf[g] = l
      touched.push(g)
      counts.push(0)
    }
    counts[l]++
    selGroup[j] = l
  }
  const starts: number[] = []
  let acc = 0
  for (const c of counts) {
    starts.push(acc)
    acc += c
  }
  const next = starts.slice()
  for (let j = 0; j < m; j++) sorted[next[selGroup[j]]++] = sel[j]
  for (let l = 0; l < touched.length; l++) {
    const g = touched[l]
    localOf[g] = -1
    const batch = sorted.subarray(starts[l], starts[l] + counts[l])
    for (const a of aggs) a.addSel(g * nb + k, ctx, t, batch, counts[l])
    ranker?.addSel(g, ctx, t, batch, counts[l])
  }
}

/**
 * `facet` holds strings, as New Relic gives them (`FACET error` gives "true", not
 * true); an attribute the event lacks stays null. The attribute under its own name
 * keeps its type.
 */
function facetString (v: Value): string | null {
  return v === null ? null : String(v)
}

function compareFacets (a: { key: number | null, label: string }, b: { key: number | null, label: string }): number {
  if (a.key !== b.key) {
    if (a.key === null) return 1
    if (b.key === null) return -1
    return b.key - a.key
  }
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0
}

function shape (
  q: Query, facets: string[], groups: Groups, aggs: AggState[], ranker: AggState | null,
  since: number, until: number, bucketMs: number, nb: number
): Row[] {
  const timeseries = q.timeseries !== undefined
  const keys = q.select.map(s => s.key)
  const fill = (row: Row, slot: number, spanMs: number): Row => {
    for (let j = 0; j < keys.length; j++) row[keys[j]] = aggs[j].result(slot, spanMs)
    return row
  }
  const bucketSpan = (k: number): number => Math.min(bucketMs, until - (since + k * bucketMs))

  if (facets.length === 0) {
    if (!timeseries) return [fill({}, 0, until - since)]
    const rows: Row[] = new Array(nb)
    for (let k = 0; k < nb; k++) {
      const begin = since + k * bucketMs
      rows[k] = fill({ beginTimeSeconds: begin / 1000, endTimeSeconds: (begin + bucketMs) / 1000 }, k, bucketSpan(k))
    }
    return rows
  }

  const ranked = groups.list.map((g, id) => ({
    id,
    g,
    key: ranker !== null ? ranker.sortKey(id, until - since) : aggs[0].sortKey(id * nb, until - since),
    label: JSON.stringify(g.values)
  }))
  ranked.sort(compareFacets)
  const top = ranked.slice(0, q.limit ?? DEFAULT_FACET_LIMIT)
  const rows: Row[] = []
  // Rows are built in one fixed key order so that they share a hidden class.
  const facetRow = (row: Row, values: Value[]): Row => {
    row.facet = facets.length === 1 ? facetString(values[0]) : values.map(facetString)
    for (let j = 0; j < facets.length; j++) row[facets[j]] = values[j]
    return row
  }
  for (const { id, g } of top) {
    if (!timeseries) {
      rows.push(fill(facetRow({}, g.values), id, until - since))
      continue
    }
    for (let k = 0; k < nb; k++) {
      const begin = since + k * bucketMs
      const row = facetRow({ beginTimeSeconds: begin / 1000, endTimeSeconds: (begin + bucketMs) / 1000 }, g.values)
      rows.push(fill(row, id * nb + k, bucketSpan(k)))
    }
  }
  return rows
}
