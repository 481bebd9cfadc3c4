/**
 * An incremental checkpoint: the same data as fetchCheckpointData (fetch-checkpoint.ts) for
 * [from, until), read as the carried state of the previous checkpoint (carry.ts) plus what is
 * new since. The new part is read in two intervals on the rollout's bucket grid:
 *
 * - settle [settledUntil, S), S the last grid point at least OVERLAP_MS before until: merged
 *   into the state the next checkpoint continues from;
 * - fresh [S, until): used for this checkpoint only and read again by the next one, so a
 *   minute New Relic was still ingesting replaces what we saw of it; it is never added twice.
 *
 * What adds up is merged: host counts, errors and mean durations (through sums), kept error
 * events per class (scaled to occurrences once merged, as a full read scales them), slow
 * counts against the rollout's fixed threshold, and per-bucket series (buckets are disjoint).
 * What does not add up, percentiles, is read over the whole window each time: each host's
 * p95 and each side's p50/p95/p99 with its kept-event count, one row per app and host or per
 * app, so those replies stay as small as at the first checkpoint. The pre-window is read once
 * per rollout and carried. Without usable state the first read starts at `from`.
 */
import { splitHosts, type HostSplit } from '../judge/hosts.ts'
import { slowByP95 } from '../judge/outliers.ts'
import type { AppData, CheckpointData, ErrorClassCount, HostStats, SeriesPoint } from '../judge/input.ts'
import {
  addCounts, addErrors, addHosts, copyErrors, errorRowsOf, gridStarts, hostStatsOf, mergeSeries, windowSeries
} from './carry-merge.ts'
import { emptyApp, packCarry, unpackCarry, type CarriedApp, type CarriedState, type PackedCarry } from './carry.ts'
import type { AppHosts } from './chunk.ts'
import { countSpecs, hostLatencySpecs, intervalSpecs, seriesSpecs, sideSpecs, slowSpecs, type Interval } from './checkpoint-plan.ts'
import { addHostP95, readErrorClasses, readHostStats, readSeries, readSides, readSlow, scaleErrorClasses } from './checkpoint-read.ts'
import type { NerdGraphClient } from './client.ts'
import {
  gridMinutesFor, normalise, onWholeSeconds, positive, rowsOf, sideLatency, sortErrors, sortHosts, sortSeries, withSlow,
  type FetchOptions, type FetchRequest
} from './fetch-checkpoint.ts'
import { bucketCountFor } from './limits.ts'
import { runSpecs, type QuerySpec } from './run-specs.ts'

/**
 * How much before `until` a checkpoint leaves unsettled, to read again next time. Checkpoints
 * already run GONOGO_CHECKPOINT_LAG_SECONDS (default 60 s) after their time; what New Relic
 * ingests later than that is almost always the last minutes (agents harvest every 5 s to 60 s).
 * Five minutes, re-read an hour later, takes in anything up to five minutes plus the lag late.
 */
export const OVERLAP_MS = 5 * 60_000

export interface IncrementalRequest extends FetchRequest {
  /** The `carry` of the previous checkpoint's evidence, as stored (JSON); anything unusable starts over. */
  carry?: unknown
  overlapMs?: number
}

export interface IncrementalData {
  data: CheckpointData
  /** For the evidence's `carry` field. */
  carry: PackedCarry
  /** Whether the previous state was continued (false: read from `from`). */
  continued: boolean
}

