/**
 * APM agent event sampling: per host and minute, at most N Transaction (and M
 * TransactionError) events are kept, a uniform random subset as the agents'
 * reservoirs keep. The traffic is generated first and never changes; sampling only
 * decides which events are visible, with generators of its own keyed by
 * (seed, app, host, minute), so results do not depend on query order or cache state.
 * What was seen per minute is kept as weights (seen / kept) for NRQL's EXTRAPOLATE,
 * and the unsampled timeslice metrics are taken from the whole traffic first.
 */
import type { Block, EventTable } from './event-table.ts'
import { buildMetricTable } from './metric.ts'
import type { Model } from './model.ts'
import { Rng } from './rng.ts'
import { MINUTE_MS } from './time.ts'

const MINUTES_PER_BLOCK = 60

/**
 * Keeps at most `limit` events of each minute of `t` (a uniform subset, in time
 * order: selection sampling, Knuth's algorithm S). Returns the kept table and the
 * weights per minute, or null weights when no minute had more than `limit`.
 */
function sampleTable (
  t: EventTable, limit: number | null, key: (minute: number) => string
): { table: EventTable, weights: Float64Array | null } {
  if (limit === null || t.n <= limit) return { table: t, weights: null }
  const keep = new Uint8Array(t.n)
  let weights: Float64Array | null = null
  let kept = 0
  let i = 0
  for (let m = 0; m < MINUTES_PER_BLOCK && i < t.n; m++) {
    const end = (m + 1) * MINUTE_MS
    let j = i
    while (j < t.n && t.ts[j] < end) j++
    const seen = j - i
    if (seen <= limit) {
      keep.fill(1, i, j)
      kept += seen
    } else {
      weights ??= new Float64Array(MINUTES_PER_BLOCK).fill(1)
      weights[m] = seen / limit
      const rng = Rng.fromKey(key(t.startMs / MINUTE_MS + m))
      let chosen = 0
      for (let x = i; x < j && chosen < limit; x++) {
        // Each of the C(seen, limit) subsets is equally likely.
        if (rng.next() * (j - x) < limit - chosen) {
          keep[x] = 1
          chosen++
        }
      }
      kept += chosen
    }
    i = j
  }
  if (weights === null) return { table: t, weights: null }
  const out: EventTable = {
    n: kept,
    startMs: t.startMs,
    ts: new Uint32Array(kept),
    dur: new Float64Array(kept),
    name: new Uint8Array(kept),
    err: new Uint8Array(kept)
  }
  let k = 0
  for (let x = 0; x < t.n; x++) {
    if (keep[x] === 0) continue
    out.ts[k] = t.ts[x]
    out.dur[k] = t.dur[x]
    out.name[k] = t.name[x]
    out.err[k] = t.err[x]
    k++
  }
  return { table: out, weights }
}

/** The block as the app's agents report it: sampled events, weights, and metrics of everything. */
export function sampleBlock (model: Model, block: Block): Block {
  const { app, host } = block
  const metrics = buildMetricTable(block.txn)
  const prefix = `${model.seed}\u0001sample\u0001${app.name}\u0001${host}\u0001`
  const txn = sampleTable(block.txn, app.txnEventsPerMinute, m => `${prefix}txn\u0001${m}`)
  const errors = sampleTable(block.errors, app.errorEventsPerMinute, m => `${prefix}err\u0001${m}`)
  return { ...block, txn: txn.table, errors: errors.table, txnWeights: txn.weights, errWeights: errors.weights, metrics }
}
