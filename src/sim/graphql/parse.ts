/**
 * A small GraphQL document parser: operations with variable definitions,
 * selection sets, aliases, arguments (variables and every literal kind),
 * fragments and directives (parsed, then ignored). Enough for what NerdGraph
 * clients send; no schema validation.
 */

export interface Loc { line: number, column: number }

export type GValue =
  | { kind: 'var', name: string }
  | { kind: 'int' | 'float', value: number }
  | { kind: 'string', value: string }
  | { kind: 'bool', value: boolean }
  | { kind: 'null' }
  | { kind: 'enum', value: string }
  | { kind: 'list', values: GValue[] }
  | { kind: 'object', fields: Record<string, GValue> }

export interface Field {
  kind: 'field'
  alias?: string
  name: string
  args: Record<string, GValue>
  selections?: Selection[]
  loc: Loc
}

export type Selection =
  | Field
  | { kind: 'spread', name: string, loc: Loc }
  | { kind: 'inline', selections: Selection[], typeCondition?: string }

export interface VarDef { name: string, type: string, defaultValue?: GValue }

export interface Operation {
  type: 'query' | 'mutation' | 'subscription'
  name?: string
  variables: VarDef[]
  selections: Selection[]
}

export interface GqlDocument {
  operations: Operation[]
  fragments: Map<string, Selection[]>
  /** The type condition of each named fragment (`fragment F on Type`). */
  fragmentTypes: Map<string, string>
}

/** A document that is not valid GraphQL syntax. */
export class GraphQLSyntaxError extends Error {
  readonly loc: Loc

  constructor (message: string, loc: Loc) {
    super(`Syntax Error: ${message}`)
    this.name = 'GraphQLSyntaxError'
    this.loc = loc
  }
}

interface Tok { t: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof', v: string, pos: number }

const PUNCT = new Set(['!', '$', '&', '(', ')', ':', '=', '@', '[', ']', '{', '|', '}'])

function locOf (src: string, pos: number): Loc {
  const before = src.slice(0, pos)
  const line = before.split('\n').length
  return { line, column: pos - before.lastIndexOf('\n') }
}

function readString (src: string, i: number): [string, number] {
  if (src.startsWith('"""', i)) {
    const end = src.indexOf('"""', i + 3)
    if (end < 0) throw new GraphQLSyntaxError('Unterminated string.', locOf(src, i))
    return [src.slice(i + 3, end).replace(/\\"""/g, '"""'), end + 3]
  }
  let out = ''
  let j = i + 1
  for (;;) {
    if (j >= src.length || src[j] === '\n') throw new GraphQLSyntaxError('Unterminated string.', locOf(src, i))
    const c = src[j]
    if (c === '"') return [out, j + 1]
    if (c !== '\\') {
      out += c
      j++
      continue
    }
    const e = src[j + 1]
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
    if (e in simple) {
      out += simple[e]
      j += 2
    } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(j + 2, j + 6))) {
      out += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16))
      j += 6
    } else {
      throw new GraphQLSyntaxError(`Invalid character escape sequence: \\${e}`, locOf(src, j))
    }
  }
}

function lex (src: string): Tok[] {
  const toks: Tok[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++
      continue
    }
    if (/[\s,\uFEFF]/.test(c)) {
      i++
      continue
    }
    if (src.startsWith('...', i)) {
      toks.push({ t: 'punct', v: '...', pos: i })
      i += 3
      continue
    }
    if (PUNCT.has(c)) {
      toks.push({ t: 'punct', v: c, pos: i })
      i++
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i)) as RegExpExecArray
      toks.push({ t: 'name', v: m[0], pos: i })
      i += m[0].length
      continue
    }
    const num = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))
    if (num !== null && num[0] !== '-') {
      toks.push({ t: num[1] !== undefined || num[2] !== undefined ? 'float' : 'int', v: num[0], pos: i })
      i += num[0].length
      continue
    }
    if (c === '"') {
      const [value, next] = readString(src, i)
      toks.push({ t: 'string', v: value, pos: i })
      i = next
      continue
    }
    throw new GraphQLSyntaxError(`Unexpected character: "${c}".`, locOf(src, i))
  }
  toks.push({ t: 'eof', v: '', pos: src.length })
  return toks
}

class P {
  readonly src: string
  readonly toks: Tok[]
  i = 0

  constructor (src: string) {
    this.src = src
    this.toks = lex(src)
  }

  peek (): Tok { return this.toks[this.i] }
  next (): Tok { return this.toks[this.i < this.toks.length - 1 ? this.i++ : this.i] }

  fail (tok: Tok = this.peek(), expected?: string): never {
    const found = tok.t === 'eof' ? '<EOF>' : tok.t === 'string' ? 'string' : `"${tok.v}"`
    throw new GraphQLSyntaxError(
      expected === undefined ? `Unexpected ${found}.` : `Expected ${expected}, found ${found}.`,
      locOf(this.src, tok.pos)
    )
  }

  isP (v: string): boolean {
    const t = this.peek()
    return t.t === 'punct' && t.v === v
  }

