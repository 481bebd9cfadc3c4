/**
 * Host names are compared case-insensitively: the .NET agent reports the Windows
 * host name as Windows spells it, while people type it however they like.
 */
export function hostKey (host: string): string {
  return host.trim().toLowerCase()
}

export interface HostSplit {
  /** Reported names that are canary hosts. */
  canary: string[]
  /** Reported names that are baseline hosts. */
  baseline: string[]
}

/**
 * Splits the host names an app reported into canary and baseline.
 * Without configured baseline hosts, every reporting host that is not a canary is baseline.
 */
export function splitHosts (reported: Iterable<string>, canaryHosts: string[], baselineHosts: string[] | null): HostSplit {
  const canaryKeys = new Set(canaryHosts.map(hostKey))
  const baselineKeys = baselineHosts === null ? null : new Set(baselineHosts.map(hostKey))
  const split: HostSplit = { canary: [], baseline: [] }
  for (const host of new Set(reported)) {
    const key = hostKey(host)
    if (canaryKeys.has(key)) split.canary.push(host)
    else if (baselineKeys === null || baselineKeys.has(key)) split.baseline.push(host)
  }
  split.canary.sort()
  split.baseline.sort()
  return split
}

/**
 * How the data spells each host, by key: the spelling with the most transactions (window
 * and pre-window, all apps), ties to the first in sort order. Results name hosts the way
 * New Relic reports them, whatever case the request used.
 */
export function reportedSpellings (rows: Iterable<{ host: string, count: number }>): Map<string, string> {
  const counts = new Map<string, Map<string, number>>()
  for (const row of rows) {
    const key = hostKey(row.host)
    let byName = counts.get(key)
    if (byName === undefined) counts.set(key, byName = new Map())
    const n = typeof row.count === 'number' && Number.isFinite(row.count) && row.count > 0 ? row.count : 0
    byName.set(row.host, (byName.get(row.host) ?? 0) + n)
  }
  const out = new Map<string, string>()
  for (const [key, byName] of counts) {
    const [best] = [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    out.set(key, best[0])
  }
  return out
}

/** Configured host names in the data's spelling; a host the data never reported keeps the request's. */
export function asReported (hosts: string[], spellings: Map<string, string>): string[] {
  return hosts.map(h => spellings.get(hostKey(h)) ?? h)
}
