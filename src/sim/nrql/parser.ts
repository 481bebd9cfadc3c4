/**
 * Recursive-descent parser for the NRQL subset in scenario-format.md (plus a
 * few cheap extras: LIKE, IS NULL, NOT, median, earliest, FROM-first order).
 * Clauses after FROM may come in any order, as New Relic allows.
 */
import type { Agg, AggFn, CmpOp, Expr, Literal, Query, SelectItem, TimeRef } from './ast.ts'
import { NrqlSyntaxError, tokenize, unexpected } from './lexer.ts'
import type { Token } from './lexer.ts'
import { isKnownTimeZone, parseNrqlDateTime } from '../time.ts'

/** Facet limit of LIMIT MAX, and the most New Relic returns. */
export const MAX_FACETS = 5000

const UNIT_MS: Record<string, number> = {
  second: 1000,
  seconds: 1000,
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000
}

const ONE_ATTR_FNS: AggFn[] = ['average', 'max', 'min', 'sum', 'median', 'uniqueCount', 'latest', 'earliest']
const CLAUSES = ['where', 'facet', 'timeseries', 'since', 'until', 'limit', 'with', 'from', 'select', 'extrapolate']

const FN_NAMES: Record<string, AggFn> = {}
for (const fn of [
  'count', 'average', 'max', 'min', 'sum', 'percentile', 'median', 'uniqueCount', 'latest', 'earliest', 'filter', 'percentage', 'rate'
] as AggFn[]) {
  FN_NAMES[fn.toLowerCase()] = fn
}

class Parser {
  readonly text: string
  readonly toks: Token[]
  i = 0
  pendingTimes: Array<{ tok: Token, set: (t: TimeRef) => void }> = []

  constructor (text: string) {
    this.text = text
    this.toks = tokenize(text)
  }

  peek (ahead = 0): Token {
    return this.toks[Math.min(this.i + ahead, this.toks.length - 1)]
  }

  next (): Token {
    const t = this.peek()
    if (t.type !== 'eof') this.i++
    return t
  }

  fail (tok: Token = this.peek()): never {
    throw unexpected(this.text, tok)
  }

  isKw (word: string, ahead = 0): boolean {
    const t = this.peek(ahead)
    return t.type === 'ident' && t.value.toLowerCase() === word
  }

  acceptKw (word: string): boolean {
    if (!this.isKw(word)) return false
    this.i++
    return true
  }

  expectKw (word: string): void {
    if (!this.acceptKw(word)) this.fail()
  }

  isOp (op: string): boolean {
    const t = this.peek()
    return t.type === 'op' && t.value === op
  }

  acceptOp (op: string): boolean {
    if (!this.isOp(op)) return false
    this.i++
    return true
  }

  expectOp (op: string): void {
    if (!this.acceptOp(op)) this.fail()
  }

  number (): number {
    const neg = this.acceptOp('-')
    const t = this.next()
    if (t.type !== 'number') this.fail(t)
    return neg ? -Number(t.value) : Number(t.value)
  }

  attribute (): string {
    const t = this.next()
    if (t.type === 'quoted') return t.value
    if (t.type === 'ident' && !CLAUSES.includes(t.value.toLowerCase())) return t.value
    return this.fail(t)
  }

  literal (): Literal {
    const t = this.peek()
    if (t.type === 'string') {
      this.i++
      return t.value
    }
    if (t.type === 'number' || (t.type === 'op' && t.value === '-')) return this.number()
    if (this.acceptKw('true')) return true
    if (this.acceptKw('false')) return false
    if (this.acceptKw('null')) return null
    return this.fail()
  }

  unit (): number {
    const t = this.next()
    const ms = t.type === 'ident' ? UNIT_MS[t.value.toLowerCase()] : undefined
    if (ms === undefined) this.fail(t)
    return ms
  }

  // ---- SELECT ----

  aggregate (): Agg {
    const nameTok = this.next()
    if (nameTok.type !== 'ident') this.fail(nameTok)
    const fn = FN_NAMES[nameTok.value.toLowerCase()]
    if (!this.isOp('(')) this.fail()
    if (fn === undefined) throw new NrqlSyntaxError(`Unknown function ${nameTok.value}`)
    this.expectOp('(')
    let agg: Agg
    if (fn === 'count') {
      agg = { fn, attr: this.acceptOp('*') ? '*' : this.attribute() }
    } else if (ONE_ATTR_FNS.includes(fn)) {
      agg = { fn, attr: this.attribute() }
      if (fn === 'median') agg.percentiles = [50]
    } else if (fn === 'percentile') {
      const attr = this.attribute()
      const percentiles: number[] = []
      while (this.acceptOp(',')) {
        const tok = this.peek()
        const p = this.number()
        if (!(p >= 0 && p <= 100)) throw new NrqlSyntaxError(`percentile must be between 0 and 100, got ${tok.raw}`)
        percentiles.push(p)
      }
      agg = { fn, attr, percentiles: percentiles.length === 0 ? [50] : percentiles }
    } else if (fn === 'filter' || fn === 'percentage') {
      const inner = this.aggregate()
      if (fn === 'percentage' && inner.fn !== 'count') {
        throw new NrqlSyntaxError('percentage() supports count() as its function')
      }
      this.expectOp(',')
      this.expectKw('where')
      agg = { fn, inner, where: this.expr() }
    } else {
      const inner = this.aggregate()
      let per = 1000
      if (this.acceptOp(',')) {
        const n = this.isKw('second') || this.isKw('minute') || this.isKw('hour') || this.isKw('day') || this.isKw('week')
          ? 1
          : this.number()
        per = n * this.unit()
      }
      if (!(per > 0)) throw new NrqlSyntaxError('rate() needs a positive time unit')
      agg = { fn, inner, per }
    }
    this.expectOp(')')
    return agg
  }