  accept (v: string): boolean {
    if (!this.isP(v)) return false
    this.i++
    return true
  }

  expect (v: string): void {
    if (!this.accept(v)) this.fail(this.peek(), `"${v}"`)
  }

  name (): string {
    const t = this.next()
    if (t.t !== 'name') this.fail(t, 'Name')
    return t.v
  }

  document (): GqlDocument {
    const doc: GqlDocument = { operations: [], fragments: new Map(), fragmentTypes: new Map() }
    while (this.peek().t !== 'eof') {
      const t = this.peek()
      if (this.isP('{')) {
        doc.operations.push({ type: 'query', variables: [], selections: this.selectionSet() })
      } else if (t.t === 'name' && (t.v === 'query' || t.v === 'mutation' || t.v === 'subscription')) {
        doc.operations.push(this.operation())
      } else if (t.t === 'name' && t.v === 'fragment') {
        this.i++
        const name = this.name()
        if (this.name() !== 'on') this.fail(this.toks[this.i - 1], '"on"')
        doc.fragmentTypes.set(name, this.name())
        this.directives()
        doc.fragments.set(name, this.selectionSet())
      } else {
        this.fail(t)
      }
    }
    if (doc.operations.length === 0) this.fail(this.peek())
    return doc
  }

  operation (): Operation {
    const type = this.name() as Operation['type']
    const op: Operation = { type, variables: [], selections: [] }
    if (this.peek().t === 'name') op.name = this.name()
    if (this.accept('(')) {
      while (!this.accept(')')) {
        this.expect('$')
        const name = this.name()
        this.expect(':')
        const type = this.typeRef()
        const def: VarDef = { name, type }
        if (this.accept('=')) def.defaultValue = this.value(true)
        this.directives()
        op.variables.push(def)
      }
    }
    this.directives()
    op.selections = this.selectionSet()
    return op
  }

  typeRef (): string {
    let out: string
    if (this.accept('[')) {
      out = `[${this.typeRef()}]`
      this.expect(']')
    } else {
      out = this.name()
    }
    if (this.accept('!')) out += '!'
    return out
  }

  directives (): void {
    while (this.accept('@')) {
      this.name()
      if (this.isP('(')) this.args()
    }
  }

  selectionSet (): Selection[] {
    this.expect('{')
    const out: Selection[] = []
    while (!this.accept('}')) {
      if (this.peek().t === 'eof') this.fail()
      out.push(this.selection())
    }
    return out
  }

  selection (): Selection {
    const start = this.peek()
    if (this.accept('...')) {
      if (this.peek().t === 'name' && this.peek().v !== 'on') {
        const name = this.name()
        this.directives()
        return { kind: 'spread', name, loc: locOf(this.src, start.pos) }
      }
      let typeCondition: string | undefined
      if (this.peek().t === 'name') {
        this.name()
        typeCondition = this.name()
      }
      this.directives()
      const inline: Selection = { kind: 'inline', selections: this.selectionSet() }
      if (typeCondition !== undefined) inline.typeCondition = typeCondition
      return inline
    }
    let name = this.name()
    let alias: string | undefined
    if (this.accept(':')) {
      alias = name
      name = this.name()
    }
    const field: Field = { kind: 'field', name, args: {}, loc: locOf(this.src, start.pos) }
    if (alias !== undefined) field.alias = alias
    if (this.isP('(')) field.args = this.args()
    this.directives()
    if (this.isP('{')) field.selections = this.selectionSet()
    return field
  }

  args (): Record<string, GValue> {
    this.expect('(')
    const out: Record<string, GValue> = {}
    while (!this.accept(')')) {
      const name = this.name()
      this.expect(':')
      out[name] = this.value(false)
    }
    return out
  }

  value (isConst: boolean): GValue {
    const t = this.next()
    switch (t.t) {
      case 'int': return { kind: 'int', value: Number(t.v) }
      case 'float': return { kind: 'float', value: Number(t.v) }
      case 'string': return { kind: 'string', value: t.v }
      case 'name':
        if (t.v === 'true' || t.v === 'false') return { kind: 'bool', value: t.v === 'true' }
        if (t.v === 'null') return { kind: 'null' }
        return { kind: 'enum', value: t.v }
      case 'punct':
        if (t.v === '$' && !isConst) return { kind: 'var', name: this.name() }
        if (t.v === '[') {
          const values: GValue[] = []
          while (!this.accept(']')) values.push(this.value(isConst))
          return { kind: 'list', values }
        }
        if (t.v === '{') {
          const fields: Record<string, GValue> = {}
          while (!this.accept('}')) {
            const name = this.name()
            this.expect(':')
            fields[name] = this.value(isConst)
          }
          return { kind: 'object', fields }
        }
        return this.fail(t)
      default:
        return this.fail(t)
    }
  }
}

/** Parses a GraphQL document; throws GraphQLSyntaxError with a location. */
export function parseGraphQL (src: string): GqlDocument {
  return new P(src).document()
}
