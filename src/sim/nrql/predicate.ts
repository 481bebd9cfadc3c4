/**
 * WHERE clauses compiled for one (app, host): to `true` or `false` when the
 * answer does not depend on the event (so a whole host is taken or skipped
 * without generating it), otherwise to a per-event test.
 */
import type { EventTable } from '../event-table.ts'
import type { AppModel } from '../model.ts'
import type { Expr, Literal } from './ast.ts'
import type { Value } from './attr-def.ts'
import { attrDef } from './attributes.ts'

export type EventTest = (t: EventTable, i: number) => boolean
export type Compiled = boolean | EventTest

/** Equality with New Relic's leniency between numbers and numeric strings. */
export function looseEquals (a: Value, b: Literal): boolean {
  if (a === null || b === null) return false
  if (typeof a === typeof b) return a === b
  if (typeof a === 'number' && typeof b === 'string') return b.trim() !== '' && Number(b) === a
  if (typeof a === 'string' && typeof b === 'number') return a.trim() !== '' && Number(a) === b
  return String(a) === String(b)
}

function order (a: Value, b: Literal): number | null {
  if (a === null || b === null) return null
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  const x = typeof a === 'string' ? Number(a) : a
  const y = typeof b === 'string' ? Number(b) : b
  if (typeof x !== 'number' || typeof y !== 'number' || Number.isNaN(x) || Number.isNaN(y)) return null
  return x - y
}

function likeRegex (pattern: string): RegExp {
  const body = pattern.split('%').map(s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${body}$`, 's')
}

type Leaf = Exclude<Expr, { kind: 'and' | 'or' | 'not' }>

/** The test of a leaf on one value; comparisons with null are false, as in NRQL. */
function leafTest (e: Leaf): (v: Value) => boolean {
  switch (e.kind) {
    case 'cmp': {
      const { op, value } = e
      if (op === '=') return v => looseEquals(v, value)
      if (op === '!=') return v => v !== null && value !== null && !looseEquals(v, value)
      return v => {
        const c = order(v, value)
        if (c === null) return false
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0
      }
    }
    case 'in': {
      const { values, negated } = e
      return v => v !== null && values.some(x => looseEquals(v, x)) !== negated
    }
    case 'is': {
      const want = e.test === 'null' ? null : e.test === 'true'
      return v => (v === want) !== e.negated
    }
    case 'like': {
      const re = likeRegex(e.pattern)
      return v => typeof v === 'string' && re.test(v) !== e.negated
    }
  }
}

function compileLeaf (eventType: string, e: Leaf, app: AppModel, host: string): Compiled {
  const def = attrDef(eventType, e.attr)
  const test = leafTest(e)
  if (def.constant !== undefined) return test(def.constant(app, host))
  if (def.code !== undefined && def.codeCount !== undefined && def.decode !== undefined) {
    const n = def.codeCount(app)
    const table = new Uint8Array(n)
    let hits = 0
    for (let c = 0; c < n; c++) {
      if (test(def.decode(app, c))) {
        table[c] = 1
        hits++
      }
    }
    if (hits === 0) return false
    if (hits === n) return true
    if (def.codeColumn === 'err') return (t, i) => table[t.err[i]] === 1
    if (def.codeColumn === 'name') return (t, i) => table[t.name[i]] === 1
    const code = def.code
    return (t, i) => table[code(t, i)] === 1
  }
  if (def.column === 'dur' && e.kind === 'cmp' && typeof e.value === 'number') {
    const x = e.value
    switch (e.op) {
      case '>': return (t, i) => t.dur[i] > x
      case '>=': return (t, i) => t.dur[i] >= x
      case '<': return (t, i) => t.dur[i] < x
      case '<=': return (t, i) => t.dur[i] <= x
      case '=': return (t, i) => t.dur[i] === x
      case '!=': return (t, i) => t.dur[i] !== x
    }
  }
  const get = def.get
  return (t, i) => test(get(app, host, t, i))
}

/** Compiles `e` for the events of (app, host) of the given event type. */
export function compileWhere (eventType: string, e: Expr | undefined, app: AppModel, host: string): Compiled {
  if (e === undefined) return true
  switch (e.kind) {
    case 'and': {
      const l = compileWhere(eventType, e.left, app, host)
      if (l === false) return false
      const r = compileWhere(eventType, e.right, app, host)
      if (r === false) return false
      if (l === true) return r
      if (r === true) return l
      return (t, i) => l(t, i) && r(t, i)
    }
    case 'or': {
      const l = compileWhere(eventType, e.left, app, host)
      if (l === true) return true
      const r = compileWhere(eventType, e.right, app, host)
      if (r === true) return true
      if (l === false) return r
      if (r === false) return l
      return (t, i) => l(t, i) || r(t, i)
    }
    case 'not': {
      const x = compileWhere(eventType, e.expr, app, host)
      if (typeof x === 'boolean') return !x
      return (t, i) => !x(t, i)
    }
    default:
      return compileLeaf(eventType, e, app, host)
  }
}
