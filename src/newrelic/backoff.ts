/**
 * Delay before retry number `retry` (1 = first retry): exponential backoff with
 * full jitter (uniform in [0, min(maxMs, baseMs * 2^(retry-1))])), so many clients
 * failing together do not retry together. A server's Retry-After wins when given,
 * capped by maxMs so a bad header cannot stall a checkpoint.
 */
export function backoffDelay (
  retry: number, baseMs: number, maxMs: number, retryAfterMs?: number, random: () => number = Math.random
): number {
  if (retryAfterMs !== undefined) return Math.min(maxMs, Math.max(0, retryAfterMs))
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1))
  return Math.floor(random() * ceiling)
}

/**
 * Reads a Retry-After header: delta seconds ("3", "1.5") or an HTTP date.
 * Returns milliseconds from `now`, or undefined when absent or unreadable.
 */
export function parseRetryAfter (value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value
  if (raw === undefined) return undefined
  const text = raw.trim()
  if (text === '') return undefined
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  // An HTTP date has a weekday and month name; bare numbers that are not delays are junk.
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Resolves after `ms`. */
export async function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted === true) return
  await new Promise<void>(resolve => {
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve() }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