export async function fetchIncremental (
  client: NerdGraphClient, request: IncrementalRequest, opts: FetchOptions = {}
): Promise<IncrementalData> {
  const req = onWholeSeconds(request)
  const { apps, preFrom, given } = normalise(req)
  const { accountId, from, until, canaryHosts, baselineHosts } = req
  const log = opts.logger
  const bucketMinutes = gridMinutesFor(req)
  const bucketMs = bucketMinutes * 60_000
  const prev = unpackCarry(req.carry, { from, until, preFrom, bucketMinutes, apps, canaryHosts, baselineHosts })
  const settledFrom = prev?.settledUntil ?? from
  const overlap = Math.max(0, req.overlapMs ?? OVERLAP_MS)
  const settledUntil = Math.max(settledFrom, from + Math.floor((until - overlap - from) / bucketMs) * bucketMs)
  const settle: Interval | null = settledUntil > settledFrom ? { since: settledFrom, until: settledUntil } : null
  const fresh: Interval | null = until > settledUntil ? { since: settledUntil, until } : null
  const window: Interval = { since: from, until }
  const pre: Interval | null = prev === null && preFrom < from ? { since: preFrom, until: from } : null
  const carried = (app: string): CarriedApp => prev?.apps.get(app) ?? emptyApp()

  // Slow counts continue where the state has them against the same threshold, else start at from.
  const slowGo = new Map<string, number>()
  const slowRestart = new Map<string, number>()
  for (const [app, t] of given) (carried(app).slow?.thresholdS === t ? slowGo : slowRestart).set(app, t)

  const parts = (name: string, make: (i: Interval, tag: string) => QuerySpec[]): QuerySpec[] => [
    ...(settle === null ? [] : make(settle, `${name}.settle`)),
    ...(fresh === null ? [] : make(fresh, `${name}.fresh`))
  ]
  const round1 = await runSpecs(client, accountId, [
    ...(pre === null ? [] : intervalSpecs('pre', apps, pre)),
    ...parts('counts', (i, tag) => countSpecs(tag, apps, i)),
    ...hostLatencySpecs('window', apps, window),
    ...parts('slow', (i, tag) => slowSpecs(i, slowGo, undefined, tag)),
    ...slowFromStart(from, settledUntil, fresh, slowRestart, undefined)
  ], log, opts.signal)

  const settledHosts = readHostStats(rowsOf(round1, 'hosts.counts.settle'))
  const freshHosts = readHostStats(rowsOf(round1, 'hosts.counts.fresh'))
  const settledErrors = readErrorClasses(rowsOf(round1, 'errors.counts.settle'))
  const freshErrors = readErrorClasses(rowsOf(round1, 'errors.counts.fresh'))
  const hostP95Rows = rowsOf(round1, 'latency.window')
  const slowSettled = readSlow(round1.filter(a => a.spec.tag === 'slow.settle'), given)
  const slowFresh = readSlow(round1.filter(a => a.spec.tag === 'slow.fresh'), given)

  const next = new Map<string, CarriedApp>()
  const windowHosts = new Map<string, HostStats[]>()
  const windowErrors = new Map<string, ErrorClassCount[]>()
  for (const app of apps) {
    const c = carried(app)
    const hosts = addHosts(new Map(c.hosts), settledHosts.get(app))
    const errorEvents = addErrors(copyErrors(c.errorEvents), settledErrors.get(app))
    next.set(app, { hosts, errorEvents, slow: null, series: c.series, pre: c.pre })
    windowHosts.set(app, hostStatsOf(addHosts(new Map(hosts), freshHosts.get(app))))
    windowErrors.set(app, errorRowsOf(addErrors(copyErrors(errorEvents), freshErrors.get(app))))
  }
  addHostP95(windowHosts, hostP95Rows)
  scaleErrorClasses(windowErrors, windowHosts)

  if (pre !== null) {
    const preHosts = addHostP95(readHostStats(rowsOf(round1, 'hosts.pre')), rowsOf(round1, 'latency.pre'))
    const preErrors = readErrorClasses(rowsOf(round1, 'errors.pre'))
    scaleErrorClasses(preErrors, preHosts)
    for (const app of apps) {
      next.get(app)!.pre = { hosts: sortHosts(preHosts.get(app)), errorClasses: sortErrors(preErrors.get(app)) }
    }
  }

  const splits = new Map<string, HostSplit>()
  const reported = new Map<string, string[]>()
  for (const app of apps) {
    const hosts = windowHosts.get(app)!.map(h => h.host)
    reported.set(app, hosts)
    splits.set(app, splitHosts(hosts, canaryHosts, baselineHosts))
  }
  // As in a full read: the threshold is the existing hosts' p95 before the rollout, without a
  // host far slower than the others; read once, when an app first needs it.
  const needThreshold = apps.filter(app => !given.has(app))
  const preBaselines: AppHosts[] = preFrom < from
    ? needThreshold.filter(app => next.get(app)!.pre.baselineP95S === undefined).map(app => {
      const preHosts = next.get(app)!.pre.hosts
      const hosts = splitHosts(preHosts.map(h => h.host), canaryHosts, baselineHosts).baseline
      const slow = new Set(slowByP95(preHosts.filter(h => hosts.includes(h.host))))
      return { app, hosts: hosts.filter(h => !slow.has(h)) }
    })
    : []
  const seriesHosts = apps.map(app => ({ app, hosts: reported.get(app)! }))

  const seriesOf = async (i: Interval | null): Promise<Map<string, SeriesPoint[]>> => {
    if (i === null) return new Map()
    const specs = seriesSpecs(i, bucketMinutes, bucketCountFor(i.since, i.until, bucketMinutes), seriesHosts)
    return await readSeriesByRequest(client, accountId, specs, i.since, opts)
  }
  const [round2, settledSeries, freshSeries] = await Promise.all([
    runSpecs(client, accountId, [
      ...sideSpecs('canary.window', window, apps.map(app => ({ app, hosts: splits.get(app)!.canary }))),
      ...sideSpecs('baseline.window', window, apps.map(app => ({ app, hosts: splits.get(app)!.baseline }))),
      ...sideSpecs('baseline.pre', { since: preFrom, until: from }, preBaselines)
    ], log, opts.signal),
    seriesOf(settle),
    seriesOf(fresh)
  ])
  const canary = readSides(rowsOf(round2, 'canary.window'))
  const baseline = readSides(rowsOf(round2, 'baseline.window'))
  const preBaseline = readSides(rowsOf(round2, 'baseline.pre'))
  for (const { app } of preBaselines) next.get(app)!.pre.baselineP95S = preBaseline.get(app)?.p95S ?? null

  const thresholds = new Map<string, number | null>(apps.map(app => [
    app, given.get(app) ?? positive(next.get(app)!.pre.baselineP95S) ?? positive(baseline.get(app)?.p95S)
  ]))
  const computed = new Map<string, number>()
  for (const app of needThreshold) {
    const threshold = thresholds.get(app)
    if (threshold != null && reported.get(app)!.length > 0) computed.set(app, threshold)
  }
  if (computed.size > 0) {
    const round3 = await runSpecs(client, accountId, slowFromStart(from, settledUntil, fresh, computed, reported), log, opts.signal)
    readSlow(round3.filter(a => a.spec.tag === 'slow.settle'), computed, slowSettled)
    readSlow(round3.filter(a => a.spec.tag === 'slow.fresh'), computed, slowFresh)
  }

  const appData = apps.map((app): AppData => {
    const n = next.get(app)!
    const threshold = thresholds.get(app) ?? null
    let slowByHost: Map<string, number> | undefined
    if (threshold !== null) {
      const base = slowGo.has(app) ? carried(app).slow?.byHost : undefined
      const settledSlow = addCounts(new Map(base ?? []), slowSettled.get(app))
      n.slow = { thresholdS: threshold, byHost: settledSlow }
      const merged = addCounts(new Map(settledSlow), slowFresh.get(app))
      // As a full read: no slow rows at all leaves the hosts' slow counts unset.
      slowByHost = merged.size > 0 ? merged : undefined
    }
    n.series = mergeSeries(n.series, settledSeries.get(app), bucketMs)
    const split = splits.get(app)!
    return {
      app,
      slowThresholdS: threshold,
      window: {
        hosts: withSlow(sortHosts(windowHosts.get(app)), threshold === null ? undefined : slowByHost),
        canary: sideLatency(canary.get(app), split.canary, slowByHost, threshold),
        baseline: sideLatency(baseline.get(app), split.baseline, slowByHost, threshold),
        series: sortSeries(windowSeries(n.series, freshSeries.get(app), gridStarts(from, settledUntil, fresh, bucketMinutes), bucketMs)),
        errorClasses: sortErrors(windowErrors.get(app))
      },
      pre: { hosts: n.pre.hosts, errorClasses: n.pre.errorClasses }
    }
  })

  const baselineCopy = baselineHosts === null ? null : [...baselineHosts]
  const state: CarriedState = {
    from, settledUntil, preFrom, bucketMinutes, canaryHosts: [...canaryHosts], baselineHosts: baselineCopy, apps: next
  }
  return {
    data: {
      // The window as asked (a checkpoint's own time): read on whole seconds, it differs by under one.
      from: request.from,
      until: request.until,
      preFrom,
      bucketMinutes,
      canaryHosts: [...canaryHosts],
      baselineHosts: baselineCopy,
      apps: appData
    },
    carry: packCarry(state),
    continued: prev !== null
  }
}

