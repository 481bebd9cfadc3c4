/**
 * Fetches everything the judge needs for one checkpoint in at most three rounds of
 * NerdGraph requests (each round is one request while it has at most
 * maxQueriesPerRequest queries):
 *
 * 1. per app and host, window and pre-window: counts, errors, mean duration, error
 *    classes; plus slow counts for apps whose threshold the rollout already carries.
 *    This tells us which hosts report for each app.
 * 2. with those host names split into canary and baseline (case-insensitively):
 *    each side's percentiles and count in the window, the baseline's percentiles in
 *    the pre-window (for apps that need a threshold), and per-host series.
 * 3. slow counts for apps whose threshold was just computed from round 2.
 *
 * A rollout carries its thresholds after its first checkpoint, so later checkpoints
 * need two rounds.
 */
import { splitHosts, type HostSplit } from '../judge/hosts.ts'
import { slowByP95 } from '../judge/outliers.ts'
import type { AppData, CheckpointData, ErrorClassCount, HostStats, SeriesPoint, SideLatency } from '../judge/input.ts'
import type { AppHosts } from './chunk.ts'
import { intervalSpecs, seriesSpecs, sideSpecs, slowSpecs, type Interval } from './checkpoint-plan.ts'
import {
  addHostP95, readErrorClasses, readHostStats, readSeries, readSides, readSlow, scaleErrorClasses, type SideRow
} from './checkpoint-read.ts'
import type { Logger } from '../logger.ts'
import type { NerdGraphClient } from './client.ts'
import { bucketCountFor, bucketMinutesFor } from './limits.ts'
import type { Row } from './parse.ts'
import { runSpecs, type Answer } from './run-specs.ts'

const HOUR_MS = 3_600_000
/**
 * Default pre-window length before `from`. Long enough that an error class the pool throws a
 * few times a day shows up on a baseline host before the rollout and is not blamed on the
 * canary, and that the baseline p95 used as the slow threshold is stable.
 */
export const DEFAULT_PRE_WINDOW_MS = 6 * HOUR_MS
/** The pre-window never starts earlier than this before `from`. */
export const MAX_PRE_WINDOW_MS = 24 * HOUR_MS

export interface FetchRequest {
  accountId: number
  apps: string[]
  canaryHosts: string[]
  baselineHosts: string[] | null
  /** Window [from, until), epoch ms. */
  from: number
  until: number
  /** Start of the pre-window [preFrom, from); default from - 6 h, never before from - 24 h. */
  preFrom?: number
  /** Thresholds (s) a rollout already carries; apps missing here get one computed now. */
  slowThresholdsS?: Record<string, number>
  /**
   * Series bucket length (minutes) to use at least, e.g. the one a rollout's whole window needs,
   * so every checkpoint of it judges buckets of one length (and incremental ones share a grid).
   */
  bucketMinutes?: number
}

export interface FetchOptions {
  logger?: Logger
  /** Stops the fetch (no further requests) when the caller gives up. */
  signal?: AbortSignal
}

/**
 * Fetches one checkpoint's data for `req.apps` (returned in that order, duplicates
 * dropped; an app with no data has empty hosts). Rejects with a NerdGraphError when
 * NerdGraph fails, with a TypeError/RangeError for a malformed request, and with
 * NrqlTemplateError for a name that cannot be written into NRQL, before any request.
 */
