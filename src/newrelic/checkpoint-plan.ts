/**
 * Which NRQL queries a checkpoint needs, chunked to New Relic's limits.
 *
 * Facet arithmetic (FACET_LIMIT = 5,000 facets per query):
 * - host stats (FACET appName, host): before we know host counts we put
 *   HOST_QUERY_APPS = 100 apps in a query, room for 50 hosts per app on average;
 * - error classes (FACET appName, host, error.class): ERROR_QUERY_APPS = 25 apps,
 *   room for 200 host x class pairs per app;
 * - slow counts (FACET appName, host): with known hosts, packed to <= 5,000 app x host pairs,
 *   at most MAX_SLOW_FILTERS distinct thresholds per query;
 * - side latency (FACET appName): one facet per app; the `host IN` list (union of
 *   the apps' side hosts) is capped at MAX_LIST_ITEMS;
 * - series (FACET appName, host TIMESERIES): app x host pairs x buckets <= 5,000,
 *   so with 61 buckets (1 h window, 1-minute buckets) 81 pairs fit in a query, with
 *   241 buckets (8 h window, 2-minute buckets) 20 pairs; an app with more hosts than
 *   that is split over several queries by host (its counts add up per host).
 * A query that still comes back with 5,000 facets is split and re-run (run-specs.ts).
 */
import { packApps, slices, type AppHosts } from './chunk.ts'
import { FACET_LIMIT } from './limits.ts'
import { MAX_LIST_ITEMS, MAX_SLOW_FILTERS } from './nrql.ts'
import type { QuerySpec } from './run-specs.ts'

export const HOST_QUERY_APPS = 100
export const ERROR_QUERY_APPS = 25

/** A time interval [since, until), epoch ms. */
export interface Interval {
  since: number
  until: number
}

/**
 * Host stats, each host's p95 and error classes over one interval: needs nothing but app names.
 * The p95s tell a slow existing host from the others (judge/outliers.ts), before the rollout for
 * the slow threshold and in the window for the latency baseline, and give each new host its own.
 */
export function intervalSpecs (name: string, apps: string[], interval: Interval): QuerySpec[] {
  return [...countSpecs(name, apps, interval), ...hostLatencySpecs(name, apps, interval)]
}

/**
 * Host stats and error classes over one interval: counts that add up, so an incremental
 * checkpoint reads them over the new interval only and merges (carry.ts).
 */
export function countSpecs (name: string, apps: string[], interval: Interval): QuerySpec[] {
  const values = { since: interval.since, until: interval.until }
  return [
    ...slices(apps, HOST_QUERY_APPS).map(chunk => ({ tag: `hosts.${name}`, template: 'host-stats' as const, apps: chunk, values })),
    ...slices(apps, ERROR_QUERY_APPS).map(chunk => ({ tag: `errors.${name}`, template: 'error-classes' as const, apps: chunk, values }))
  ]
}

/** Each host's p95 over one interval: a percentile, so always over the whole interval wanted. */
export function hostLatencySpecs (name: string, apps: string[], interval: Interval): QuerySpec[] {
  const values = { since: interval.since, until: interval.until }
  return slices(apps, HOST_QUERY_APPS).map(chunk => ({ tag: `latency.${name}`, template: 'host-latency' as const, apps: chunk, values }))
}

/**
 * Duration percentiles and counts of one side per app over an interval, for apps
 * with at least one reported host on that side. Percentiles do not add up, so an
 * app's side is never split across queries.
 */
export function sideSpecs (tag: string, interval: Interval, sides: AppHosts[]): QuerySpec[] {
  const packs = packApps(
    sides, { maxApps: MAX_LIST_ITEMS, maxHosts: MAX_LIST_ITEMS, maxFacets: FACET_LIMIT, facetsPerHost: 0, splitApp: false }
  )
  return packs.map(pack => ({
    tag, template: 'side-latency', apps: pack.apps, hosts: pack.hosts, values: { since: interval.since, until: interval.until }
  }))
}

/**
 * SINCE of a TIMESERIES over `window`: New Relic anchors the buckets on UNTIL and moves the
 * start forward to the first full bucket, so a window that is not a whole number of buckets
 * would silently lose its first minutes (or seconds). Starting a whole number of buckets before
 * UNTIL, `until - ceil((until - since) / bucket) x bucket`, asks for buckets New Relic will not
 * trim; the first may start before the window, and the fetcher drops it (readSeries).
 */
export function seriesSince (window: Interval, bucketMinutes: number): number {
  const bucketMs = bucketMinutes * 60_000
  return window.until - Math.ceil((window.until - window.since) / bucketMs) * bucketMs
}

/** Per app, host and bucket over the window, for apps with reported hosts. */
export function seriesSpecs (window: Interval, bucketMinutes: number, buckets: number, hosts: AppHosts[], tag = 'series'): QuerySpec[] {
  const since = Math.max(0, seriesSince(window, bucketMinutes))
  const packs = packApps(
    hosts, { maxApps: MAX_LIST_ITEMS, maxHosts: MAX_LIST_ITEMS, maxFacets: FACET_LIMIT, facetsPerHost: buckets, splitApp: true }
  )
  return packs.map(pack => ({
    tag,
    template: 'host-series',
    apps: pack.apps,
    hosts: pack.hosts,
    values: { since, until: window.until, bucketMinutes }
  }))
}

/**
 * Slow counts per app and host over the window. Apps are packed as for host stats (to
 * the facet limit with `hosts` known, else HOST_QUERY_APPS per query); each pack is cut
 * where it would need more than MAX_SLOW_FILTERS distinct thresholds, and its query
 * carries one filter per threshold (`values.slowFilters`), so apps with their own
 * thresholds still share queries: 200 apps cost about 10 queries, not 200.
 */
export function slowSpecs (
  window: Interval, thresholds: Map<string, number>, hosts?: Map<string, readonly string[]>, tag = 'slow'
): QuerySpec[] {
  const apps = [...thresholds.keys()]
  const packs = hosts === undefined
    ? slices(apps, HOST_QUERY_APPS)
    : packApps(apps.map(app => ({ app, hosts: hosts.get(app) ?? [] })), {
      maxApps: MAX_LIST_ITEMS, maxHosts: FACET_LIMIT, maxFacets: FACET_LIMIT, facetsPerHost: 1, splitApp: false
    }).map(pack => pack.apps)
  const specs: QuerySpec[] = []
  for (const pack of packs) {
    let chunk: string[] = []
    let distinct: number[] = []
    const flush = (): void => {
      if (chunk.length > 0) {
        specs.push({
          tag, template: 'slow-count', apps: chunk, values: { since: window.since, until: window.until, slowFilters: distinct }
        })
      }
      chunk = []
      distinct = []
    }
    for (const app of pack) {
      const t = thresholds.get(app) as number
      if (!distinct.includes(t) && distinct.length === MAX_SLOW_FILTERS) flush()
      if (!distinct.includes(t)) distinct.push(t)
      chunk.push(app)
    }
    flush()
  }
  return specs
}
