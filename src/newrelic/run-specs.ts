/**
 * Runs a set of planned NRQL queries in one client call (as few HTTP requests as
 * the client's batch size allows) and re-runs, split in two, any query whose facets
 * hit New Relic's limit, so a result is never silently cut short when splitting helps.
 */
import type { Logger } from '../logger.ts'
import type { NerdGraphClient } from './client.ts'
import { FACET_LIMIT } from './limits.ts'
import { placeholdersOf, renderNrql, type NrqlValue, type TemplateName } from './nrql.ts'
import { rowsOf, type Row } from './parse.ts'

/** One planned query: a template over some apps (and hosts). */
export interface QuerySpec {
  /** What the rows are for; routes the answer, and names the query in errors. */
  tag: string
  template: TemplateName
  apps: string[]
  /** For templates with {{hosts}}. */
  hosts?: string[]
  /** The other placeholders (since, until, threshold, bucketMinutes). */
  values: Record<string, NrqlValue>
}

export interface Answer {
  spec: QuerySpec
  rows: Row[]
}

/** Renders a spec to NRQL. */
export function specNrql (spec: QuerySpec): string {
  const values: Record<string, NrqlValue> = { ...spec.values }
  if (placeholdersOf(spec.template).includes('apps')) values.apps = spec.apps
  if (spec.hosts !== undefined) values.hosts = spec.hosts
  return renderNrql(spec.template, values)
}

/**
 * Runs `specs` for `accountId`. Returns one answer per executed query (a split
 * query answers in parts, all with the original tag). Renders everything before
 * sending anything, so a bad value fails before any request.
 */
export async function runSpecs (
  client: NerdGraphClient, accountId: number, specs: QuerySpec[], logger?: Logger, signal?: AbortSignal
): Promise<Answer[]> {
  const answers: Answer[] = []
  let todo = specs
  while (todo.length > 0) {
    const keys = todo.map((spec, i) => `${spec.tag}[${i}]`)
    const queries: Record<string, string> = {}
    const spanMs: Record<string, number> = {}
    todo.forEach((spec, i) => {
      queries[keys[i]] = specNrql(spec)
      const { since, until } = spec.values
      if (typeof since === 'number' && typeof until === 'number') spanMs[keys[i]] = until - since
    })
    // The window of each query: the client runs the long ones asynchronously.
    const results = await client.nrql(accountId, queries, { signal, spanMs })
    const next: QuerySpec[] = []
    todo.forEach((spec, i) => {
      const rows = rowsOf(results[keys[i]])
      if (distinctFacets(rows) >= FACET_LIMIT) {
        const parts = split(spec)
        if (parts !== null) {
          next.push(...parts)
          return
        }
        logger?.warn(
          { query: keys[i], facets: FACET_LIMIT },
          'NRQL result hit the facet limit and cannot be split further; keeping what came back'
        )
      }
      answers.push({ spec, rows })
    })
    todo = next
  }
  return answers
}

/**
 * Distinct facet values among rows (TIMESERIES rows repeat a facet once per bucket). Only
 * TIMESERIES answers can hold more rows than facets; for those the facet values are joined
 * into one key per row (re-serialising every row with JSON.stringify cost 7% of a 200-app
 * checkpoint's busy time).
 */
export function distinctFacets (rows: Row[]): number {
  if (rows.length < FACET_LIMIT || !('beginTimeSeconds' in rows[0])) return rows.length
  const seen = new Set<string>()
  for (const r of rows) {
    const f = r.facet
    seen.add(Array.isArray(f) ? f.join('\u0000') : String(f ?? ''))
  }
  return seen.size
}

/**
 * Halves a spec by apps. One app is not split further: queries that name hosts
 * list at most MAX_LIST_ITEMS of them, far under the facet limit, so only
 * host-stats, error-classes and slow-count of a single huge app can get here.
 */
function split (spec: QuerySpec): QuerySpec[] | null {
  if (spec.apps.length < 2) return null
  const half = Math.ceil(spec.apps.length / 2)
  return [spec.apps.slice(0, half), spec.apps.slice(half)].map(apps => ({ ...spec, apps }))
}
