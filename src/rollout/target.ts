import type { Config } from '../config.ts'
import { BadRequestError } from '../errors.ts'
import { hostKey } from '../judge/hosts.ts'
import { nonBlockingWays, type NonBlocking } from '../judge/non-blocking.ts'
import { MAX_NAME_LENGTH } from '../schemas/name-rule.ts'
import { normalizeApp, resolvePolicy, type AppRef, type AppSpec, type Policy, type Thresholds } from '../schemas/thresholds.ts'

/** A validated description of what to compare: the part analyses and rollouts share. */
export interface Target {
  accountId: number
  /** The caller named the account (else it is NEW_RELIC_ACCOUNT_ID): whose mistake an unreadable one is. */
  accountFromRequest?: boolean
  apps: AppSpec[]
  canaryHosts: string[]
  baselineHosts: string[] | null
  policy?: Policy
  thresholds?: Thresholds
}

export interface TargetInput {
  accountId?: number
  /** Absent (rollouts only): the apps the baseline hosts served, found at creation. */
  apps?: AppRef[]
  canaryHosts: string[]
  baselineHosts?: string[]
  policy?: Policy
  thresholds?: Thresholds
}

/**
 * Checks what JSON Schema cannot: configured caps, duplicates, overlaps and the
 * default account. Every refusal names the field so a caller can fix it.
 */
export function validateTarget (input: TargetInput, config: Config): Target {
  if (input.apps === undefined && input.baselineHosts === undefined) {
    throw new BadRequestError('body.apps is required unless body.baselineHosts is given ' +
      '(then the apps are those the baseline hosts served)')
  }
  const apps = (input.apps ?? []).map(normalizeApp)
  if (apps.length > config.GONOGO_MAX_APPS) {
    throw new BadRequestError(`body.apps has ${apps.length} apps; at most ${config.GONOGO_MAX_APPS} are allowed (GONOGO_MAX_APPS)`)
  }
  const seen = new Set<string>()
  for (const [i, app] of apps.entries()) {
    if (app.name.trim() !== app.name) throw new BadRequestError(`body.apps.${i} name "${app.name}" has leading or trailing spaces`)
    if (!wellFormed(app.name)) throw new BadRequestError(`body.apps.${i} name is not well-formed Unicode (a lone surrogate)`)
    if (tooLong(app.name)) throw new BadRequestError(`body.apps.${i} name is ${app.name.length} UTF-16 code units long; NRQL takes at most ${MAX_NAME_LENGTH}`)
    if (seen.has(app.name)) throw new BadRequestError(`body.apps.${i} "${app.name}" is listed twice`)
    seen.add(app.name)
  }
  const canaryHosts = uniqueHosts(input.canaryHosts, 'canaryHosts', config)
  const baselineHosts = input.baselineHosts === undefined ? null : uniqueHosts(input.baselineHosts, 'baselineHosts', config)
  if (baselineHosts !== null) {
    const canaryKeys = new Set(canaryHosts.map(hostKey))
    const both = baselineHosts.find(h => canaryKeys.has(hostKey(h)))
    if (both !== undefined) throw new BadRequestError(`body.baselineHosts names "${both}", which is also a canary host`)
  }
  refuseNonBlocking(input.policy)
  const accountId = input.accountId ?? config.NEW_RELIC_ACCOUNT_ID
  if (accountId === undefined) {
    throw new BadRequestError('body.accountId is required because NEW_RELIC_ACCOUNT_ID is not configured')
  }
  return { accountId, accountFromRequest: input.accountId !== undefined, apps, canaryHosts, baselineHosts, policy: input.policy, thresholds: input.thresholds }
}

const NON_BLOCKING_REFUSAL: Record<NonBlocking, string> = {
  'never-no-go': 'body.policy.noGoOn is empty, so no verdict could ever make the recommendation NO_GO',
  'fail-passes': 'body.policy.noGoOn leaves out FAIL, so an app that fails its checks could never make the recommendation NO_GO',
  'go-unjudged': 'body.policy.inconclusiveOn "never" makes the recommendation GO even when no app could be judged ' +
    '(unless body.policy.noGoOn has INCONCLUSIVE)'
}