export async function fetchCheckpointData (
  client: NerdGraphClient, request: FetchRequest, opts: FetchOptions = {}
): Promise<CheckpointData> {
  const req = onWholeSeconds(request)
  const { apps, preFrom, given } = normalise(req)
  const { accountId, from, until, canaryHosts, baselineHosts } = req
  const log = opts.logger
  const window: Interval = { since: from, until }
  const pre: Interval | null = preFrom < from ? { since: preFrom, until: from } : null
  const bucketMinutes = gridMinutesFor(req)

  // Round 1: what each app reported per host; slow counts where the threshold is known.
  const round1 = await runSpecs(client, accountId, [
    ...intervalSpecs('window', apps, window),
    ...(pre === null ? [] : intervalSpecs('pre', apps, pre)),
    ...slowSpecs(window, given)
  ], log, opts.signal)
  const windowHosts = addHostP95(readHostStats(rowsOf(round1, 'hosts.window')), rowsOf(round1, 'latency.window'))
  const preHosts = addHostP95(readHostStats(rowsOf(round1, 'hosts.pre')), rowsOf(round1, 'latency.pre'))
  const windowErrors = readErrorClasses(rowsOf(round1, 'errors.window'))
  const preErrors = readErrorClasses(rowsOf(round1, 'errors.pre'))
  const slow = readSlow(round1.filter(a => a.spec.tag === 'slow'), given)
  // Sampled agents keep few error events: count each host's classes up to its exact errors.
  scaleErrorClasses(windowErrors, windowHosts)
  scaleErrorClasses(preErrors, preHosts)

  const splits = new Map<string, HostSplit>()
  const reported = new Map<string, string[]>()
  for (const app of apps) {
    const hosts = (windowHosts.get(app) ?? []).map(h => h.host)
    reported.set(app, hosts)
    splits.set(app, splitHosts(hosts, canaryHosts, baselineHosts))
  }
  const needThreshold = apps.filter(app => !given.has(app))
  // The slow threshold is the existing hosts' p95 before the rollout, taken without a host whose
  // own p95 stands far above the others' (a sick old server would set it too high).
  const preBaselines: AppHosts[] = pre === null
    ? []
    : needThreshold.map(app => {
      const hosts = splitHosts((preHosts.get(app) ?? []).map(h => h.host), canaryHosts, baselineHosts).baseline
      const slow = new Set(slowByP95((preHosts.get(app) ?? []).filter(h => hosts.includes(h.host))))
      return { app, hosts: hosts.filter(h => !slow.has(h)) }
    })

  // Round 2: per-side percentiles need host names; series need host counts to chunk.
  const round2 = await runSpecs(client, accountId, [
    ...sideSpecs('canary.window', window, apps.map(app => ({ app, hosts: splits.get(app)!.canary }))),
    ...sideSpecs('baseline.window', window, apps.map(app => ({ app, hosts: splits.get(app)!.baseline }))),
    ...(pre === null ? [] : sideSpecs('baseline.pre', pre, preBaselines)),
    ...seriesSpecs(window, bucketMinutes, bucketCountFor(from, until, bucketMinutes), apps.map(app => ({ app, hosts: reported.get(app)! })))
  ], log, opts.signal)
  const canary = readSides(rowsOf(round2, 'canary.window'))
  const baseline = readSides(rowsOf(round2, 'baseline.window'))
  const preBaseline = readSides(rowsOf(round2, 'baseline.pre'))
  const series = readSeries(rowsOf(round2, 'series'), undefined, from)

  // Thresholds: the rollout's, else the baseline's p95 before the rollout, else during it.
  const thresholds = new Map<string, number | null>(apps.map(app => [
    app, given.get(app) ?? positive(preBaseline.get(app)?.p95S) ?? positive(baseline.get(app)?.p95S)
  ]))
  const computed = new Map<string, number>()
  for (const app of needThreshold) {
    const threshold = thresholds.get(app)
    if (threshold != null && reported.get(app)!.length > 0) computed.set(app, threshold)
  }

  // Round 3: slow counts with the thresholds just computed.
  if (computed.size > 0) {
    const round3 = await runSpecs(client, accountId, slowSpecs(window, computed, reported), log, opts.signal)
    readSlow(round3, computed, slow)
  }

  const appData = apps.map((app): AppData => {
    const split = splits.get(app)!
    const threshold = thresholds.get(app) ?? null
    const slowByHost = slow.get(app)
    return {
      app,
      slowThresholdS: threshold,
      window: {
        hosts: withSlow(sortHosts(windowHosts.get(app)), threshold === null ? undefined : slowByHost),
        canary: sideLatency(canary.get(app), split.canary, slowByHost, threshold),
        baseline: sideLatency(baseline.get(app), split.baseline, slowByHost, threshold),
        series: sortSeries(series.get(app)),
        errorClasses: sortErrors(windowErrors.get(app))
      },
      pre: {
        hosts: sortHosts(preHosts.get(app)),
        errorClasses: sortErrors(preErrors.get(app))
      }
    }
  })

  return {
    // The window as asked (a checkpoint's own time): read on whole seconds, it differs by under one.
    from: request.from,
    until: request.until,
    preFrom,
    bucketMinutes,
    canaryHosts: [...canaryHosts],
    baselineHosts: baselineHosts === null ? null : [...baselineHosts],
    apps: appData
  }
}

/** The series bucket length: the request's, unless the window needs longer buckets. */
export function gridMinutesFor (req: FetchRequest): number {
  const given = req.bucketMinutes
  if (given !== undefined && (!Number.isSafeInteger(given) || given < 1)) {
    throw new RangeError(`bucketMinutes must be a whole number of minutes, got ${given}`)
  }
  return Math.max(given ?? 1, bucketMinutesFor(req.from, req.until))
}

