import { createHash } from 'node:crypto'
import { request, type Dispatcher } from 'undici'
import { BlockedAddressError } from './guard.ts'

export interface PostRequest {
  url: string
  body: string
  headers: Record<string, string>
  /** Whole attempt: connect, headers and body. */
  timeoutMs: number
  dispatcher: Dispatcher
}

/** How one attempt went. */
export type PostResult =
  | { ok: true, status: number }
  | {
    ok: false
    /** No retry can help (4xx other than 408/429, redirects, blocked addresses). */
    permanent: boolean
    status?: number
    /** From Retry-After on 429 or 503, when given. */
    retryAfterMs?: number
    /** "sha256:<12 hex> (<n> bytes)" of the receiver's answer: to match it with the receiver's log, never its text. */
    digest?: string
    /** Our own words only: a status, a code, a host. Nothing the receiver wrote (it may echo the webhook path). */
    error: string
  }

/** The most of an answer's body that is read (for its digest); the rest is discarded. */
const DIGEST_BYTES = 64 * 1024

/**
 * POSTs once and classifies the answer: 2xx delivered; 3xx a permanent
 * failure (redirects are not followed: a redirect could lead anywhere,
 * including inside the network); 408, 429 and 5xx retryable (Retry-After
 * read on 429 and 503); other 4xx permanent; network errors and timeouts
 * retryable; a blocked address permanent. Never throws.
 * Redaction by construction: the receiver's body is never kept, only its digest,
 * so no spelling of a webhook path or secret it echoes (upper-cased, decoded)
 * can reach a log line or a failure record.
 */
export async function postOnce (req: PostRequest): Promise<PostResult> {
  try {
    const res = await request(req.url, {
      method: 'POST',
      body: req.body,
      headers: req.headers,
      dispatcher: req.dispatcher,
      signal: AbortSignal.timeout(req.timeoutMs),
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs
    })
    const digest = await digestOf(res.body)
    const status = res.statusCode
    if (status >= 200 && status < 300) return { ok: true, status }
    const error = `HTTP ${status} ${statusWords(status)}${digest === undefined ? '' : `, answer ${digest}`}`
    const seen = { status, ...(digest === undefined ? {} : { digest }) }
    if (status >= 300 && status < 400) return { ok: false, permanent: true, ...seen, error }
    if (status === 429 || status === 503 || status === 408 || status >= 500) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined
      return { ok: false, permanent: false, ...seen, error, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
    }
    return { ok: false, permanent: true, ...seen, error }
  } catch (err) {
    const e = err as Error & { code?: string, cause?: unknown }
    const blocked = e instanceof BlockedAddressError || e.cause instanceof BlockedAddressError
    if (blocked) {
      // Our own message: the host and the address it resolved to, never the path.
      return { ok: false, permanent: true, error: `blocked: ${(e instanceof BlockedAddressError ? e : e.cause as Error).message}` }
    }
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return { ok: false, permanent: false, error: `timed out after ${req.timeoutMs} ms` }
    }
    // A code (ECONNREFUSED, UND_ERR_SOCKET) says what happened; messages may quote the request.
    return { ok: false, permanent: false, error: `network error ${safeCode(e.code ?? e.name)}` }
  }
}

/** What a status means for a delivery, in our words. */
function statusWords (status: number): string {
  if (status >= 300 && status < 400) return '(a redirect; redirects are not followed)'
  if (status === 408) return '(the receiver timed out reading it)'
  if (status === 429) return '(the receiver is rate limiting)'
  if (status >= 500) return '(the receiver failed or is unavailable)'
  if (status === 401 || status === 403) return '(the receiver refused the credentials: check the URL or secret)'
  if (status === 404 || status === 410) return '(no such webhook at the receiver)'
  return '(the receiver refused the message)'
}

/** Error codes are identifiers; anything else in their place is dropped. */
function safeCode (code: string): string {
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'unknown'
}

/**
 * "sha256:1a2b3c4d5e6f (120 bytes)" of a body, of its "first 65536 bytes" when it is that long
 * (the rest is discarded unread); undefined for an empty body.
 */
async function digestOf (body: AsyncIterable<Buffer>): Promise<string | undefined> {
  const hash = createHash('sha256')
  let size = 0
  try {
    for await (const chunk of body) {
      const part = chunk.subarray(0, DIGEST_BYTES - size)
      hash.update(part)
      size += part.length
      if (size >= DIGEST_BYTES) break
    }
  } catch {
    // A body that breaks off after the status line still has a status worth acting on.
  }
  if (size === 0) return undefined
  return `sha256:${hash.digest('hex').slice(0, 12)} (${size >= DIGEST_BYTES ? 'first ' : ''}${size} bytes)`
}

/** Retry-After as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
