/**
 * NerdGraph's error shapes, as close as public material shows them: GraphQL
 * `errors` entries with `extensions.errorClass` (INVALID_INPUT, TIMEOUT...),
 * `path` made of response keys, and `locations`.
 */
import type { Loc } from './parse.ts'

export interface GqlError {
  message: string
  path?: Array<string | number>
  locations?: Loc[]
  extensions?: Record<string, unknown>
}

export type ErrorClass = 'INVALID_INPUT' | 'TIMEOUT' | 'FORBIDDEN' | 'BAD_API_KEY' | 'TOO_MANY_REQUESTS' |
  'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE' | 'GRAPHQL_VALIDATION_FAILED'

/** One `errors` entry. */
export function gqlError (message: string, errorClass: ErrorClass, path?: Array<string | number>, loc?: Loc): GqlError {
  const e: GqlError = { message }
  if (path !== undefined) e.path = path
  if (loc !== undefined) e.locations = [loc]
  e.extensions = { errorClass }
  return e
}

/**
 * Body of a 401. The Go client checks `extensions.error_code` for BAD_API_KEY
 * while others read `errorClass`; both are set.
 */
export function badApiKeyBody (missing: boolean): { errors: GqlError[] } {
  return {
    errors: [{
      message: missing ? 'Missing API key' : 'Invalid API key',
      extensions: { errorClass: 'BAD_API_KEY', error_code: 'BAD_API_KEY' }
    }]
  }
}

/** Body of an injected HTTP failure (429, 500, 503). */
export function httpFaultBody (status: number): { errors: GqlError[] } {
  if (status === 429) return { errors: [gqlError('Too many requests: rate limit exceeded, retry later', 'TOO_MANY_REQUESTS')] }
  if (status === 503) return { errors: [gqlError('Service temporarily unavailable', 'SERVICE_UNAVAILABLE')] }
  return { errors: [gqlError('Internal server error', 'INTERNAL_SERVER_ERROR')] }
}

/** Body of a 429 for New Relic's concurrency limit (25 requests in flight per user there). */
export function concurrencyBody (max: number): { errors: GqlError[] } {
  const message = `Too many concurrent requests: at most ${max} requests of one API key may be in flight at once; ` +
    'retry after the time in Retry-After'
  return { errors: [gqlError(message, 'TOO_MANY_REQUESTS')] }
}
