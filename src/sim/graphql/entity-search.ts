/**
 * NerdGraph `entitySearch` over the scenario's apps (APM APPLICATION entities):
 * the entity search query language (`domain = 'APM' AND name IN ('a', 'b')`,
 * `name LIKE`, `tags.team = 'x'`, `accountId = 1`, AND / OR / NOT, parentheses),
 * `queryBuilder` turned into that language as New Relic does, pages with cursors,
 * and the entity outlines returned.
 *
 * Long because the query language needs its own small lexer and parser.
 */
import type { AppModel, Model } from '../model.ts'

/** Entities per page of `results`, as New Relic pages entity search. */
export const PAGE_SIZE = 200

/** An entity search query or builder that cannot be run; answered INVALID_INPUT. */
export class EntitySearchError extends Error {}

type Value = string | number | boolean
type Cond =
  | { kind: 'cmp', field: string, op: '=' | '!=', value: Value }
  | { kind: 'in', field: string, values: Value[], negated: boolean }
  | { kind: 'like', field: string, pattern: string, negated: boolean }
  | { kind: 'and' | 'or', left: Cond, right: Cond }
  | { kind: 'not', cond: Cond }

interface Tok { t: 'word' | 'str' | 'num' | 'op' | 'eof', v: string, pos: number }

function lex (q: string): Tok[] {
  const out: Tok[] = []
  let i = 0
  while (i < q.length) {
    const c = q[i]
    if (/\s/.test(c)) { i++; continue }
    if (c === "'" || c === '"') {
      let v = ''
      let j = i + 1
      for (;;) {
        if (j >= q.length) throw new EntitySearchError(`Invalid entity search query: unterminated string at position ${i + 1}`)
        if (q[j] === '\\' && j + 1 < q.length) { v += q[j + 1]; j += 2; continue }
        if (q[j] === c) break
        v += q[j++]
      }
      out.push({ t: 'str', v, pos: i })
      i = j + 1
      continue
    }
    if (c === '`') {
      const end = q.indexOf('`', i + 1)
      if (end < 0) throw new EntitySearchError(`Invalid entity search query: unterminated \` at position ${i + 1}`)
      out.push({ t: 'word', v: q.slice(i + 1, end), pos: i })
      i = end + 1
      continue
    }
    const num = /^-?\d+(\.\d+)?/.exec(q.slice(i))
    if (num !== null) { out.push({ t: 'num', v: num[0], pos: i }); i += num[0].length; continue }
    const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i))
    if (word !== null) { out.push({ t: 'word', v: word[0], pos: i }); i += word[0].length; continue }
    const op = ['!=', '<>', '=', '(', ')', ','].find(o => q.startsWith(o, i))
    if (op === undefined) throw new EntitySearchError(`Invalid entity search query: unexpected '${c}' at position ${i + 1}`)
    out.push({ t: 'op', v: op === '<>' ? '!=' : op, pos: i })
    i += op.length
  }
  out.push({ t: 'eof', v: '', pos: q.length })
  return out
}

class Parser {
  toks: Tok[]
  i = 0

  constructor (q: string) { this.toks = lex(q) }

  peek (): Tok { return this.toks[this.i] }
  next (): Tok { return this.toks[this.i < this.toks.length - 1 ? this.i++ : this.i] }
  isKw (w: string, ahead = 0): boolean {
    const t = this.toks[Math.min(this.i + ahead, this.toks.length - 1)]
    return t.t === 'word' && t.v.toUpperCase() === w
  }

  accept (w: string): boolean {
    const t = this.peek()
    if ((t.t === 'op' && t.v === w) || (t.t === 'word' && t.v.toUpperCase() === w)) { this.i++; return true }
    return false
  }

  fail (t: Tok = this.peek()): never {
    const what = t.t === 'eof' ? 'the end of the query' : `'${t.v}'`
    throw new EntitySearchError(`Invalid entity search query: unexpected ${what} at position ${t.pos + 1}`)
  }

  expect (w: string): void { if (!this.accept(w)) this.fail() }

  query (): Cond {
    const c = this.or()
    if (this.peek().t !== 'eof') this.fail()
    return c
  }

