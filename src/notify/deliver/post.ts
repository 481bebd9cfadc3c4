import { request, type Dispatcher } from 'undici'
import { clip, oneLine } from '../format/summary.ts'
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
    error: string
  }

const SNIPPET_BYTES = 300

/**
 * POSTs once and classifies the answer: 2xx delivered; 3xx a permanent
 * failure (redirects are not followed: a redirect could lead anywhere,
 * including inside the network); 408, 429 and 5xx retryable (Retry-After
 * read on 429 and 503); other 4xx permanent; network errors and timeouts
 * retryable; a blocked address permanent. Never throws.
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
    const snippet = await readSnippet(res.body)
    const status = res.statusCode
    if (status >= 200 && status < 300) return { ok: true, status }
    const detail = `HTTP ${status}${snippet === '' ? '' : `: ${snippet}`}`
    if (status >= 300 && status < 400) return { ok: false, permanent: true, status, error: `${detail} (redirects are not followed)` }
    if (status === 429 || status === 503 || status === 408 || status >= 500) {
      const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after']) : undefined
      return { ok: false, permanent: false, status, error: detail, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
    }
    return { ok: false, permanent: true, status, error: detail }
  } catch (err) {
    const e = err as Error & { code?: string, cause?: unknown }
    const blocked = e instanceof BlockedAddressError || e.cause instanceof BlockedAddressError
    if (blocked) {
      return { ok: false, permanent: true, error: `blocked: ${(e instanceof BlockedAddressError ? e : e.cause as Error).message}` }
    }
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return { ok: false, permanent: false, error: `timed out after ${req.timeoutMs} ms` }
    }
    return { ok: false, permanent: false, error: clip(oneLine(`${e.code ?? e.name}: ${e.message}`), 300) }
  }
}

/** The first bytes of a response body, for the failure message; the rest is discarded. */
async function readSnippet (body: AsyncIterable<Buffer> & { destroy: () => unknown }): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of body) {
      chunks.push(chunk)
      size += chunk.length
      if (size >= SNIPPET_BYTES) break
    }
  } catch {
    // A body that breaks off after the status line still has a status worth acting on.
  }
  // Control characters and newlines out, so a receiver cannot forge log lines.
  return clip(oneLine(Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\p{Cc}/gu, ' ')), 200)
}

/** Retry-After as delay-seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function parseRetryAfter (value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value
  if (v === undefined || v.trim() === '') return undefined
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
