/**
 * Scenario files (see docs/scenario-format.md): types, validation with messages
 * that name the offending field, relative times, and loading from JSON or YAML.
 * Long because every field's check and message lives here (the additions' app
 * fields are in scenario-extras.ts).
 */
import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import { looksRelative, resolveRelativeTime } from './relative-time.ts'
import { checkAgent, checkGuid, checkTags } from './scenario-extras.ts'
import type { ScenarioAgent, ScenarioTags } from './scenario-extras.ts'
import { ScenarioError } from './scenario-error.ts'
import { parseIsoWithOffset } from './time.ts'

export { ScenarioError } from './scenario-error.ts'
export type { ScenarioAgent, ScenarioTags } from './scenario-extras.ts'

export interface ScenarioLatency {
  medianMs: number
  sigma: number
}

export interface ScenarioHost {
  name: string
  weight?: number
  joins?: string
  leaves?: string
}

export interface ScenarioEffect {
  host: string
  from?: string
  until?: string
  errorRateMultiplier?: number
  latencyMultiplier?: number
  trafficMultiplier?: number
  newErrors?: Record<string, number>
  reporting?: boolean
}

export interface ScenarioApp {
  name: string
  throughputRpm: number
  latency: ScenarioLatency
  /** Probability that a transaction is an error; absent means 0. */
  errorRate?: number
  errors?: Record<string, number>
  diurnal?: number
  hosts: ScenarioHost[]
  effects?: ScenarioEffect[]
  /** The APM entity's tags, served by NerdGraph entitySearch. */
  tags?: ScenarioTags
  /** The entity guid; absent: derived from the account and the name. */
  guid?: string
  /** How the agents sample events per host and minute. */
  agent?: ScenarioAgent
}

/** A scenario exactly as written in the file format (optional fields stay optional). */
export interface Scenario {
  name: string
  accountId: number
  seed: number
  from: string
  until: string
  apps: ScenarioApp[]
}

/** How a scenario is read. */
export interface ScenarioLoadOptions {
  /**
   * The loading moment (epoch ms) that relative times (`now`, `now-3h`...) count from,
   * floored to the whole minute. Default: Date.now().
   */
  now?: number
}

const SHARE_TOLERANCE = 1e-6

/**
 * Upper bounds that keep generation finite and in memory (documented in
 * scenario-format.md). Every number must also be finite: JSON's `1e400` parses
 * as Infinity and is refused like any other out-of-range value.
 */
export const LIMITS = {
  /** Transactions per minute of one app, and of one host with its trafficMultipliers in force. */
  throughputRpm: 1_000_000,
  weight: 1_000_000,
  /** One hour. */
  medianMs: 3_600_000,
  sigma: 5,
  errorRateMultiplier: 1_000_000,
  latencyMultiplier: 1000,
  trafficMultiplier: 1000
} as const

type Obj = Record<string, unknown>

function isObj (v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function join (path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path === '' ? key : `${path}.${key}`
}

function object (v: unknown, path: string): Obj {
  if (!isObj(v)) throw new ScenarioError(path === '' ? 'scenario' : path, 'must be an object')
  return v
}

function onlyKnown (o: Obj, path: string, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) {
      throw new ScenarioError(join(path, key), `is not a known field (expected one of: ${known.join(', ')})`)
    }
  }
}

function required (o: Obj, key: string, path: string): unknown {
  if (o[key] === undefined || o[key] === null) throw new ScenarioError(join(path, key), 'is required')
  return o[key]
}

function str (v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw new ScenarioError(path, 'must be a non-empty string')
  return v
}

function num (v: unknown, path: string, min: number, minInclusive: boolean, max?: number): number {
  const okMin = typeof v === 'number' && Number.isFinite(v) && (minInclusive ? v >= min : v > min)
  if (!okMin || (max !== undefined && (v as number) > max)) {
    const range = `${minInclusive ? '>=' : '>'} ${min}${max === undefined ? '' : ` and at most ${max}`}`
    // JSON's 1e400 parses as Infinity, YAML has .inf and .nan: say what was read.
    const got = typeof v === 'number' && !Number.isFinite(v) ? ` (got ${String(v)})` : ''
    throw new ScenarioError(path, `must be a number ${range}${got}`)
  }
  return v as number
}

