/**
 * Packing apps into queries so each query stays within New Relic's limits: facets
 * (apps x hosts, or apps x hosts x buckets for TIMESERIES), items in one IN list.
 */

export interface AppHosts {
  app: string
  /** The app's reported hosts relevant to the query. */
  hosts: readonly string[]
}

export interface Pack {
  apps: string[]
  /** Union of the packed apps' hosts (sorted), for `host IN (...)`. */
  hosts: string[]
}

export interface PackLimits {
  /** Most apps in one query (the `appName IN` list). */
  maxApps: number
  /** Most distinct hosts in one query (the `host IN` list). */
  maxHosts: number
  /** Most facet rows one query may produce. */
  maxFacets: number
  /** Facet rows per reported host: 1, or the bucket count for TIMESERIES. */
  facetsPerHost: number
  /**
   * May one app's hosts be spread over several queries? Only when the query's values
   * add up across hosts (counts, per-host series), never for percentiles of a side.
   */
  splitApp: boolean
}

/**
 * Packs apps in order, greedily: a query takes the next app while its apps, host
 * union and facet rows stay within limits. An app too big for one query gets its
 * own query, or (splitApp) several with slices of its hosts. Apps without hosts are
 * left out: they have nothing to query.
 */
export function packApps (items: readonly AppHosts[], limits: PackLimits): Pack[] {
  const packs: Pack[] = []
  const hostsPerQuery = Math.max(1, Math.min(limits.maxHosts, Math.floor(limits.maxFacets / limits.facetsPerHost)))
  let apps: string[] = []
  let hosts = new Set<string>()
  let facets = 0
  const flush = (): void => {
    if (apps.length > 0) packs.push({ apps, hosts: [...hosts].sort() })
    apps = []
    hosts = new Set()
    facets = 0
  }
  for (const item of items) {
    const own = new Set(item.hosts)
    if (own.size === 0) continue
    const itemFacets = own.size * limits.facetsPerHost
    if (own.size > hostsPerQuery) {
      flush() // keep apps in request order
      const sorted = [...own].sort()
      if (!limits.splitApp) {
        packs.push({ apps: [item.app], hosts: sorted })
        continue
      }
      for (let i = 0; i < sorted.length; i += hostsPerQuery) packs.push({ apps: [item.app], hosts: sorted.slice(i, i + hostsPerQuery) })
      continue
    }
    const union = new Set([...hosts, ...own])
    if (apps.length >= limits.maxApps || union.size > limits.maxHosts || facets + itemFacets > limits.maxFacets) {
      flush()
      for (const h of own) hosts.add(h)
    } else {
      hosts = union
    }
    apps.push(item.app)
    facets += itemFacets
  }
  flush()
  return packs
}

/** Splits a list into slices of at most `size`. */
export function slices<T> (list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}
