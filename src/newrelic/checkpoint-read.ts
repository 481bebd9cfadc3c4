/**
 * Turns NRQL rows of the checkpoint queries into the judge's shapes, grouped by app.
 * Rows for apps we did not ask about are ignored; odd values read as null or 0.
 */
import type { Answer } from './run-specs.ts'
import type { ErrorClassCount, HostStats, SeriesPoint } from '../judge/input.ts'
import { bucketStartMs, countOf, facetOf, numberOf, percentileOf, type Row } from './parse.ts'

/** Count and percentiles of one side of one app. */
export interface SideRow {
  count: number
  p50S: number | null
  p95S: number | null
  p99S: number | null
}

/** Appends `value` to the list under `key`. */
function push<T> (map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

/** host-stats rows -> HostStats per app. */
export function readHostStats (rows: Row[], into = new Map<string, HostStats[]>()): Map<string, HostStats[]> {
  for (const row of rows) {
    const facet = facetOf(row, ['appName', 'host'])
    if (facet === null) continue
    const count = countOf(row, 'count')
    push(into, facet.appName, {
      host: facet.host,
      count,
      errors: countOf(row, 'errors'),
      durationAvgS: count > 0 ? numberOf(row, 'durationAvg') : null
    })
  }
  return into
}

/** host-latency rows -> each host's p95 into its HostStats (a host without events keeps none). */
export function addHostP95 (hosts: Map<string, HostStats[]>, rows: Row[]): Map<string, HostStats[]> {
  const p95 = new Map<string, number | null>()
  for (const row of rows) {
    const facet = facetOf(row, ['appName', 'host'])
    if (facet !== null) p95.set(`${facet.appName}\u0000${facet.host}`, percentileOf(row, 'duration', 95))
  }
  for (const [app, list] of hosts) {
    for (const h of list) {
      const v = p95.get(`${app}\u0000${h.host}`)
      if (v !== undefined && h.count > 0) h.p95S = v
    }
  }
  return hosts
}

/** error-classes rows -> ErrorClassCount per app. */
export function readErrorClasses (rows: Row[], into = new Map<string, ErrorClassCount[]>()): Map<string, ErrorClassCount[]> {
  for (const row of rows) {
    const facet = facetOf(row, ['appName', 'host', 'error.class'])
    if (facet === null) continue
    push(into, facet.appName, { host: facet.host, errorClass: facet['error.class'], count: countOf(row, 'count') })
  }
  return into
}

/**
 * Scales error-class counts (kept TransactionError events) by each host's sampling: a host
 * whose agent kept `k` error events of its `n` errors (host-stats, from unsampled metric data)
 * has each class counted `n / k` times, rounded; `events` keeps what was seen, for the judge's
 * test. A host that kept every error (or one host-stats does not know) is left as it is.
 */
export function scaleErrorClasses (classes: Map<string, ErrorClassCount[]>, hosts: Map<string, HostStats[]>): void {
  for (const [app, rows] of classes) {
    const kept = new Map<string, number>()
    for (const row of rows) kept.set(row.host, (kept.get(row.host) ?? 0) + row.count)
    const errors = new Map((hosts.get(app) ?? []).map(h => [h.host, h.errors]))
    for (const row of rows) {
      const k = kept.get(row.host) ?? 0
      const n = errors.get(row.host) ?? 0
      row.events = row.count
      if (k > 0 && n > k) row.count = Math.round(row.count * n / k)
    }
  }
}

/** side-latency rows -> one SideRow per app. */
export function readSides (rows: Row[], into = new Map<string, SideRow>()): Map<string, SideRow> {
  for (const row of rows) {
    const facet = facetOf(row, ['appName'])
    if (facet === null) continue
    const count = countOf(row, 'count')
    const p = (n: number): number | null => count > 0 ? percentileOf(row, 'duration', n) : null
    into.set(facet.appName, { count, p50S: p(50), p95S: p(95), p99S: p(99) })
  }
  return into
}

/**
 * slow-count answers -> slow transactions per app and host. A query carries one filter
 * per distinct threshold (`slow<i>` for `values.slowFilters[i]`); each app reads the
 * one for its own threshold.
 */
export function readSlow (
  answers: Answer[], thresholds: Map<string, number>, into = new Map<string, Map<string, number>>()
): Map<string, Map<string, number>> {
  for (const { spec, rows } of answers) {
    const filters = spec.values.slowFilters as readonly number[]
    for (const row of rows) {
      const facet = facetOf(row, ['appName', 'host'])
      if (facet === null) continue
      const index = filters.indexOf(thresholds.get(facet.appName) ?? Number.NaN)
      if (index < 0) continue
      let byHost = into.get(facet.appName)
      if (byHost === undefined) into.set(facet.appName, byHost = new Map())
      byHost.set(facet.host, (byHost.get(facet.host) ?? 0) + countOf(row, `slow${index}`))
    }
  }
  return into
}

/**
 * host-series rows -> SeriesPoint per app. Buckets that start before `fromMs` are dropped: the
 * query starts a whole number of buckets before UNTIL (checkpoint-plan.ts seriesSpecs), so its
 * first bucket may reach back before the window, and those minutes are not the canary's.
 * Counts are EXTRAPOLATEd (not integers where an agent sampled): rounded, as counts.
 */
export function readSeries (rows: Row[], into = new Map<string, SeriesPoint[]>(), fromMs = -Infinity): Map<string, SeriesPoint[]> {
  for (const row of rows) {
    const facet = facetOf(row, ['appName', 'host'])
    const startMs = bucketStartMs(row)
    if (facet === null || startMs === null || startMs < fromMs) continue
    const count = Math.round(countOf(row, 'count'))
    push(into, facet.appName, {
      host: facet.host,
      startMs,
      count,
      errors: Math.min(count, Math.round(countOf(row, 'errors'))),
      p95S: count > 0 ? bucketP95(percentileOf(row, 'duration', 95)) : null
    })
  }
  return into
}

/**
 * A bucket's p95 to 3 significant digits (within 0.5%). A per-minute p95 of a few dozen
 * transactions varies by far more than that from minute to minute, so the latency test's ranks
 * and the charts lose nothing, and the carried state, which keeps every host's bucket of the
 * rollout, deflates to less than half (0.94 MB of p95s at 6 digits for 200 apps x 24 hours).
 */
function bucketP95 (p95S: number | null): number | null {
  return p95S === null || !Number.isFinite(p95S) ? p95S : Number(p95S.toPrecision(3))
}
