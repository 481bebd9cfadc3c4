/**
 * Deterministic event generation, one hour of one (app, host) at a time, into
 * columnar typed arrays sorted by timestamp so that time ranges and TIMESERIES
 * buckets are contiguous index ranges (binary search, no per-event time test).
 */
import type { Block, EventTable } from './event-table.ts'
import { minuteParams, paramsAt, TRANSACTION_NAME_CUM } from './model.ts'
import type { AppModel, MinuteParams, Model } from './model.ts'
import { Rng } from './rng.ts'
import { sampleBlock } from './sampling.ts'
import { HOUR_MS, MINUTE_MS } from './time.ts'

function emptyTable (startMs: number): EventTable {
  return { n: 0, startMs, ts: new Uint32Array(0), dur: new Float64Array(0), name: new Uint8Array(0), err: new Uint8Array(0) }
}

/** Growable scratch columns reused across generations (one block at a time). */
let cap = 0
let sTs = new Uint32Array(0)
let sDur = new Float64Array(0)
let sName = new Uint8Array(0)
let sErr = new Uint8Array(0)
let spacing = new Float64Array(0)

function ensureScratch (need: number): void {
  if (need <= cap) return
  cap = Math.max(need, cap * 2, 4096)
  const grow = <T extends Uint32Array | Float64Array | Uint8Array>(old: T, make: (n: number) => T): T => {
    const next = make(cap)
    next.set(old)
    return next
  }
  sTs = grow(sTs, n => new Uint32Array(n))
  sDur = grow(sDur, n => new Float64Array(n))
  sName = grow(sName, n => new Uint8Array(n))
  sErr = grow(sErr, n => new Uint8Array(n))
}

const NO_CANDIDATES = new Uint8Array(0)

function pickIndex (cum: readonly number[], u: number): number {
  let i = 0
  while (i < cum.length - 1 && u >= cum[i]) i++
  return i
}

/**
 * Generates the events of app `app`, host `hostIndex`, in the hour starting at
 * `hourStart` (a multiple of one hour), within the scenario window.
 */
export function generateBlock (model: Model, app: AppModel, hostIndex: number, hourStart: number): Block {
  const host = app.hosts[hostIndex].name
  const cuts = app.hosts[hostIndex].cuts
  const lo = Math.max(hourStart, model.from)
  const hi = Math.min(hourStart + HOUR_MS, model.until)
  let n = 0
  let c = 0
  for (let m = Math.floor(lo / MINUTE_MS) * MINUTE_MS; m < hi; m += MINUTE_MS) {
    while (c < cuts.length && cuts[c] <= m) c++
    if (c < cuts.length && cuts[c] < m + MINUTE_MS) {
      n = generateCutMinute(model, app, hostIndex, m, c, lo, hi, hourStart, n)
      continue
    }
    const p = minuteParams(app, hostIndex, m)
    if (!p.reporting || p.mean <= 0) continue
    const rng = Rng.fromKey(`${model.seed}\u0001${app.name}\u0001${host}\u0001${m / MINUTE_MS}`)
    n = generateSegment(rng, rng.poisson(p.mean), p, app, m, MINUTE_MS, lo, hi, hourStart, n)
  }
  const txn: EventTable = n === 0
    ? emptyTable(hourStart)
    : { n, startMs: hourStart, ts: sTs.slice(0, n), dur: sDur.slice(0, n), name: sName.slice(0, n), err: sErr.slice(0, n) }
  const block: Block = {
    app, hostIndex, host, startMs: hourStart, txn, errors: errorTable(txn), txnWeights: null, errWeights: null, metrics: null
  }
  // Sampling picks from the generated events afterwards, with generators of its own:
  // the traffic (and every unsampled app) is drawn exactly as without it.
  return app.txnEventsPerMinute === null && app.errorEventsPerMinute === null ? block : sampleBlock(model, block)
}

/**
 * A minute with changes inside it (a host joining or leaving, an effect starting
 * or ending off the whole minute; `cuts[c]` is the first): one segment per stretch
 * between changes, each with its own parameters, a Poisson count with the minute's
 * mean scaled by the segment's share of the minute, and times uniform in the
 * segment. One generator per minute, as for whole minutes, drawn segment by segment.
 */
