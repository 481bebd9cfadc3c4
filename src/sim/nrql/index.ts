/** NRQL entry point: parse (with a small cache of parsed queries) and execute. */
import type { BlockStore } from '../store.ts'
import type { Query } from './ast.ts'
import { executeQuery } from './execute.ts'
import type { ExecOptions, ExecResult } from './execute.ts'
import { parseNrql } from './parser.ts'

export { NrqlSyntaxError } from './lexer.ts'
export type { ExecOptions, ExecResult, Row } from './execute.ts'

const PARSED_MAX = 500
const parsed = new Map<string, Query>()

function parseCached (text: string): Query {
  const hit = parsed.get(text)
  if (hit !== undefined) return hit
  const q = parseNrql(text)
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string)
  parsed.set(text, q)
  return q
}

/** Runs one NRQL query text; throws NrqlSyntaxError when New Relic would refuse it. */
export function runNrql (store: BlockStore, text: string, opts: ExecOptions): ExecResult {
  return executeQuery(store, parseCached(text), opts)
}
