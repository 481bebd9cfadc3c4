import { UpstreamError } from '../errors.ts'
import {
  NerdGraphAuthError, NerdGraphError, NerdGraphRateLimitError, NerdGraphTimeoutError, NrqlTemplateError
} from '../newrelic/errors.ts'
import { BadRequestError } from '../errors.ts'

/** Which account was read, and whether the caller chose it (else it is NEW_RELIC_ACCOUNT_ID). */
export interface UpstreamContext {
  accountId: number
  accountFromRequest: boolean
}

/**
 * Says what went wrong reading New Relic in terms an API caller can act on:
 * 504 when it did not answer in time, 502 for everything else it did wrong,
 * 400 when one of the caller's values cannot be put into NRQL safely or names an
 * account the key cannot read. Messages leave out NRQL and internal query names
 * (the cause, logged, keeps them).
 */
export function toUpstreamError (err: unknown, ctx?: UpstreamContext): Error {
  if (err instanceof NrqlTemplateError) return new BadRequestError(`a value cannot be used in NRQL: ${err.what}`)
  if (!(err instanceof NerdGraphError)) return err instanceof Error ? err : new Error(String(err))
  const http = err.status !== undefined && (err.status < 200 || err.status > 299) ? `HTTP ${err.status}` : ''
  const tries = http !== '' || err.attempts > 1 ? ` (${[http, err.attempts > 1 ? `after ${err.attempts} attempts` : ''].filter(x => x !== '').join(', ')})` : ''
  if (err instanceof NerdGraphTimeoutError) {
    return new UpstreamError(`New Relic did not answer in time${tries}: ${err.what}`, 504, { cause: err })
  }
  if (err instanceof NerdGraphAuthError) {
    // HTTP 401 is the key itself; a refusal inside a 200 is the account the key cannot read.
    if (err.status !== 401 && ctx !== undefined) {
      const which = `New Relic account ${ctx.accountId} cannot be read with the configured API key`
      if (ctx.accountFromRequest) return new BadRequestError(`${which}; use an account the key has access to`, 400, 'body.accountId')
      return new UpstreamError(`${which} (NEW_RELIC_ACCOUNT_ID): ${err.what}`, 502, { cause: err })
    }
    return new UpstreamError(`New Relic refused the configured API key (NEW_RELIC_API_KEY): ${err.what}`, 502, { cause: err })
  }
  if (err instanceof NerdGraphRateLimitError) {
    return new UpstreamError(`New Relic kept rate-limiting the queries${tries}: ${err.what}`, 502, { cause: err })
  }
  return new UpstreamError(`New Relic could not be read${tries}: ${err.what}`, 502, { cause: err })
}
