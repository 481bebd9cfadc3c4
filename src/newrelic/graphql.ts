/**
 * The NerdGraph side of an NRQL batch: the GraphQL document we send and how we
 * read the reply, alias by alias. NRQL travels only as GraphQL variables
 * (`$q0: Nrql!`), so no NRQL text is ever spliced into the GraphQL document.
 */
import type { NrqlResult } from './types.ts'

/** Why one alias of a reply has no result. */
export type FailureKind = 'timeout' | 'rateLimited' | 'server' | 'invalid' | 'auth' | 'query' | 'unknown'

export interface AliasFailure {
  alias: string
  kind: FailureKind
  /** New Relic's message (never contains the API key: we never send it in the body). */
  message: string
  errorClass?: string
}

/** An asynchronous query still running: poll it with nrqlQueryProgress after `retryAfterS`. */
export interface QueryProgress {
  queryId: string
  retryAfterS: number
}

export interface NrqlReply {
  results: Map<string, NrqlResult>
  failures: AliasFailure[]
  /** Aliases sent with `async: true` that are not done yet. */
  progress: Map<string, QueryProgress>
}

/**
 * Kinds worth another attempt; the rest fail at once. `unknown` (an error class gonogo does not
 * know) is tried once more for that query alone, as transient, then fails that query only.
 */
export const RETRYABLE: ReadonlySet<FailureKind> = new Set(['timeout', 'rateLimited', 'server', 'unknown'])

const QUERY_ID = /^[A-Za-z0-9_-]{1,128}$/
const PROGRESS_FIELDS = 'queryProgress { queryId completed retryAfter }'

/**
 * Builds the request body: one aliased `nrql` field per query. The account id is
 * a validated integer, the timeout our own integer; both are safe as literals.
 */
export function buildNrqlRequest (
  accountId: number, queries: Array<[alias: string, nrql: string]>, nrqlTimeoutS: number, async: ReadonlySet<string> = new Set()
): { query: string, variables: Record<string, string> } {
  const declarations = queries.map(([alias]) => `$${alias}: Nrql!`).join(', ')
  const fields = queries.map(([alias]) => async.has(alias)
    ? `${alias}: nrql(query: $${alias}, timeout: ${nrqlTimeoutS}, async: true) { results ${PROGRESS_FIELDS} }`
    : `${alias}: nrql(query: $${alias}, timeout: ${nrqlTimeoutS}) { results }`).join(' ')
  const variables: Record<string, string> = {}
  for (const [alias, nrql] of queries) variables[alias] = nrql
  return {
    query: `query (${declarations}) { actor { account(id: ${accountId}) { ${fields} } } }`,
    variables
  }
}

/**
 * Polls asynchronous queries: one aliased `nrqlQueryProgress` field per query. The ids are New
 * Relic's own, checked to be plain tokens before they are written into the document.
 */
export function buildProgressRequest (accountId: number, polls: Array<[alias: string, queryId: string]>): { query: string } {
  for (const [, id] of polls) if (!QUERY_ID.test(id)) throw new TypeError(`not a query id: ${JSON.stringify(id).slice(0, 60)}`)
  const fields = polls.map(([alias, id]) => `${alias}: nrqlQueryProgress(queryId: "${id}") { results ${PROGRESS_FIELDS} }`).join(' ')
  return { query: `query { actor { account(id: ${accountId}) { ${fields} } } }` }
}

/**
 * Reads a parsed 200 reply. Each alias ends up either with results or with a
 * failure; an error that names no alias (no usable `path`) applies to every
 * alias that has no results.
 */
export function readNrqlReply (body: unknown, aliases: string[]): NrqlReply {
  const reply: NrqlReply = { results: new Map(), failures: [], progress: new Map() }
  const account = dig(body, ['data', 'actor', 'account'])
  for (const alias of aliases) {
    const results = dig(account, [alias, 'results'])
    if (Array.isArray(results)) {
      reply.results.set(alias, { results: results.filter(isRecord) })
      continue
    }
    const progress = dig(account, [alias, 'queryProgress'])
    if (isRecord(progress) && progress.completed !== true && typeof progress.queryId === 'string' && QUERY_ID.test(progress.queryId)) {
      const after = typeof progress.retryAfter === 'number' && Number.isFinite(progress.retryAfter) ? progress.retryAfter : 1
      reply.progress.set(alias, { queryId: progress.queryId, retryAfterS: Math.min(60, Math.max(1, after)) })
    }
  }
  const wanted = new Set(aliases)
  const failed = new Set<string>()
  const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors : []
  for (const error of errors) {
    const errorClass = errorClassOf(error)
    const kind = kindOf(errorClass)
    const message = isRecord(error) && typeof error.message === 'string' ? error.message : 'unknown GraphQL error'
    const path = isRecord(error) && Array.isArray(error.path) ? error.path : []
    const named = path.find((p): p is string => typeof p === 'string' && wanted.has(p))
    const targets = named !== undefined ? [named] : aliases.filter(a => !reply.results.has(a))
    for (const alias of targets) {
      if (failed.has(alias) || reply.results.has(alias) || reply.progress.has(alias)) continue
      failed.add(alias)
      reply.failures.push({ alias, kind, message, ...(errorClass === undefined ? {} : { errorClass }) })
    }
  }
  // A 200 that neither answers nor explains an alias is a server fault; try again.
  for (const alias of aliases) {
    if (!reply.results.has(alias) && !failed.has(alias) && !reply.progress.has(alias)) {
      reply.failures.push({ alias, kind: 'server', message: 'reply has no results for this query' })
    }
  }
  return reply
}

/** The error class of one GraphQL error, wherever New Relic put it. */
function errorClassOf (error: unknown): string | undefined {
  if (!isRecord(error) || !isRecord(error.extensions)) return undefined
  const ext = error.extensions
  // errorClass is what NerdGraph's NRQL errors carry; error_code what its auth errors carry (BAD_API_KEY).
  for (const value of [ext.errorClass, ext.error_code, ext.code, ext.errorCode]) {
    if (typeof value === 'string' && value !== '') return value.toUpperCase()
  }
  return undefined
}

function kindOf (errorClass: string | undefined): FailureKind {
  switch (errorClass) {
    case 'TIMEOUT':
    case 'NRDB_TIMEOUT':
      return 'timeout'
    case 'TOO_MANY_REQUESTS':
      return 'rateLimited'
    case 'INTERNAL_SERVER_ERROR':
    case 'SERVER_ERROR':
      return 'server'
    case 'INVALID_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      return 'invalid'
    case 'BAD_API_KEY':
    case 'UNAUTHORIZED':
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return 'auth'
    case 'GRAPHQL_PARSE_FAILED':
    case 'BAD_USER_INPUT':
      return 'query'
    default:
      return 'unknown'
  }
}

function dig (value: unknown, path: string[]): unknown {
  let here = value
  for (const step of path) {
    if (!isRecord(here)) return undefined
    here = here[step]
  }
  return here
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