/** A policy that can never block is a 400 unless the caller says they mean it. */
function refuseNonBlocking (policy: Policy | undefined): void {
  if (policy === undefined || policy.allowNonBlocking === true) return
  const ways = nonBlockingWays(resolvePolicy(policy))
  if (ways.length === 0) return
  throw new BadRequestError(`${NON_BLOCKING_REFUSAL[ways[0]]}; give body.policy.allowNonBlocking: true if that is meant`)
}

function uniqueHosts (hosts: string[], field: string, config: Config): string[] {
  if (hosts.length > config.GONOGO_MAX_HOSTS) {
    throw new BadRequestError(`body.${field} has ${hosts.length} hosts; at most ${config.GONOGO_MAX_HOSTS} are allowed (GONOGO_MAX_HOSTS)`)
  }
  const seen = new Map<string, string>()
  for (const [i, host] of hosts.entries()) {
    if (host.trim() !== host || host.length === 0) throw new BadRequestError(`body.${field}.${i} "${host}" has leading or trailing spaces`)
    if (!wellFormed(host)) throw new BadRequestError(`body.${field}.${i} is not well-formed Unicode (a lone surrogate)`)
    if (tooLong(host)) throw new BadRequestError(`body.${field}.${i} is ${host.length} UTF-16 code units long; NRQL takes at most ${MAX_NAME_LENGTH}`)
    const key = hostKey(host)
    if (seen.has(key)) throw new BadRequestError(`body.${field}.${i} "${host}" repeats "${seen.get(key) ?? host}" (host names are matched case-insensitively)`)
    seen.set(key, host)
  }
  return hosts
}

/** JSON Schema's maxLength counts code points; NRQL counts UTF-16 units, so 200 emoji pass one and not the other. */
function tooLong (s: string): boolean {
  return s.length > MAX_NAME_LENGTH
}

/** False for strings with a lone UTF-16 surrogate, which no JSON consumer can round-trip. */
function wellFormed (s: string): boolean {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false
  }
}

/** No New Relic data is older than this (the product did not exist), nor newer than EARLIEST + a lifetime. */
const EARLIEST = Date.UTC(2000, 0, 1)
const LATEST = Date.UTC(2200, 0, 1)

/** Parses an ISO-8601 time already checked by the schema; refuses what Date cannot read and absurd years. */
export function parseTime (value: string, field: string): number {
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) throw new BadRequestError(`body.${field} "${value}" is not a date-time`)
  if (ms < EARLIEST || ms >= LATEST) throw new BadRequestError(`body.${field} "${value}" is outside 2000-2199: no New Relic data can exist then`)
  return ms
}

/** Checks a window: ordered, bounded, not in the future (beyond a little clock skew). */
export function validateWindow (from: number, until: number, names: [string, string], config: Config, now: number, allowFuture = false): void {
  if (until <= from) throw new BadRequestError(`body.${names[1]} must be after body.${names[0]}`)
  const hours = (until - from) / 3_600_000
  if (hours > config.GONOGO_MAX_WINDOW_HOURS) {
    throw new BadRequestError(`the window from body.${names[0]} to body.${names[1]} is ${formatHours(hours)} hours; at most ${config.GONOGO_MAX_WINDOW_HOURS} are allowed (GONOGO_MAX_WINDOW_HOURS)`)
  }
  if (!allowFuture && from >= now) throw new BadRequestError(`body.${names[0]} is in the future: there is no data yet`)
}

/** 72.0003 -> "72.0003", not a "72.0" that reads as allowed. */
function formatHours (h: number): string {
  for (let d = 1; d <= 6; d++) {
    const s = h.toFixed(d)
    if (Number(s) !== Math.round(h) || Math.abs(h - Math.round(h)) < 1e-9 || d === 6) return s
  }
  return String(h)
}