  selectItem (): SelectItem {
    const agg = this.aggregate()
    let key = defaultKey(agg)
    if (this.acceptKw('as')) {
      const t = this.next()
      if (t.type !== 'string' && t.type !== 'ident' && t.type !== 'quoted') this.fail(t)
      key = t.value
    }
    return { agg, key }
  }

  selectList (): SelectItem[] {
    if (this.isOp('*')) throw new NrqlSyntaxError('SELECT * (raw events) is not supported by the simulator')
    const items = [this.selectItem()]
    while (this.acceptOp(',')) items.push(this.selectItem())
    return items
  }

  // ---- WHERE ----

  expr (): Expr {
    let left = this.andExpr()
    while (this.acceptKw('or')) left = { kind: 'or', left, right: this.andExpr() }
    return left
  }

  andExpr (): Expr {
    let left = this.notExpr()
    while (this.acceptKw('and')) left = { kind: 'and', left, right: this.notExpr() }
    return left
  }

  notExpr (): Expr {
    if (this.acceptKw('not')) return { kind: 'not', expr: this.notExpr() }
    if (this.acceptOp('(')) {
      const e = this.expr()
      this.expectOp(')')
      return e
    }
    return this.predicate()
  }

  predicate (): Expr {
    const attr = this.attribute()
    const t = this.peek()
    if (t.type === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.value)) {
      this.i++
      return { kind: 'cmp', attr, op: t.value as CmpOp, value: this.literal() }
    }
    if (this.acceptKw('is')) {
      const negated = this.acceptKw('not')
      const w = this.next()
      const test = w.type === 'ident' ? w.value.toLowerCase() : ''
      if (test !== 'true' && test !== 'false' && test !== 'null') this.fail(w)
      return { kind: 'is', attr, test, negated }
    }
    const negated = this.acceptKw('not')
    if (this.acceptKw('in')) {
      this.expectOp('(')
      const values = [this.literal()]
      while (this.acceptOp(',')) values.push(this.literal())
      this.expectOp(')')
      return { kind: 'in', attr, values, negated }
    }
    if (this.acceptKw('like')) {
      const p = this.next()
      if (p.type !== 'string') this.fail(p)
      return { kind: 'like', attr, pattern: p.value, negated }
    }
    return this.fail()
  }

  // ---- times ----

  timeRef (set: (t: TimeRef) => void): void {
    const t = this.peek()
    if (t.type === 'string') {
      this.i++
      this.pendingTimes.push({ tok: t, set })
      return
    }
    if (this.acceptKw('now')) {
      set({ kind: 'now' })
      return
    }
    if (t.type !== 'number') this.fail(t)
    this.i++
    const n = Number(t.value)
    const after = this.peek()
    if (after.type === 'ident' && UNIT_MS[after.value.toLowerCase()] !== undefined) {
      const unit = this.unit()
      this.expectKw('ago')
      set({ kind: 'ago', ms: n * unit })
      return
    }
    // Epoch milliseconds; small values are epoch seconds, which New Relic also accepts.
    set({ kind: 'abs', ms: n < 1e11 ? n * 1000 : n })
  }

  resolveTimes (zone: string | undefined): void {
    for (const { tok, set } of this.pendingTimes) {
      const ms = parseNrqlDateTime(tok.value, zone)
      if (ms === null) throw new NrqlSyntaxError(`Invalid date/time '${tok.value}'`)
      set({ kind: 'abs', ms })
    }
  }

  // ---- query ----

  query (): Query {
    const q: Partial<Query> & { facets: string[] } = { facets: [] }
    const seen = new Set<string>()
    const once = (clause: string, tok: Token): void => {
      if (seen.has(clause)) this.fail(tok)
      seen.add(clause)
    }
    if (!this.isKw('select') && !this.isKw('from')) this.fail()
    while (this.peek().type !== 'eof') {
      const tok = this.next()
      const word = tok.type === 'ident' ? tok.value.toLowerCase() : ''
      once(word === '' ? tok.raw : word, tok)
      switch (word) {
        case 'select':
          q.select = this.selectList()
          break
        case 'from': {
          const ev = this.next()
          if (ev.type !== 'ident' && ev.type !== 'quoted') this.fail(ev)
          q.from = ev.value
          break
        }
        case 'where':
          q.where = this.expr()
          break
        case 'facet':
          q.facets.push(this.attribute())
          while (this.acceptOp(',')) q.facets.push(this.attribute())
          break
        case 'timeseries':
          q.timeseries = { bucketMs: this.timeseriesArg() }
          break
        case 'since':
          this.timeRef(t => { q.since = t })
          break
        case 'until':
          this.timeRef(t => { q.until = t })
          break
        case 'limit':
          q.limit = this.limitArg()
          break
        case 'extrapolate':
          q.extrapolate = true
          break
        case 'with': {
          this.expectKw('timezone')
          const z = this.next()
          if (z.type !== 'string') this.fail(z)
          if (!isKnownTimeZone(z.value)) throw new NrqlSyntaxError(`Invalid time zone '${z.value}'`)
          q.timezone = z.value
          break
        }
        default:
          this.fail(tok)
      }
    }
    if (q.select === undefined || q.from === undefined) this.fail()
    this.resolveTimes(q.timezone)
    q.select = resultKeys(q.select, q.facets, q.timeseries !== undefined)
    return q as Query
  }

  timeseriesArg (): number | null {
    if (this.acceptKw('auto')) return null
    const t = this.peek()
    if (t.type === 'number') {
      this.i++
      const n = Number(t.value)
      const ms = n * this.unit()
      if (!(ms >= 1000)) throw new NrqlSyntaxError('TIMESERIES bucket must be at least 1 second')
      if (ms % 1000 !== 0) throw new NrqlSyntaxError(`TIMESERIES bucket must be a whole number of seconds, got ${ms / 1000}`)
      return ms
    }
    if (t.type === 'ident' && UNIT_MS[t.value.toLowerCase()] !== undefined) return this.unit()
    return null
  }

  limitArg (): number {
    if (this.acceptKw('max')) return MAX_FACETS
    const t = this.next()
    if (t.type !== 'number' || !Number.isInteger(Number(t.value))) this.fail(t)
    const n = Number(t.value)
    if (n > MAX_FACETS) throw new NrqlSyntaxError(`LIMIT must be at most ${MAX_FACETS}, got ${n}`)
    return n
  }
}

