/**
 * The scenario compiled for generation: times as epoch ms, defaults applied,
 * error classes numbered per app, and the per-(app, host, minute) parameters
 * the generator draws from.
 */
import { entityIds } from './entity.ts'
import type { Scenario } from './scenario.ts'
import { parseIsoWithOffset, HOUR_MS, MINUTE_MS } from './time.ts'

export interface EffectModel {
  from: number
  until: number
  errorRateMultiplier: number
  latencyMultiplier: number
  trafficMultiplier: number
  /** [class index into AppModel.classes, probability per transaction]. */
  newErrors: Array<[number, number]>
  reporting: boolean
}

export interface HostModel {
  name: string
  weight: number
  joins: number
  leaves: number
  effects: EffectModel[]
  /**
   * Ascending instants not on a whole minute where this host's parameters change
   * (any host of the app joining or leaving, one of its effects starting or ending):
   * a minute containing one is generated in segments.
   */
  cuts: number[]
}

export interface AppModel {
  index: number
  name: string
  throughputRpm: number
  medianS: number
  sigma: number
  errorRate: number
  diurnal: number
  /** Base classes first (by share), then every class any effect adds. */
  classes: string[]
  messages: string[]
  /** Cumulative shares of the base classes (length = number of base classes). */
  baseCumShares: number[]
  hosts: HostModel[]
  /** The APM entity: guid, REST application id and tags (values always lists). */
  guid: string
  applicationId: number
  tags: Array<{ key: string, values: string[] }>
  /** Events kept per host and minute by the agents' reservoirs; null: all of them. */
  txnEventsPerMinute: number | null
  errorEventsPerMinute: number | null
}

export interface Model {
  name: string
  accountId: number
  seed: number
  from: number
  until: number
  apps: AppModel[]
}

/** What one host of one app does during one minute. */
export interface MinuteParams {
  /** Expected transactions in the minute (served, whether reported or not). */
  mean: number
  reporting: boolean
  errorProbability: number
  medianS: number
  sigma: number
  /** [class index, probability]; empty most of the time. */
  newErrors: Array<[number, number]>
}

/** Transaction names and how often each occurs; the same for every app. */
export const TRANSACTION_NAMES = [
  'WebTransaction/MVC/Home/Index',
  'WebTransaction/MVC/Api/Get',
  'WebTransaction/MVC/Api/Post',
  'WebTransaction/MVC/Account/Login',
  'WebTransaction/ASP/healthcheck.aspx'
]
export const TRANSACTION_NAME_CUM = [0.35, 0.6, 0.8, 0.92, 1]

const KNOWN_MESSAGES: Record<string, string> = {
  Exception: 'An unhandled exception occurred.',
  'System.Net.WebException': 'The remote server returned an error: (500) Internal Server Error.',
  'System.TimeoutException': 'The operation has timed out.',
  'System.IO.DirectoryNotFoundException': "Could not find a part of the path 'D:\\inetpub\\wwwroot\\App_Data\\cache'.",
  'System.Data.SqlClient.SqlException': 'Execution Timeout Expired. ' +
    'The timeout period elapsed prior to completion of the operation or the server is not responding.',
  'System.NullReferenceException': 'Object reference not set to an instance of an object.',
  'System.Web.HttpException': 'The client disconnected.',
  'System.UnauthorizedAccessException': 'Access to the path is denied.'
}

function messageFor (cls: string): string {
  return KNOWN_MESSAGES[cls] ?? `${cls} was thrown.`
}

function timeOr (text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback
  return parseIsoWithOffset(text) as number
}

