import type { TSchema } from '@sinclair/typebox'
import { ErrorBody } from './common.ts'

/**
 * A response schema with the description the OpenAPI document gives the response
 * (@fastify/swagger reads `x-response-description` and leaves it out of the schema).
 */
export function described<T extends TSchema> (schema: T, description: string): T {
  return { ...schema, 'x-response-description': description }
}

/** The errors routes share: what each status means here, and a message the service really sends. */
export const ERRORS = {
  400: {
    description: 'The request is not valid; the message names the field as the caller wrote it',
    message: 'body.apps.3 has an unknown field "tier"'
  },
  401: {
    description: 'GONOGO_API_TOKENS is set and the request has no valid bearer token',
    message: 'this route needs an "Authorization: Bearer <token>" header'
  },
  404: { description: 'No rollout (or checkpoint) with this id', message: 'no rollout with id 01M8REC11S4F2QFPRSDAAYXZ01' },
  413: { description: 'The body is larger than GONOGO_BODY_LIMIT bytes', message: 'Request body is too large' },
  414: {
    description: 'A path parameter is longer than any rollout id',
    message: 'a path parameter is too long (rollout ids are 26 characters)'
  },
  415: {
    description: 'The body is not JSON',
    message: 'content-type text/plain is not accepted: send JSON with content-type application/json'
  },
  429: {
    description: 'More than GONOGO_RATE_LIMIT requests from this client in a minute; retry after `retry-after` seconds',
    message: 'Rate limit exceeded, retry in 1 minute'
  },
  502: {
    description: 'New Relic could not be read; the message says why (a refused key, an unreadable account, rate limiting, errors)',
    message: 'New Relic could not be read (HTTP 500, after 5 attempts): NerdGraph failed (Internal server error)'
  },
  503: {
    description: 'Redis, the state store, is not reachable; retry after `retry-after` seconds',
    message: 'the state store (Redis) is not reachable; try again shortly'
  },
  504: {
    description: 'New Relic did not answer within GONOGO_ANALYSIS_TIMEOUT_MS',
    message: 'the analysis took longer than 55 s (GONOGO_ANALYSIS_TIMEOUT_MS): New Relic is slow or not answering; ' +
      'try again, or a shorter window or fewer apps'
  }
} as const
export type ErrorStatus = keyof typeof ERRORS

/** Error responses by status, each described as in ERRORS: `response: { 200: ..., ...errors(400, 404) }`. */
export function errors<S extends ErrorStatus> (...statuses: S[]): Record<S, typeof ErrorBody> {
  const out: Partial<Record<S, typeof ErrorBody>> = {}
  for (const status of statuses) out[status] = described(ErrorBody, ERRORS[status].description)
  return out as Record<S, typeof ErrorBody>
}