/** New Relic's key for an unaliased function: count, average.duration, percentile.duration... */
function defaultKey (agg: Agg): string {
  if (agg.fn === 'count') return agg.attr === '*' ? 'count' : `count.${agg.attr as string}`
  if (agg.fn === 'filter' || agg.fn === 'percentage' || agg.fn === 'rate') return agg.fn
  return `${agg.fn}.${agg.attr as string}`
}

/**
 * Makes every result key unique, as New Relic does: unaliased percentile()s (or
 * median()s) of one attribute merge into one object keyed by all their percentiles;
 * any other clash (two unaliased filter()s, an alias equal to a FACET attribute,
 * `facet`, `beginTimeSeconds`...) would silently drop a value, so it is refused.
 */
function resultKeys (items: SelectItem[], facets: string[], timeseries: boolean): SelectItem[] {
  const out: SelectItem[] = []
  for (const item of items) {
    const at = out.findIndex(o => o.key === item.key)
    if (at < 0) {
      out.push(item)
      continue
    }
    const prev = out[at]
    const { agg } = item
    if (
      (agg.fn === 'percentile' || agg.fn === 'median') &&
      prev.agg.fn === agg.fn && prev.agg.attr === agg.attr && item.key === defaultKey(agg)
    ) {
      const ps = [...(prev.agg.percentiles as number[])]
      for (const p of agg.percentiles as number[]) if (!ps.includes(p)) ps.push(p)
      out[at] = { key: prev.key, agg: { ...prev.agg, percentiles: ps } }
      continue
    }
    throw new NrqlSyntaxError(
      `Duplicate result key '${item.key}': two aggregates would be returned under the same name; give each its own with AS 'name'`
    )
  }
  const reserved = [
    ...(facets.length > 0 ? ['facet', ...facets] : []),
    ...(timeseries ? ['beginTimeSeconds', 'endTimeSeconds'] : [])
  ]
  for (const { key } of out) {
    if (!reserved.includes(key)) continue
    const what = key === 'facet' || facets.includes(key)
      ? (key === 'facet' ? 'the facet value' : `the FACET attribute ${key}`)
      : 'a TIMESERIES bucket bound'
    throw new NrqlSyntaxError(
      `Duplicate result key '${key}': it is also ${what} of each row; name the aggregate differently with AS 'name'`
    )
  }
  return out
}

/** Parses one NRQL query; throws NrqlSyntaxError with New Relic's style of message. */
export function parseNrql (text: string): Query {
  return new Parser(text).query()
}