/** A probability or share. */
function prob (v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
    const got = typeof v === 'number' && !Number.isFinite(v) ? ` (got ${String(v)})` : ''
    throw new ScenarioError(path, `must be a number between 0 and 1${got}`)
  }
  return v
}

function int (v: unknown, path: string, positive: boolean): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || (positive && v <= 0)) {
    throw new ScenarioError(path, positive ? 'must be a positive integer' : 'must be an integer')
  }
  return v
}

function time (v: unknown, path: string): number {
  if (typeof v !== 'string') {
    throw new ScenarioError(path, 'must be an ISO-8601 time string with an offset or Z, or a relative time such as now-3h')
  }
  const ms = parseIsoWithOffset(v)
  if (ms === null) {
    throw new ScenarioError(path, 'must be an ISO-8601 time with an offset or Z (e.g. 2025-09-08T02:30:00Z) ' +
      `or a relative time (now, now-3h, now+90m, now-2d), got '${v}'`)
  }
  return ms
}

/**
 * A copy of the scenario with every relative time (`now-3h`...) in a time field replaced
 * by the ISO time it stands for, so that validation, the model and anyone re-reading the
 * result see one fixed instant (re-parsing the result later resolves nothing again).
 * Fields of the wrong shape are left for validation to report.
 */
function resolveRelativeTimes (obj: unknown, loadedAt: number): unknown {
  if (!isObj(obj)) return obj
  let copied = false
  const out = structuredClone(obj)
  const fix = (o: Obj, key: string, path: string): void => {
    const v = o[key]
    if (typeof v !== 'string' || !looksRelative(v)) return
    const ms = resolveRelativeTime(v, loadedAt)
    if (typeof ms === 'string') throw new ScenarioError(join(path, key), ms)
    o[key] = new Date(ms).toISOString()
    copied = true
  }
  fix(out, 'from', '')
  fix(out, 'until', '')
  if (Array.isArray(out.apps)) {
    out.apps.forEach((a: unknown, i: number) => {
      if (!isObj(a)) return
      const appPath = `apps[${i}]`
      for (const [list, keys] of [['hosts', ['joins', 'leaves']], ['effects', ['from', 'until']]] as const) {
        const items = a[list]
        if (!Array.isArray(items)) continue
        items.forEach((item: unknown, j: number) => {
          if (!isObj(item)) return
          for (const key of keys) fix(item, key, join(join(appPath, list), j))
        })
      }
    })
  }
  return copied ? out : obj
}

function optional<T> (o: Obj, key: string, path: string, check: (v: unknown, p: string) => T): T | undefined {
  const v = o[key]
  return v === undefined ? undefined : check(v, join(path, key))
}

function classMap (v: unknown, path: string, isShares: boolean): Record<string, number> {
  const o = object(v, path)
  let total = 0
  for (const [cls, value] of Object.entries(o)) {
    if (cls.trim() === '') throw new ScenarioError(path, 'must not have an empty class name')
    total += prob(value, join(path, cls))
  }
  if (isShares && Object.keys(o).length > 0 && Math.abs(total - 1) > SHARE_TOLERANCE) {
    throw new ScenarioError(path, `shares must sum to 1 (they sum to ${total})`)
  }
  return o as Record<string, number>
}

const TOP_FIELDS = ['name', 'accountId', 'seed', 'from', 'until', 'apps'] as const
const APP_FIELDS = [
  'name', 'throughputRpm', 'latency', 'errorRate', 'errors', 'diurnal', 'hosts', 'effects', 'tags', 'guid', 'agent'
] as const
const LATENCY_FIELDS = ['medianMs', 'sigma'] as const
const HOST_FIELDS = ['name', 'weight', 'joins', 'leaves'] as const
const EFFECT_FIELDS = [
  'host', 'from', 'until', 'errorRateMultiplier', 'latencyMultiplier', 'trafficMultiplier', 'newErrors', 'reporting'
] as const

function checkHost (v: unknown, path: string): void {
  const h = object(v, path)
  onlyKnown(h, path, HOST_FIELDS)
  str(required(h, 'name', path), join(path, 'name'))
  optional(h, 'weight', path, (x, p) => num(x, p, 0, false, LIMITS.weight))
  const joins = optional(h, 'joins', path, time)
  const leaves = optional(h, 'leaves', path, time)
  if (joins !== undefined && leaves !== undefined && leaves <= joins) {
    throw new ScenarioError(join(path, 'leaves'), 'must be after joins')
  }
}