function generateCutMinute (
  model: Model, app: AppModel, hostIndex: number, m: number, c: number, lo: number, hi: number, hourStart: number, n: number
): number {
  const cuts = app.hosts[hostIndex].cuts
  const end = m + MINUTE_MS
  let rng: Rng | null = null
  for (let s = m; s < end;) {
    const e = c < cuts.length && cuts[c] < end ? cuts[c++] : end
    const p = paramsAt(app, hostIndex, s, m + 30_000)
    if (p.reporting && p.mean > 0) {
      rng ??= Rng.fromKey(`${model.seed}\u0001${app.name}\u0001${app.hosts[hostIndex].name}\u0001${m / MINUTE_MS}`)
      n = generateSegment(rng, rng.poisson(p.mean * (e - s) / MINUTE_MS), p, app, s, e - s, lo, hi, hourStart, n)
    }
    s = e
  }
  return n
}

/**
 * Appends `count` transactions spread uniformly over [segStart, segStart + segLen)
 * to the scratch columns from row n (those outside [lo, hi) are drawn, then
 * dropped); returns the new row count.
 */
function generateSegment (
  rng: Rng, count: number, p: MinuteParams, app: AppModel,
  segStart: number, segLen: number, lo: number, hi: number, hourStart: number, n: number
): number {
  if (count === 0) return n
  ensureScratch(n + count)
  if (spacing.length < count + 1) spacing = new Float64Array(Math.max(count + 1, spacing.length * 2))
  // Sorted uniform times from normalised exponential spacings: no sort needed.
  let total = 0
  for (let k = 0; k <= count; k++) {
    total += rng.exponential()
    spacing[k] = total
  }
  const logMedian = Math.log(p.medianS)
  const sigma = p.sigma
  const errorProbability = p.errorProbability
  const newErrors = p.newErrors
  const nNew = newErrors.length
  const baseCum = app.baseCumShares
  const candidates = nNew > 0 ? new Uint8Array(nNew + 1) : NO_CANDIDATES
  // Locals rather than the module's scratch bindings: the hot loop stays monomorphic.
  const ts = sTs
  const dur = sDur
  const names = sName
  const errs = sErr
  const sp = spacing
  const scale = segLen / total
  let kept = n
  for (let k = 0; k < count; k++) {
    const at = segStart + Math.floor(sp[k] * scale)
    // Draws are made whether or not the event is kept so that trimming at the
    // window edges does not shift the events that follow.
    const nameIdx = pickIndex(TRANSACTION_NAME_CUM, rng.next())
    const duration = Math.max(1e-6, Math.round(Math.exp(logMedian + sigma * rng.normal()) * 1e6) / 1e6)
    let err = 0
    const u = rng.next()
    if (u < errorProbability) err = 1 + pickIndex(baseCum, rng.next())
    if (nNew > 0) {
      // One TransactionError per error transaction: when several sources fire (the
      // base error, newErrors entries) one of them is chosen uniformly, with the
      // first fired source's own draw (u / p is uniform given that it fired, whatever
      // else fired), so no extra draw is taken and key order does not matter.
      let fired = 0
      let tie = 0
      if (err !== 0) {
        fired = 1
        tie = u / errorProbability
        candidates[0] = err
      }
      for (let j = 0; j < nNew; j++) {
        const v = rng.next()
        const pj = newErrors[j][1]
        if (v < pj) {
          if (fired === 0) tie = v / pj
          candidates[fired++] = 1 + newErrors[j][0]
        }
      }
      if (fired > 0) err = candidates[Math.min(fired - 1, Math.floor(tie * fired))]
    }
    if (at < lo || at >= hi) continue
    ts[kept] = at - hourStart
    dur[kept] = duration
    names[kept] = nameIdx
    errs[kept] = err
    kept++
  }
  return kept
}

/** The TransactionError events: a copy of the error rows, still in time order. */
export function errorTable (t: EventTable): EventTable {
  let m = 0
  for (let i = 0; i < t.n; i++) if (t.err[i] !== 0) m++
  if (m === 0) return emptyTable(t.startMs)
  const out: EventTable = {
    n: m,
    startMs: t.startMs,
    ts: new Uint32Array(m),
    dur: new Float64Array(m),
    name: new Uint8Array(m),
    err: new Uint8Array(m)
  }
  let j = 0
  for (let i = 0; i < t.n; i++) {
    if (t.err[i] === 0) continue
    out.ts[j] = t.ts[i]
    out.dur[j] = t.dur[i]
    out.name[j] = t.name[i]
    out.err[j] = t.err[i]
    j++
  }
  return out
}