/** Compiles a validated scenario. */
export function buildModel (s: Scenario): Model {
  const from = parseIsoWithOffset(s.from) as number
  const until = parseIsoWithOffset(s.until) as number
  const ids = entityIds(s.accountId, s.apps)
  const apps = s.apps.map((a, index): AppModel => {
    const shares = Object.entries(a.errors ?? {})
    const baseShares = shares.length === 0 ? [['Exception', 1] as [string, number]] : shares
    const classes = baseShares.map(([c]) => c)
    const baseCumShares: number[] = []
    let acc = 0
    for (const [, share] of baseShares) {
      acc += share
      baseCumShares.push(acc)
    }
    baseCumShares[baseCumShares.length - 1] = 1
    const classIndex = (cls: string): number => {
      const at = classes.indexOf(cls)
      if (at >= 0) return at
      classes.push(cls)
      return classes.length - 1
    }
    const hosts = a.hosts.map((h): HostModel => ({
      name: h.name,
      weight: h.weight ?? 1,
      joins: timeOr(h.joins, -Infinity),
      leaves: timeOr(h.leaves, Infinity),
      effects: [],
      cuts: []
    }))
    for (const e of a.effects ?? []) {
      const host = hosts.find(h => h.name === e.host) as HostModel
      host.effects.push({
        // Unbounded by default: the same inside the window, and whole edge minutes of a
        // window that is not on whole minutes (their events are trimmed to the window).
        from: timeOr(e.from, -Infinity),
        until: timeOr(e.until, Infinity),
        errorRateMultiplier: e.errorRateMultiplier ?? 1,
        latencyMultiplier: e.latencyMultiplier ?? 1,
        trafficMultiplier: e.trafficMultiplier ?? 1,
        newErrors: Object.entries(e.newErrors ?? {}).map(([c, p]) => [classIndex(c), p]),
        reporting: e.reporting ?? true
      })
    }
    const changes = hosts.flatMap(h => [h.joins, h.leaves])
    for (const h of hosts) {
      const times = [...changes, ...h.effects.flatMap(e => [e.from, e.until])]
        .filter(x => Number.isFinite(x) && x % MINUTE_MS !== 0)
      h.cuts = [...new Set(times)].sort((x, y) => x - y)
    }
    return {
      index,
      name: a.name,
      throughputRpm: a.throughputRpm,
      medianS: a.latency.medianMs / 1000,
      sigma: a.latency.sigma,
      errorRate: a.errorRate ?? 0,
      diurnal: a.diurnal ?? 0,
      classes,
      messages: classes.map(messageFor),
      baseCumShares,
      hosts,
      guid: ids[index].guid,
      applicationId: ids[index].applicationId,
      tags: Object.entries(a.tags ?? {}).map(([key, v]) => ({ key, values: Array.isArray(v) ? [...v] : [v] })),
      txnEventsPerMinute: a.agent?.transactionEventsPerMinute ?? null,
      errorEventsPerMinute: a.agent?.errorEventsPerMinute ?? null
    }
  })
  return { name: s.name, accountId: s.accountId, seed: s.seed, from, until, apps }
}

/** Traffic factor of a 24-hour sine peaking at 12:00 UTC. */
function diurnalFactor (amplitude: number, at: number): number {
  if (amplitude === 0) return 1
  const hourOfDay = (at % (24 * HOUR_MS)) / HOUR_MS
  return 1 + amplitude * Math.sin(2 * Math.PI * (hourOfDay - 6) / 24)
}

function serves (h: HostModel, at: number): boolean {
  return h.joins <= at && at < h.leaves
}

/** Parameters of one (app, host, minute); the minute is given by its start (epoch ms). */
export function minuteParams (app: AppModel, hostIndex: number, minuteStart: number): MinuteParams {
  return paramsAt(app, hostIndex, minuteStart, minuteStart + 30_000)
}

/**
 * Parameters of (app, host) from instant `at` until the next change (a whole
 * minute or one of the host's cuts); `mean` is per whole minute. The diurnal
 * factor is taken at `diurnalAt` (the middle of the minute).
 */
export function paramsAt (app: AppModel, hostIndex: number, at: number, diurnalAt: number): MinuteParams {
  const host = app.hosts[hostIndex]
  let totalWeight = 0
  for (const h of app.hosts) if (serves(h, at)) totalWeight += h.weight
  let errMult = 1
  let latMult = 1
  let trafMult = 1
  let reporting = true
  let newErrors: Array<[number, number]> = []
  for (const e of host.effects) {
    if (e.from > at || at >= e.until) continue
    errMult *= e.errorRateMultiplier
    latMult *= e.latencyMultiplier
    trafMult *= e.trafficMultiplier
    if (!e.reporting) reporting = false
    if (e.newErrors.length > 0) newErrors = addNewErrors(newErrors, e.newErrors)
  }
  const serving = serves(host, at) && totalWeight > 0
  const mean = serving
    ? app.throughputRpm * host.weight / totalWeight * trafMult * diurnalFactor(app.diurnal, diurnalAt)
    : 0
  return {
    mean,
    reporting,
    errorProbability: Math.min(1, app.errorRate * errMult),
    medianS: app.medianS * latMult,
    sigma: app.sigma,
    newErrors
  }
}

/** Several effects on one minute add their newErrors probabilities (capped at 1). */
function addNewErrors (into: Array<[number, number]>, add: Array<[number, number]>): Array<[number, number]> {
  const out = into.map(([c, p]): [number, number] => [c, p])
  for (const [c, p] of add) {
    const existing = out.find(x => x[0] === c)
    if (existing === undefined) out.push([c, Math.min(1, p)])
    else existing[1] = Math.min(1, existing[1] + p)
  }
  return out
}