/** An effect's host, range (defaults applied) and multipliers, for the checks across effects. */
interface CheckedEffect {
  path: string
  host: string
  from: number
  until: number
  errorRateMultiplier: number
  latencyMultiplier: number
  trafficMultiplier: number
}

const MULTIPLIERS = ['errorRateMultiplier', 'latencyMultiplier', 'trafficMultiplier'] as const

function checkEffect (v: unknown, path: string, hosts: Set<string>, window: [number, number]): CheckedEffect {
  const e = object(v, path)
  onlyKnown(e, path, EFFECT_FIELDS)
  const host = str(required(e, 'host', path), join(path, 'host'))
  if (!hosts.has(host)) {
    throw new ScenarioError(join(path, 'host'), `'${host}' is not one of this app's hosts (${[...hosts].join(', ')})`)
  }
  const givenFrom = optional(e, 'from', path, time)
  const givenUntil = optional(e, 'until', path, time)
  const from = givenFrom ?? window[0]
  const until = givenUntil ?? window[1]
  if (until <= from) {
    // Name the field that was written: a default cannot be the culprit.
    if (givenUntil === undefined) {
      throw new ScenarioError(
        join(path, 'from'),
        `must be before the scenario's until (${new Date(window[1]).toISOString()}) when the effect has no until`
      )
    }
    if (givenFrom === undefined) {
      throw new ScenarioError(
        join(path, 'until'),
        `must be after the scenario's from (${new Date(window[0]).toISOString()}) when the effect has no from`
      )
    }
    throw new ScenarioError(join(path, 'until'), 'must be after from')
  }
  const checked: CheckedEffect = { path, host, from, until, errorRateMultiplier: 1, latencyMultiplier: 1, trafficMultiplier: 1 }
  for (const key of MULTIPLIERS) {
    checked[key] = optional(e, key, path, (x, p) => num(x, p, 0, true, LIMITS[key])) ?? 1
  }
  optional(e, 'newErrors', path, (x, p) => classMap(x, p, false))
  optional(e, 'reporting', path, (x, p) => {
    if (typeof x !== 'boolean') throw new ScenarioError(p, 'must be true or false')
    return x
  })
  return checked
}

/**
 * Several effects in force at once on one host multiply their multipliers; the
 * products obey the same bounds as one multiplier (and the host's traffic the
 * throughput bound), so that no combination makes generation blow up.
 */
function checkCombinedEffects (effects: CheckedEffect[], rpm: number): void {
  for (const start of effects) {
    const inForce = effects.filter(e => e.host === start.host && e.from <= start.from && start.from < e.until)
    if (inForce.length < 2 && rpm * start.trafficMultiplier <= LIMITS.throughputRpm) continue
    // [multiplier, what the product gives, its maximum, how to say it]
    const bounds: Array<[typeof MULTIPLIERS[number], (product: number) => number, number, (value: number) => string]> = [
      [
        'errorRateMultiplier', p => p, LIMITS.errorRateMultiplier,
        v => `multiply the error rate by ${v}; the maximum is ${LIMITS.errorRateMultiplier}`
      ],
      ['latencyMultiplier', p => p, LIMITS.latencyMultiplier, v => `multiply latency by ${v}; the maximum is ${LIMITS.latencyMultiplier}`],
      [
        'trafficMultiplier', p => rpm * p, LIMITS.throughputRpm,
        v => `make host ${start.host} serve up to ${v} rpm (throughputRpm x trafficMultiplier); ` +
          `the maximum is ${LIMITS.throughputRpm} rpm per host`
      ]
    ]
    for (const [key, value, max, what] of bounds) {
      const v = value(inForce.reduce((acc, e) => acc * e[key], 1))
      if (v <= max) continue
      // Blame the last effect in force that raises the product.
      const culprit = [...inForce].reverse().find(e => e[key] > 1) ?? start
      const together = inForce.length > 1
        ? ` together with the other effects in force on host ${start.host} at ${new Date(start.from).toISOString()}`
        : ''
      throw new ScenarioError(join(culprit.path, key), `${together === '' ? '' : together.slice(1) + ' '}would ${what(v)}`)
    }
  }
}

