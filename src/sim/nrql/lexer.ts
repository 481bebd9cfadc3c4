/**
 * NRQL tokens. Keywords are plain identifiers compared case-insensitively by
 * the parser; `error.class` is one identifier, `` `error.class` `` a quoted one.
 */

export type TokenType = 'ident' | 'quoted' | 'string' | 'number' | 'op' | 'eof'

export interface Token {
  type: TokenType
  /** Identifier or operator text, string contents (unescaped), or number text. */
  value: string
  /** Offset in the query text. */
  pos: number
  /** The source text of the token, for error messages. */
  raw: string
}

/** A query New Relic would refuse; the message follows NRDB's wording. */
export class NrqlSyntaxError extends Error {
  constructor (message: string) {
    super(`NRQL Syntax Error: ${message}`)
    this.name = 'NrqlSyntaxError'
  }
}

/** NRDB points at the line and 1-based position of the offending token. */
export function unexpected (text: string, tok: Token): NrqlSyntaxError {
  const before = text.slice(0, tok.pos)
  const line = before.split('\n').length
  const column = tok.pos - (before.lastIndexOf('\n') + 1) + 1
  const what = tok.type === 'eof' ? '<EOF>' : tok.raw
  return new NrqlSyntaxError(`Error at line ${line} position ${column}, unexpected '${what}'`)
}

const OPS = ['!=', '<>', '<=', '>=', '=', '<', '>', '(', ')', ',', '*', '-', '+', '/']

function isIdentStart (c: string): boolean {
  return /[A-Za-z_$]/.test(c)
}

function isIdentPart (c: string): boolean {
  return /[A-Za-z0-9_.$:]/.test(c)
}

/** Splits an NRQL query into tokens; throws NrqlSyntaxError on stray characters. */
export function tokenize (text: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i++
      continue
    }
    // NRQL comments: -- and // to the end of the line, /* ... */ anywhere.
    if (text.startsWith('--', i) || text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++
      continue
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new NrqlSyntaxError(`Error at position ${i + 1}, unterminated comment`)
      i = end + 2
      continue
    }
    const start = i
    if (c === "'") {
      // New Relic escapes a quote inside a string with a backslash: 'O\'Brien'.
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) throw new NrqlSyntaxError(`Error at position ${start + 1}, unterminated string literal`)
        const ch = text[i]
        if (ch === '\\' && i + 1 < text.length) {
          value += text[i + 1]
          i += 2
          continue
        }
        if (ch === "'") {
          i++
          break
        }
        value += ch
        i++
      }
      out.push({ type: 'string', value, pos: start, raw: text.slice(start, i) })
      continue
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1)
      if (end < 0) throw new NrqlSyntaxError(`Error at position ${start + 1}, unterminated quoted identifier`)
      const value = text.slice(i + 1, end)
      i = end + 1
      out.push({ type: 'quoted', value, pos: start, raw: text.slice(start, i) })
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i)) as RegExpExecArray
      i += m[0].length
      out.push({ type: 'number', value: m[0], pos: start, raw: m[0] })
      continue
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text[i])) i++
      const raw = text.slice(start, i)
      out.push({ type: 'ident', value: raw, pos: start, raw })
      continue
    }
    const op = OPS.find(o => text.startsWith(o, i))
    if (op === undefined) {
      throw unexpected(text, { type: 'op', value: c, pos: i, raw: c })
    }
    i += op.length
    out.push({ type: 'op', value: op === '<>' ? '!=' : op, pos: start, raw: op })
  }
  out.push({ type: 'eof', value: '', pos: text.length, raw: '' })
  return out
}