/**
 * Series queries in groups of one request each, every group's rows turned into points as soon as
 * it answers: the rows of a round's series (most of a checkpoint's bytes) are never all alive at
 * once, which is what kept a worker's peak memory high (JSON.parse and row objects).
 */
async function readSeriesByRequest (
  client: NerdGraphClient, accountId: number, specs: QuerySpec[], fromMs: number, opts: FetchOptions
): Promise<Map<string, SeriesPoint[]>> {
  const into = new Map<string, SeriesPoint[]>()
  const size = Math.max(1, client.maxQueriesPerRequest)
  const groups: QuerySpec[][] = []
  for (let i = 0; i < specs.length; i += size) groups.push(specs.slice(i, i + size))
  await Promise.all(groups.map(async group => {
    const answers = await runSpecs(client, accountId, group, opts.logger, opts.signal)
    for (const a of answers) readSeries(a.rows, into, fromMs)
  }))
  return into
}

/** Slow counts of apps that have none carried: the settled part from `from`, and the fresh part. */
function slowFromStart (
  from: number, settledUntil: number, fresh: Interval | null, thresholds: Map<string, number>,
  hosts: Map<string, readonly string[]> | undefined
): QuerySpec[] {
  if (thresholds.size === 0) return []
  return [
    ...(settledUntil > from ? slowSpecs({ since: from, until: settledUntil }, thresholds, hosts, 'slow.settle') : []),
    ...(fresh === null ? [] : slowSpecs(fresh, thresholds, hosts, 'slow.fresh'))
  ]
}