function checkApp (v: unknown, path: string, window: [number, number]): string {
  const a = object(v, path)
  onlyKnown(a, path, APP_FIELDS)
  const name = str(required(a, 'name', path), join(path, 'name'))
  const rpm = num(required(a, 'throughputRpm', path), join(path, 'throughputRpm'), 0, false, LIMITS.throughputRpm)
  const latPath = join(path, 'latency')
  const lat = object(required(a, 'latency', path), latPath)
  onlyKnown(lat, latPath, LATENCY_FIELDS)
  num(required(lat, 'medianMs', latPath), join(latPath, 'medianMs'), 0, false, LIMITS.medianMs)
  num(required(lat, 'sigma', latPath), join(latPath, 'sigma'), 0, true, LIMITS.sigma)
  // errorRate may be absent (no errors): the format's own test files rely on it.
  optional(a, 'errorRate', path, prob)
  optional(a, 'errors', path, (x, p) => classMap(x, p, true))
  optional(a, 'diurnal', path, prob)
  optional(a, 'tags', path, checkTags)
  optional(a, 'guid', path, checkGuid)
  optional(a, 'agent', path, checkAgent)

  const hostsPath = join(path, 'hosts')
  const hosts = required(a, 'hosts', path)
  if (!Array.isArray(hosts) || hosts.length === 0) throw new ScenarioError(hostsPath, 'must be a non-empty array')
  const names = new Set<string>()
  hosts.forEach((h, i) => {
    const hp = join(hostsPath, i)
    checkHost(h, hp)
    const hostName = (h as ScenarioHost).name
    if (names.has(hostName)) throw new ScenarioError(join(hp, 'name'), `'${hostName}' is a duplicate host name in this app`)
    names.add(hostName)
  })

  const effects = a.effects
  if (effects !== undefined) {
    const effectsPath = join(path, 'effects')
    if (!Array.isArray(effects)) throw new ScenarioError(effectsPath, 'must be an array')
    checkCombinedEffects(effects.map((e, i) => checkEffect(e, join(effectsPath, i), names, window)), rpm)
  }
  return name
}

/**
 * Validates a scenario object (already parsed from JSON or YAML) and returns it
 * typed. Throws ScenarioError naming the first offending field. Relative times are
 * resolved against `opts.now`: the result holds ISO times in their place.
 */
export function parseScenario (obj: unknown, opts: ScenarioLoadOptions = {}): Scenario {
  const s = object(resolveRelativeTimes(obj, opts.now ?? Date.now()), '')
  onlyKnown(s, '', TOP_FIELDS)
  str(required(s, 'name', ''), 'name')
  int(required(s, 'accountId', ''), 'accountId', true)
  int(required(s, 'seed', ''), 'seed', false)
  const from = time(required(s, 'from', ''), 'from')
  const until = time(required(s, 'until', ''), 'until')
  if (until <= from) throw new ScenarioError('until', 'must be after from')
  const apps = required(s, 'apps', '')
  if (!Array.isArray(apps) || apps.length === 0) throw new ScenarioError('apps', 'must be a non-empty array')
  const names = new Set<string>()
  const guids = new Map<string, number>()
  apps.forEach((a, i) => {
    const name = checkApp(a, `apps[${i}]`, [from, until])
    if (names.has(name)) throw new ScenarioError(`apps[${i}].name`, `'${name}' is a duplicate app name`)
    names.add(name)
    const guid = (a as ScenarioApp).guid
    if (guid === undefined) return
    const other = guids.get(guid)
    if (other !== undefined) throw new ScenarioError(`apps[${i}].guid`, `'${guid}' is also the guid of apps[${other}]`)
    guids.set(guid, i)
  })
  return s as unknown as Scenario
}

/**
 * Reads and validates a scenario file. YAML when the extension is .yaml/.yml or
 * the text does not start like JSON; JSON otherwise.
 */
export function loadScenario (path: string, opts: ScenarioLoadOptions = {}): Scenario {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ScenarioError('', `cannot read scenario file ${path}: ${(err as Error).message}`)
  }
  const isYaml = /\.ya?ml$/i.test(path) || !/^\s*[{[]/.test(text)
  let obj: unknown
  try {
    obj = isYaml ? parseYaml(text) : JSON.parse(text)
  } catch (err) {
    throw new ScenarioError('', `scenario file ${path} is not valid ${isYaml ? 'YAML' : 'JSON'}: ${(err as Error).message}`)
  }
  return parseScenario(obj, opts)
}
