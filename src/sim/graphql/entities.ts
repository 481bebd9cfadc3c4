/**
 * Resolvers of `actor { entitySearch(query | queryBuilder) { count query types results(cursor) } }`,
 * `actor { entity(guid) }` and `actor { entities(guids) }` over the scenario's apps.
 */
import { gqlError } from './errors.ts'
import { builderQuery, EntitySearchError, entityOutline, pageOf, PAGE_SIZE, searchApps } from './entity-search.ts'
import type { Field } from './parse.ts'
import type { Path, Resolver } from './resolver.ts'

export function resolveEntitySearch (r: Resolver, f: Field, path: Path): unknown {
  const model = r.ctx.store.model
  let query: string
  let apps
  try {
    const text = r.value(f.args.query)
    if (text !== undefined && text !== null && typeof text !== 'string') throw new EntitySearchError('query must be a string')
    const parts = [typeof text === 'string' ? text : '', builderQuery(r.value(f.args.queryBuilder))].filter(q => q.trim() !== '')
    if (parts.length === 0) throw new EntitySearchError('entitySearch needs a non-empty query or a queryBuilder')
    query = parts.length === 1 ? parts[0] : parts.map(q => `(${q})`).join(' AND ')
    apps = searchApps(model, query)
  } catch (err) {
    if (!(err instanceof EntitySearchError)) throw err
    r.errors.push(gqlError(err.message, 'INVALID_INPUT', path, f.loc))
    return null
  }
  if (f.selections === undefined) return null
  const options = r.value(f.args.options) as { limit?: unknown } | null | undefined
  const limit = typeof options?.limit === 'number' ? options.limit : PAGE_SIZE
  const outlines = apps.map(app => entityOutline(model, app))
  const types = apps.length === 0
    ? []
    : [{ __typename: 'EntitySearchTypes', count: apps.length, domain: 'APM', type: 'APPLICATION', entityType: 'APM_APPLICATION_ENTITY' }]
  return r.object(f.selections, 'EntitySearch', path, (sub, p) => {
    switch (sub.name) {
      case 'count': return apps.length
      case 'query': return query
      case 'types': return r.plain(sub, types, p)
      case 'results': {
        try {
          return r.plain(sub, { __typename: 'EntitySearchResult', ...pageOf(query, outlines, r.value(sub.args.cursor), limit) }, p)
        } catch (err) {
          if (!(err instanceof EntitySearchError)) throw err
          r.errors.push(gqlError(err.message, 'INVALID_INPUT', p, sub.loc))
          return null
        }
      }
      default: return null
    }
  })
}

function byGuid (r: Resolver, guid: unknown): Record<string, unknown> | null {
  const model = r.ctx.store.model
  const app = model.apps.find(a => a.guid === guid)
  return app === undefined ? null : entityOutline(model, app, 'ApmApplicationEntity')
}

/** `entity(guid)`: the app with that guid, or null as New Relic answers for an unknown one. */
export function resolveEntity (r: Resolver, f: Field, path: Path): unknown {
  return r.plain(f, byGuid(r, r.value(f.args.guid)), path)
}

/** `entities(guids: [...])`: the known ones, in the order asked. */
export function resolveEntities (r: Resolver, f: Field, path: Path): unknown {
  const guids = r.value(f.args.guids)
  const list = (Array.isArray(guids) ? guids : [guids]).map(g => byGuid(r, g)).filter(e => e !== null)
  return r.plain(f, list, path)
}
