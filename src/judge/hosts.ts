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
