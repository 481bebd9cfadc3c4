/**
 * Splits one app's data into canary and baseline totals: the numbers every check uses.
 */
import type { AppData, ErrorClassCount, HostStats } from './input.ts'
import { hostKey, splitHosts } from './hosts.ts'

export interface SideTotals {
  /** Reported host names of this side that served transactions. */
  hosts: string[]
  count: number
  errors: number
}

export interface AppSides {
  /** Configured canary names (as given). */
  configuredCanary: string[]
  canary: SideTotals
  baseline: SideTotals
  /** Same split over the pre-window. */
  preCanary: SideTotals
  preBaseline: SideTotals
  /** Transactions in the pre-window on hosts that are not canaries (baseline or not). */
  preOtherCount: number
  isCanary: (host: string) => boolean
  isBaseline: (host: string) => boolean
}

/** Canary/baseline totals of an app, hosts matched case-insensitively. */
export function appSides (data: AppData, canaryHosts: string[], baselineHosts: string[] | null): AppSides {
  const canaryKeys = new Set(canaryHosts.map(hostKey))
  const windowSplit = splitHosts(data.window.hosts.map(h => h.host), canaryHosts, baselineHosts)
  const preSplit = splitHosts(data.pre.hosts.map(h => h.host), canaryHosts, baselineHosts)
  const baselineKeys = new Set([...windowSplit.baseline, ...preSplit.baseline].map(hostKey))
  const preOtherCount = sum(data.pre.hosts.filter(h => !canaryKeys.has(hostKey(h.host))), 'count')
  return {
    configuredCanary: canaryHosts,
    canary: totals(data.window.hosts, windowSplit.canary),
    baseline: totals(data.window.hosts, windowSplit.baseline),
    preCanary: totals(data.pre.hosts, preSplit.canary),
    preBaseline: totals(data.pre.hosts, preSplit.baseline),
    preOtherCount,
    isCanary: memo(host => canaryKeys.has(hostKey(host))),
    isBaseline: memo(host => baselineKeys.has(hostKey(host)) || (baselineHosts === null && !canaryKeys.has(hostKey(host))))
  }
}

function totals (rows: HostStats[], names: string[]): SideTotals {
  const wanted = new Set(names)
  let count = 0
  let errors = 0
  const hosts = new Set<string>()
  for (const row of rows) {
    if (!wanted.has(row.host)) continue
    const c = clean(row.count)
    count += c
    errors += Math.min(clean(row.errors), c)
    if (c > 0) hosts.add(row.host)
  }
  return { hosts: [...hosts].sort(), count, errors }
}

function sum (rows: HostStats[], key: 'count' | 'errors'): number {
  return rows.reduce((a, r) => a + clean(r[key]), 0)
}

/** Counts must be non-negative finite numbers; anything else counts as 0. */
export function clean (v: number | null | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0
}

/** Error class occurrences summed per class for the hosts that pass `keep`. */
export function classCounts (rows: ErrorClassCount[], keep: (host: string) => boolean): Map<string, number> {
  const out = new Map<string, number>()
  for (const row of rows) {
    if (!keep(row.host)) continue
    const c = clean(row.count)
    if (c > 0) out.set(row.errorClass, (out.get(row.errorClass) ?? 0) + c)
  }
  return out
}

/** Series have a point per host and minute: classify each host name once. */
function memo (f: (host: string) => boolean): (host: string) => boolean {
  const seen = new Map<string, boolean>()
  return host => {
    let v = seen.get(host)
    if (v === undefined) { v = f(host); seen.set(host, v) }
    return v
  }
}
