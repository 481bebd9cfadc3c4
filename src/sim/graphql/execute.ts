/**
 * Resolves the part of NerdGraph's schema the simulator knows:
 * `actor { account(id) { id name nrql(query, timeout) { results metadata totalResult ... } } }`,
 * cross-account `actor { nrql(accounts, query) }`, and `actor { user accounts }`
 * for key checks. Unknown fields answer null rather than failing the request.
 * Each nrql field fails on its own: one bad alias does not spoil the others.
 */
import { resolveChangeTrackingCreateEvent } from './change-tracking.ts'
import { resolveEntities, resolveEntity, resolveEntitySearch } from './entities.ts'
import type { GqlError } from './errors.ts'
import { resolveNrql, resolveQueryProgress } from './nrql-field.ts'
import { parseGraphQL } from './parse.ts'
import type { Field, GqlDocument, GValue, Operation, Selection } from './parse.ts'
import type { Path, ResolveContext, Resolver as FieldResolver } from './resolver.ts'

export interface GqlResponse {
  data?: Record<string, unknown> | null
  errors?: GqlError[]
}

type Vars = Record<string, unknown>

/**
 * Interfaces of the concrete types the simulator returns, so that inline fragments
 * and fragment spreads apply only where their type condition holds. Types not listed
 * take every fragment (the simulator does not model them).
 */
const IMPLEMENTS: Record<string, string[]> = {
  ApmApplicationEntityOutline: ['EntityOutline', 'AlertableEntityOutline', 'ApmBrandedEntityOutline'],
  ApmApplicationEntity: ['Entity', 'AlertableEntity', 'ApmBrandedEntity'],
  ChangeTrackingDeploymentEvent: ['ChangeTrackingEvent'],
  ChangeTrackingFeatureFlagEvent: ['ChangeTrackingEvent'],
  ChangeTrackingGenericEvent: ['ChangeTrackingEvent']
}

function typeMatches (condition: string | undefined, typeName: string | undefined): boolean {
  if (condition === undefined || typeName === undefined || condition === typeName) return true
  const ifaces = IMPLEMENTS[typeName]
  return ifaces === undefined || ifaces.includes(condition)
}

export class Resolver implements FieldResolver {
  readonly ctx: ResolveContext
  readonly doc: GqlDocument
  readonly vars: Vars
  readonly errors: GqlError[] = []

  constructor (ctx: ResolveContext, doc: GqlDocument, vars: Vars) {
    this.ctx = ctx
    this.doc = doc
    this.vars = vars
  }

  value (v: GValue | undefined): unknown {
    if (v === undefined) return undefined
    switch (v.kind) {
      case 'var': return this.vars[v.name] ?? null
      case 'null': return null
      case 'list': return v.values.map(x => this.value(x))
      case 'object': return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, this.value(x)]))
      default: return v.value
    }
  }

  /** Fields of a selection set with the fragments that apply to `typeName` merged in. */
  fields (sels: Selection[], typeName?: string, seen = new Set<string>()): Field[] {
    const out: Field[] = []
    for (const s of sels) {
      if (s.kind === 'field') out.push(s)
      else if (s.kind === 'inline') {
        if (typeMatches(s.typeCondition, typeName)) out.push(...this.fields(s.selections, typeName, seen))
      } else if (!seen.has(s.name) && typeMatches(this.doc.fragmentTypes.get(s.name), typeName)) {
        seen.add(s.name)
        out.push(...this.fields(this.doc.fragments.get(s.name) ?? [], typeName, seen))
      }
    }
    return out
  }

  object (sels: Selection[], typeName: string, path: Path, resolve: (f: Field, path: Path) => unknown): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const f of this.fields(sels, typeName)) {
      const key = f.alias ?? f.name
      out[key] = f.name === '__typename' ? typeName : resolve(f, [...path, key])
    }
    return out
  }

  /** Projects plain data through a selection set (or returns it whole without one). */
  plain (f: Field, v: unknown, path: Path): unknown {
    if (f.selections === undefined || v === null || v === undefined) return v ?? null
    if (Array.isArray(v)) return v.map((x, i) => this.plain(f, x, [...path, i]))
    if (typeof v !== 'object') return v
    const o = v as Record<string, unknown>
    return this.object(f.selections, String(o.__typename ?? 'Object'), path, (sub, p) => this.plain(sub, o[sub.name], p))
  }

  query (sels: Selection[]): Record<string, unknown> {
    return this.object(sels, 'Query', [], (f, path) => {
      if (f.name !== 'actor') return null
      return f.selections === undefined ? null : this.actor(f.selections, path)
    })
  }

  /** Mutations: changeTrackingCreateEvent; any other field is an error, as in a schema-checked server. */
  mutation (sels: Selection[]): Record<string, unknown> {
    return this.object(sels, 'RootMutationType', [], (f, path) => {
      if (f.name === 'changeTrackingCreateEvent') return resolveChangeTrackingCreateEvent(this, f, path)
      this.errors.push({ message: `Cannot query field "${f.name}" on type "RootMutationType".`, path, locations: [f.loc] })
      return null
    })
  }

  actor (sels: Selection[], path: Path): Record<string, unknown> {
    const model = this.ctx.store.model
    return this.object(sels, 'Actor', path, (f, p) => {
      switch (f.name) {
        case 'account': {
          const id = this.value(f.args.id)
          return f.selections === undefined ? null : this.account(f.selections, p, id)
        }
        case 'nrql': {
          const ids = this.value(f.args.accounts)
          return resolveNrql(this, f, p, Array.isArray(ids) ? ids : [ids])
        }
        case 'user':
          return this.plain(f, { __typename: 'User', id: 1, name: 'Simulator User', email: 'simulator@example.com' }, p)
        case 'accounts':
          return this.plain(f, [{ __typename: 'AccountOutline', id: model.accountId, name: model.name }], p)
        case 'entitySearch':
          return resolveEntitySearch(this, f, p)
        case 'entity':
          return resolveEntity(this, f, p)
        case 'entities':
          return resolveEntities(this, f, p)
        default:
          return null
      }
    })
  }

  account (sels: Selection[], path: Path, id: unknown): Record<string, unknown> {
    // Another scenario's account: its fields read that scenario, then the default comes back.
    const other = typeof id === 'number' ? this.ctx.stores?.get(id) : undefined
    if (other !== undefined && other !== this.ctx.store) {
      const before = this.ctx.store
      this.ctx.store = other
      try {
        return this.account(sels, path, id)
      } finally {
        this.ctx.store = before
      }
    }
    const model = this.ctx.store.model
    return this.object(sels, 'Account', path, (f, p) => {
      switch (f.name) {
        case 'id': return id
        case 'name': return id === model.accountId ? model.name : null
        case 'nrql': return resolveNrql(this, f, p, [id])
        case 'nrqlQueryProgress': return resolveQueryProgress(this, f, p, id)
        default: return null
      }
    })
  }
}

