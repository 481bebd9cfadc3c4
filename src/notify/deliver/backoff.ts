/** Retry timing of deliveries. */
export interface BackoffOptions {
  /** Delay before the first retry, before jitter. */
  baseDelayMs: number
  /** Longest delay between two attempts (also caps a receiver's Retry-After). */
  maxDelayMs: number
}

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half
 * and all of base * 2^(n-1), capped. Jitter spreads the retries of many
 * deliveries that failed together (a receiver outage) so they do not all
 * return at the same instant.
 */
export function retryDelay (attemptsMade: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1))
  return Math.round(exp / 2 + random() * exp / 2)
}

/** A receiver's Retry-After wins over our own schedule, within maxDelayMs. */
export function delayFor (attemptsMade: number, retryAfterMs: number | undefined, opts: BackoffOptions, random?: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(opts.maxDelayMs, Math.max(0, retryAfterMs))
  return retryDelay(attemptsMade, opts, random)
}
