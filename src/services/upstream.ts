import { UpstreamError } from '../errors.ts'
import {
  NerdGraphAuthError, NerdGraphError, NerdGraphRateLimitError, NerdGraphTimeoutError, NrqlTemplateError
} from '../newrelic/errors.ts'
import { BadRequestError } from '../errors.ts'

/**
 * Says what went wrong reading New Relic in terms an API caller can act on:
 * 504 when it did not answer in time, 502 for everything else it did wrong,
 * 400 when one of the caller's values cannot be put into NRQL safely.
 */
export function toUpstreamError (err: unknown): Error {
  if (err instanceof NrqlTemplateError) return new BadRequestError(`a value cannot be used in NRQL: ${err.message}`)
  if (!(err instanceof NerdGraphError)) return err instanceof Error ? err : new Error(String(err))
  if (err instanceof NerdGraphTimeoutError) {
    return new UpstreamError(`New Relic did not answer in time: ${err.message}`, 504, { cause: err })
  }
  if (err instanceof NerdGraphAuthError) {
    return new UpstreamError(`New Relic refused the API key or the account: ${err.message}`, 502, { cause: err })
  }
  if (err instanceof NerdGraphRateLimitError) {
    return new UpstreamError(`New Relic kept rate-limiting the queries: ${err.message}`, 502, { cause: err })
  }
  return new UpstreamError(`New Relic could not be read: ${err.message}`, 502, { cause: err })
}
