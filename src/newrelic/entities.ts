/**
 * NerdGraph beyond NRQL: the APM entities of apps (entitySearch, for their tags) and
 * change-tracking markers on them (changeTrackingCreateEvent). Values travel as GraphQL
 * variables; the entity search query language is written here, with its strings quoted as
 * New Relic documents (single quotes, a quote as \').
 */
import type { NerdGraphClient } from './client.ts'
import { NrqlTemplateError } from './errors.ts'

/** Names in one entity search (its query stays short). */
const NAMES_PER_SEARCH = 50
/** Pages of one search we read at most (200 entities a page). */
const MAX_PAGES = 20

/** An entity search string literal; names New Relic could not hold in one are refused. */
export function quoteEntityString (value: string): string {
  // eslint-disable-next-line no-control-regex
  if (value === '' || value.length > 255 || /[\u0000-\u001f\u007f\\]/.test(value)) {
    throw new NrqlTemplateError(`cannot write ${JSON.stringify(value.slice(0, 40))} in an entity search`)
  }
  return `'${value.replace(/'/g, "\\'")}'`
}

const SEARCH = `query ($query: String!, $cursor: String) {
  actor { entitySearch(query: $query) { results(cursor: $cursor) { nextCursor entities { name accountId tags { key values } } } } }
}`

export type EntityTags = Map<string, Record<string, string[]>>

/**
 * The tags of each app's APM application entity in `accountId` (apps without an entity are
 * left out). Names that cannot be written in an entity search are skipped.
 */
export async function apmTags (client: NerdGraphClient, accountId: number, apps: string[], signal?: AbortSignal): Promise<EntityTags> {
  const out: EntityTags = new Map()
  const writable = apps.filter(a => { try { quoteEntityString(a); return true } catch { return false } })
  const wanted = new Set(writable)
  for (let i = 0; i < writable.length; i += NAMES_PER_SEARCH) {
    const names = writable.slice(i, i + NAMES_PER_SEARCH).map(quoteEntityString).join(', ')
    const query = `domain = 'APM' AND type = 'APPLICATION' AND accountId = ${accountId} AND name IN (${names})`
    let cursor: string | null = null
    for (let page = 0; page < MAX_PAGES; page++) {
      const data = await client.graphql('entitySearch', SEARCH, { query, cursor }, { signal }) as SearchData
      const results = data?.actor?.entitySearch?.results
      for (const e of results?.entities ?? []) {
        if (typeof e.name !== 'string' || !wanted.has(e.name) || (e.accountId !== undefined && e.accountId !== accountId)) continue
        const tags: Record<string, string[]> = {}
        for (const tag of e.tags ?? []) {
          if (typeof tag.key !== 'string' || !Array.isArray(tag.values)) continue
          tags[tag.key] = tag.values.filter((v): v is string => typeof v === 'string')
        }
        out.set(e.name, tags)
      }
      cursor = typeof results?.nextCursor === 'string' ? results.nextCursor : null
      if (cursor === null) break
    }
  }
  return out
}

interface EntityOutline { name?: unknown, accountId?: unknown, tags?: Array<{ key?: unknown, values?: unknown[] }> }
interface SearchData {
  actor?: { entitySearch?: { results?: { nextCursor?: unknown, entities?: EntityOutline[] } } }
}

const CHANGE = `mutation ($event: ChangeTrackingCreateEventInput!) {
  changeTrackingCreateEvent(changeTrackingEvent: $event) { changeTrackingEvent { changeTrackingId } }
}`

export interface ChangeMarker {
  /** What changed, for the marker's version field: the rollout's id. */
  version: string
  description: string
  shortDescription: string
  /** A link back (the rollout's page). */
  deepLink?: string
  user?: string
  groupId?: string
  timestamp: number
  customAttributes?: Record<string, string | number | boolean>
}

/**
 * Records a Deployment/Canary change-tracking event on `app`'s APM entity (New Relic's change
 * tracking: the marker charts show). Resolves to the event's id.
 */
export async function recordChange (client: NerdGraphClient, accountId: number, app: string, marker: ChangeMarker): Promise<string | null> {
  const event = {
    categoryAndTypeData: {
      kind: { category: 'Deployment', type: 'Canary' },
      categoryFields: { deployment: { version: marker.version, ...(marker.deepLink === undefined ? {} : { deepLink: marker.deepLink }) } }
    },
    entitySearch: { query: `domain = 'APM' AND type = 'APPLICATION' AND accountId = ${accountId} AND name = ${quoteEntityString(app)}` },
    timestamp: marker.timestamp,
    description: marker.description,
    shortDescription: marker.shortDescription,
    ...(marker.user === undefined ? {} : { user: marker.user }),
    ...(marker.groupId === undefined ? {} : { groupId: marker.groupId }),
    ...(marker.customAttributes === undefined ? {} : { customAttributes: marker.customAttributes })
  }
  const data = await client.graphql('changeTrackingCreateEvent', CHANGE, { event }) as {
    changeTrackingCreateEvent?: { changeTrackingEvent?: { changeTrackingId?: unknown } } | null
  }
  const id = data?.changeTrackingCreateEvent?.changeTrackingEvent?.changeTrackingId
  return typeof id === 'string' ? id : null
}