  or (): Cond {
    let left = this.and()
    while (this.accept('OR')) left = { kind: 'or', left, right: this.and() }
    return left
  }

  and (): Cond {
    let left = this.unary()
    while (this.accept('AND')) left = { kind: 'and', left, right: this.unary() }
    return left
  }

  unary (): Cond {
    if (this.isKw('NOT') && !this.isKw('IN', 1) && !this.isKw('LIKE', 1)) {
      this.i++
      return { kind: 'not', cond: this.unary() }
    }
    if (this.accept('(')) {
      const c = this.or()
      this.expect(')')
      return c
    }
    return this.cond()
  }

  value (): Value {
    const t = this.next()
    if (t.t === 'str') return t.v
    if (t.t === 'num') return Number(t.v)
    if (t.t === 'word' && /^(true|false)$/i.test(t.v)) return t.v.toLowerCase() === 'true'
    return this.fail(t)
  }

  cond (): Cond {
    const f = this.next()
    if (f.t !== 'word' || ['AND', 'OR', 'IN', 'LIKE'].includes(f.v.toUpperCase())) this.fail(f)
    const field = f.v
    const t = this.peek()
    if (t.t === 'op' && (t.v === '=' || t.v === '!=')) {
      this.i++
      return { kind: 'cmp', field, op: t.v, value: this.value() }
    }
    const negated = this.accept('NOT')
    if (this.accept('IN')) {
      this.expect('(')
      const values = [this.value()]
      while (this.accept(',')) values.push(this.value())
      this.expect(')')
      return { kind: 'in', field, values, negated }
    }
    if (this.accept('LIKE')) {
      const p = this.next()
      if (p.t !== 'str') this.fail(p)
      return { kind: 'like', field, pattern: p.v, negated }
    }
    return this.fail()
  }
}

/** What an entity offers to the query language: property values, then tags. */
function fieldValues (model: Model, app: AppModel, field: string): Value[] {
  switch (field.toLowerCase()) {
    case 'name': return [app.name]
    case 'domain': return ['APM']
    case 'type': return ['APPLICATION']
    case 'entitytype': return ['APM_APPLICATION_ENTITY']
    case 'accountid': return [model.accountId]
    case 'id': case 'guid': return [app.guid]
    case 'domainid': case 'applicationid': return [app.applicationId]
    case 'reporting': return [true]
    case 'alertseverity': return ['NOT_CONFIGURED']
  }
  const key = field.startsWith('tags.') ? field.slice(5) : field
  return app.tags.find(tag => tag.key === key)?.values ?? []
}

/** Enum-like properties compare without case ('apm' finds APM); names and tags exactly. */
const CASELESS = new Set(['domain', 'type', 'entitytype', 'alertseverity'])

function equal (field: string, a: Value, b: Value): boolean {
  if (typeof a === 'number' || typeof b === 'number' || typeof a === 'boolean' || typeof b === 'boolean') return String(a) === String(b)
  return CASELESS.has(field.toLowerCase()) ? a.toUpperCase() === b.toUpperCase() : a === b
}

/** LIKE is a case-insensitive substring match; `%` is any text. */
function like (text: string, pattern: string): boolean {
  const body = pattern.split('%').map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(body, 'is').test(text)
}

function matches (model: Model, app: AppModel, c: Cond): boolean {
  switch (c.kind) {
    case 'and': return matches(model, app, c.left) && matches(model, app, c.right)
    case 'or': return matches(model, app, c.left) || matches(model, app, c.right)
    case 'not': return !matches(model, app, c.cond)
    case 'cmp': {
      const has = fieldValues(model, app, c.field).some(v => equal(c.field, v, c.value))
      return c.op === '=' ? has : !has
    }
    case 'in': return fieldValues(model, app, c.field).some(v => c.values.some(x => equal(c.field, v, x))) !== c.negated
    case 'like': return fieldValues(model, app, c.field).some(v => like(String(v), c.pattern)) !== c.negated
  }
}