/**
 * Checks a variable of a scalar type the simulator's fields use (Int, Nrql,
 * String, Boolean, Seconds, lists of them); other types pass unchecked.
 * Returns why the value is invalid, or null.
 */
function invalidScalar (type: string, v: unknown): string | null {
  const base = type.replace(/!$/, '')
  if (v === null) return type.endsWith('!') ? `Expected non-nullable type "${type}" not to be null.` : null
  if (base.startsWith('[')) {
    const inner = base.slice(1, -1)
    const items = Array.isArray(v) ? v : [v]
    for (const item of items) {
      const bad = invalidScalar(inner, item)
      if (bad !== null) return bad
    }
    return null
  }
  if ((base === 'Int' || base === 'Seconds') && !Number.isInteger(v)) {
    return `${base} cannot represent non-integer value: ${JSON.stringify(v)}`
  }
  if ((base === 'Nrql' || base === 'String') && typeof v !== 'string') {
    return `${base} cannot represent a non string value: ${JSON.stringify(v)}`
  }
  if (base === 'Boolean' && typeof v !== 'boolean') return `Boolean cannot represent a non boolean value: ${JSON.stringify(v)}`
  return null
}

function pickOperation (doc: GqlDocument, name: unknown): Operation | string {
  if (typeof name === 'string' && name !== '') {
    return doc.operations.find(o => o.name === name) ?? `Unknown operation named "${name}".`
  }
  if (doc.operations.length > 1) return 'Must provide operation name if query contains multiple operations.'
  return doc.operations[0]
}

/** Executes one GraphQL request body against the simulator's data. */
export function executeGraphQL (ctx: ResolveContext, body: { query?: unknown, variables?: unknown, operationName?: unknown }): GqlResponse {
  if (typeof body.query !== 'string') return { errors: [{ message: 'Must provide query string.' }] }
  let doc: GqlDocument
  try {
    doc = parseGraphQL(body.query)
  } catch (err) {
    const e = err as Error & { loc?: { line: number, column: number } }
    return { errors: [{ message: e.message, ...(e.loc === undefined ? {} : { locations: [e.loc] }) }] }
  }
  const op = pickOperation(doc, body.operationName)
  if (typeof op === 'string') return { errors: [{ message: op }] }
  if (op.type === 'subscription') return { errors: [{ message: 'The simulator answers queries and mutations, not subscriptions.' }] }

  const given = (typeof body.variables === 'object' && body.variables !== null ? body.variables : {}) as Vars
  const vars: Vars = {}
  const varErrors: GqlError[] = []
  for (const def of op.variables) {
    const bad = given[def.name] === undefined ? null : invalidScalar(def.type, given[def.name])
    if (bad !== null) varErrors.push({ message: `Variable "$${def.name}" got invalid value ${JSON.stringify(given[def.name])}; ${bad}` })
    else if (given[def.name] !== undefined) vars[def.name] = given[def.name]
    else if (def.defaultValue !== undefined) vars[def.name] = new Resolver(ctx, doc, {}).value(def.defaultValue)
    else if (def.type.endsWith('!')) varErrors.push({ message: `Variable "$${def.name}" of required type "${def.type}" was not provided.` })
  }
  if (varErrors.length > 0) return { errors: varErrors }

  const r = new Resolver(ctx, doc, vars)
  const data = op.type === 'mutation' ? r.mutation(op.selections) : r.query(op.selections)
  return r.errors.length > 0 ? { data, errors: r.errors } : { data }
}