/** Checks the request and derives the app list, pre-window start and given thresholds. */
/**
 * The request with its times on whole seconds. New Relic works in whole seconds (SINCE, UNTIL and
 * the TIMESERIES buckets it anchors on UNTIL): a window with milliseconds (a startAt taken from
 * `new Date()`) laid a bucket grid that no returned bucket matched, and every series point read
 * as zero: no per-bucket latency test, empty charts. The data still names the window as asked.
 */
export function onWholeSeconds<T extends FetchRequest> (req: T): T {
  // Checked as given first: rounding must not turn a bad request (preFrom after from) into a good one.
  normalise(req)
  const s = (ms: number): number => Number.isSafeInteger(ms) ? Math.floor(ms / 1000) * 1000 : ms
  return { ...req, from: s(req.from), until: s(req.until), ...(req.preFrom === undefined ? {} : { preFrom: s(req.preFrom) }) }
}

export function normalise (req: FetchRequest): { apps: string[], preFrom: number, given: Map<string, number> } {
  if (!Array.isArray(req.apps) || req.apps.some(a => typeof a !== 'string')) throw new TypeError('apps must be a list of app names')
  if (!Array.isArray(req.canaryHosts) || req.canaryHosts.some(h => typeof h !== 'string')) {
    throw new TypeError('canaryHosts must be a list of host names')
  }
  if (req.baselineHosts !== null && (!Array.isArray(req.baselineHosts) || req.baselineHosts.some(h => typeof h !== 'string'))) {
    throw new TypeError('baselineHosts must be a list of host names or null')
  }
  if (!Number.isSafeInteger(req.from) || !Number.isSafeInteger(req.until) || req.from < 0) {
    throw new RangeError('from and until must be epoch milliseconds')
  }
  if (req.from >= req.until) throw new RangeError(`from (${req.from}) must be before until (${req.until})`)
  const requestedPre = req.preFrom ?? req.from - DEFAULT_PRE_WINDOW_MS
  if (!Number.isSafeInteger(requestedPre) || requestedPre > req.from) {
    throw new RangeError(`preFrom must be epoch milliseconds not after from, got ${req.preFrom}`)
  }
  const preFrom = Math.max(0, requestedPre, req.from - MAX_PRE_WINDOW_MS)
  const apps = [...new Set(req.apps)]
  const given = new Map<string, number>()
  for (const [app, threshold] of Object.entries(req.slowThresholdsS ?? {})) {
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
      throw new RangeError(`slow threshold for ${app} must be a positive number of seconds, got ${threshold}`)
    }
    if (apps.includes(app)) given.set(app, threshold)
  }
  return { apps, preFrom, given }
}

export function rowsOf (answers: Answer[], tag: string): Row[] {
  return answers.filter(a => a.spec.tag === tag).flatMap(a => a.rows)
}

export function sideLatency (
  row: SideRow | undefined, hosts: string[], slowByHost: Map<string, number> | undefined, threshold: number | null
): SideLatency {
  let slow: number | null = null
  if (threshold !== null) {
    slow = 0
    for (const host of hosts) slow += slowByHost?.get(host) ?? 0
  }
  return { count: row?.count ?? 0, p50S: row?.p50S ?? null, p95S: row?.p95S ?? null, p99S: row?.p99S ?? null, slow }
}

/** Each host's slow count, when the threshold was known (a host missing from the counts had none). */
export function withSlow (hosts: HostStats[], slowByHost: Map<string, number> | undefined): HostStats[] {
  if (slowByHost === undefined) return hosts
  return hosts.map(h => ({ ...h, slow: slowByHost.get(h.host) ?? 0 }))
}

export function positive (value: number | null | undefined): number | null {
  return value != null && value > 0 ? value : null
}

export function sortHosts (hosts: HostStats[] | undefined): HostStats[] {
  return [...(hosts ?? [])].sort((a, b) => compare(a.host, b.host))
}

export function sortSeries (points: SeriesPoint[] | undefined): SeriesPoint[] {
  return [...(points ?? [])].sort((a, b) => compare(a.host, b.host) || a.startMs - b.startMs)
}

export function sortErrors (errors: ErrorClassCount[] | undefined): ErrorClassCount[] {
  return [...(errors ?? [])].sort((a, b) => compare(a.host, b.host) || b.count - a.count || compare(a.errorClass, b.errorClass))
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