function quote (v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/**
 * The query string New Relic generates for a `queryBuilder` (its `name` is a
 * substring match, `tags` exact); empty when the builder sets nothing.
 */
export function builderQuery (b: unknown): string {
  if (b === null || b === undefined) return ''
  if (typeof b !== 'object' || Array.isArray(b)) throw new EntitySearchError('queryBuilder must be an EntitySearchQueryBuilder object')
  const o = b as Record<string, unknown>
  const known = ['domain', 'type', 'name', 'tags', 'reporting', 'alertSeverity', 'alertable', 'infrastructureIntegrationType']
  const parts: string[] = []
  for (const [k, v] of Object.entries(o)) {
    if (!known.includes(k)) throw new EntitySearchError(`queryBuilder has no field '${k}' (known: ${known.join(', ')})`)
    if (v === null || v === undefined) continue
    if (k === 'tags') {
      for (const tag of Array.isArray(v) ? v : [v]) {
        const t = tag as Record<string, unknown> | null
        if (t === null || typeof t.key !== 'string' || typeof t.value !== 'string') {
          throw new EntitySearchError('queryBuilder tags must be {key, value} strings')
        }
        parts.push(`\`tags.${t.key}\` = ${quote(t.value)}`)
      }
    } else if (k === 'name') {
      if (typeof v !== 'string') throw new EntitySearchError('queryBuilder name must be a string')
      parts.push(`name LIKE ${quote(v)}`)
    } else if (k === 'reporting' || k === 'alertable') {
      if (typeof v !== 'boolean') throw new EntitySearchError(`queryBuilder ${k} must be a boolean`)
      parts.push(`${k} = '${String(v)}'`)
    } else {
      if (typeof v !== 'string') throw new EntitySearchError(`queryBuilder ${k} must be an enum value`)
      parts.push(`${k === 'infrastructureIntegrationType' ? 'infrastructureIntegrationType' : k} = ${quote(v)}`)
    }
  }
  return parts.join(' AND ')
}

/** Apps matching `query` (entity search syntax), ordered by name. */
export function searchApps (model: Model, query: string): AppModel[] {
  if (query.trim() === '') throw new EntitySearchError('Invalid entity search query: the query is empty')
  const cond = new Parser(query).query()
  return model.apps.filter(app => matches(model, app, cond))
    .sort((a, b) => a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0)
}

/** The `EntityOutline` of an app (`ApmApplicationEntityOutline`), as plain data for projection. */
export function entityOutline (model: Model, app: AppModel, typename = 'ApmApplicationEntityOutline'): Record<string, unknown> {
  return {
    __typename: typename,
    guid: app.guid,
    name: app.name,
    accountId: model.accountId,
    account: { __typename: 'AccountOutline', id: model.accountId, name: model.name },
    domain: 'APM',
    type: 'APPLICATION',
    entityType: 'APM_APPLICATION_ENTITY',
    reporting: true,
    alertSeverity: 'NOT_CONFIGURED',
    permalink: `https://one.newrelic.com/redirect/entity/${app.guid}`,
    tags: app.tags.map(t => ({ __typename: 'EntityTag', key: t.key, values: [...t.values] })),
    applicationId: app.applicationId,
    language: 'dotnet',
    indexedAt: model.from,
    firstIndexedAt: model.from
  }
}

/** Cursor of the page starting at `offset` of the results of `query`. */
function cursorFor (query: string, offset: number): string {
  return Buffer.from(JSON.stringify({ q: query, o: offset }), 'utf8').toString('base64')
}

/** One page of results: entities from the cursor on, and the next page's cursor (null at the end). */
export function pageOf (
  query: string, all: unknown[], cursor: unknown, limit: number = PAGE_SIZE
): { entities: unknown[], nextCursor: string | null } {
  let offset = 0
  if (cursor !== undefined && cursor !== null) {
    let parsed: { q?: unknown, o?: unknown } | null = null
    try {
      parsed = JSON.parse(Buffer.from(String(cursor), 'base64').toString('utf8')) as { q?: unknown, o?: unknown }
    } catch {}
    if (parsed === null || parsed.q !== query || !Number.isInteger(parsed.o)) {
      throw new EntitySearchError('Invalid cursor: it does not belong to this entity search')
    }
    offset = parsed.o as number
  }
  const size = Math.max(1, Math.min(PAGE_SIZE, limit))
  const entities = all.slice(offset, offset + size)
  return { entities, nextCursor: offset + size < all.length ? cursorFor(query, offset + size) : null }
}
