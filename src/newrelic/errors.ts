/**
 * Errors of the NerdGraph client and NRQL templating. Every error carries a `code`
 * so callers (workers, routes, metrics) branch on it instead of on messages, says
 * which queries failed and how many HTTP attempts were made. The API key never
 * appears in a message: the client never passes it to an error.
 */

import { GonogoError } from '../errors.ts'

/** Longest NRQL text quoted in a message; the full text stays on `nrql`. */
const NRQL_IN_MESSAGE = 300
/** Most query names listed in a message; all of them stay on `queries`. */
const KEYS_IN_MESSAGE = 5

export interface NerdGraphErrorDetails {
  /** The caller's names (keys) of the queries that failed. */
  queries?: string[]
  /** NRQL of the failed query when one query is at fault. */
  nrql?: string
  /** HTTP attempts made for the failed queries (1 = no retry). */
  attempts?: number
  /** HTTP status of the last attempt, when one was received. */
  status?: number
  cause?: unknown
}

/** How an API caller sees each kind: the HTTP status, and whether a later try can succeed. */
interface Kind { statusCode: number, retryable: boolean }

/**
 * Base class: something went wrong talking to NerdGraph or building NRQL. `message`
 * names queries and NRQL for the log; `what` (the public message) does not.
 */
export class NerdGraphError extends GonogoError {
  readonly queries: string[]
  readonly nrql: string | undefined
  readonly attempts: number
  readonly status: number | undefined
  /** What went wrong, without query names or NRQL: fit for an API caller's eyes. */
  readonly what: string

  constructor (code: string, what: string, details: NerdGraphErrorDetails = {}, kind: Kind = SERVER) {
    super(code, describe(what, details), { ...kind, ...(details.cause === undefined ? {} : { cause: details.cause }) })
    this.what = what
    this.queries = details.queries ?? []
    this.nrql = details.nrql
    this.attempts = details.attempts ?? 0
    this.status = details.status
  }

  override get publicMessage (): string {
    return this.what
  }
}

const REFUSED: Kind = { statusCode: 502, retryable: false }
const SERVER: Kind = { statusCode: 502, retryable: true }

/** 401/403 or BAD_API_KEY: the key is wrong or lacks access. Never retried. */
export class NerdGraphAuthError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NERDGRAPH_AUTH', what, details, REFUSED) }
}

/** INVALID_INPUT: New Relic could not run the NRQL as written. Never retried. */
export class NrqlInvalidError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NRQL_INVALID', what, details, REFUSED) }
}

/** The HTTP request timed out, or the NRQL reported TIMEOUT, on every attempt. */
export class NerdGraphTimeoutError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) {
    super('NERDGRAPH_TIMEOUT', what, details, { statusCode: 504, retryable: true })
  }
}

/** HTTP 429 or TOO_MANY_REQUESTS on every attempt. */
export class NerdGraphRateLimitError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NERDGRAPH_RATE_LIMITED', what, details, SERVER) }
}

/** HTTP 5xx, INTERNAL_SERVER_ERROR or an unreadable reply on every attempt. */
export class NerdGraphServerError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NERDGRAPH_SERVER', what, details, SERVER) }
}

/** Connection refused, reset, DNS failure... on every attempt; or the client was closed. */
export class NerdGraphNetworkError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NERDGRAPH_NETWORK', what, details, SERVER) }
}

/**
 * Any other refusal that retrying cannot fix: an account the key cannot read,
 * an unexpected 4xx, a GraphQL error class we do not know. Never retried.
 */
export class NerdGraphQueryError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) { super('NERDGRAPH_QUERY', what, details, REFUSED) }
}

/** A value that cannot be safely placed in NRQL, or a template/placeholder mistake. Raised before any request. */
export class NrqlTemplateError extends NerdGraphError {
  constructor (what: string, details?: NerdGraphErrorDetails) {
    super('NRQL_TEMPLATE', what, details, { statusCode: 400, retryable: false })
  }
}

function describe (what: string, d: NerdGraphErrorDetails): string {
  const parts = [what]
  // A 200 carrying GraphQL errors says nothing the error class does not.
  if (d.status !== undefined && (d.status < 200 || d.status > 299)) parts.push(`(HTTP ${d.status})`)
  if (d.attempts !== undefined && d.attempts > 0) parts.push(`after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`)
  if (d.queries !== undefined && d.queries.length > 0) {
    const shown = d.queries.slice(0, KEYS_IN_MESSAGE).join(', ')
    const more = d.queries.length > KEYS_IN_MESSAGE ? ` and ${d.queries.length - KEYS_IN_MESSAGE} more` : ''
    parts.push(`for ${d.queries.length === 1 ? 'query' : 'queries'} ${shown}${more}`)
  }
  let message = parts.join(' ')
  if (d.nrql !== undefined) {
    const nrql = d.nrql.length > NRQL_IN_MESSAGE ? `${d.nrql.slice(0, NRQL_IN_MESSAGE)}...` : d.nrql
    message += `: ${nrql}`
  }
  return message
}
