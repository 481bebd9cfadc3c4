/**
 * The HTTP client of the CLI: Node's global fetch against GONOGO_URL, the bearer token on
 * every request when one is given (reads need it under GONOGO_READ_TOKENS_REQUIRED), JSON in
 * and out, and two errors: ApiError for an answer that is not a success, Unreachable when
 * there was no answer at all.
 */
import { CliError, EXIT } from './exit.ts'

export interface ApiErrorBody { statusCode: number, error: string, message: string }

/** The service answered with an error: its `{statusCode, error, message}` when it sent one. */
export class ApiError extends Error {
  readonly exitCode = EXIT.FAILED
  constructor (readonly status: number, message: string, readonly body: unknown) {
    super(message)
    this.name = 'ApiError'
  }
}

/** No answer: refused, reset, DNS, TLS, or no answer within the timeout. */
export class Unreachable extends Error {
  readonly exitCode = EXIT.UNKNOWN
  constructor (message: string) {
    super(message)
    this.name = 'Unreachable'
  }
}

export type Query = Record<string, string | number | boolean | undefined>

export interface RequestOptions {
  query?: Query
  /** Sent as JSON. */
  body?: unknown
  /** Statuses that are an answer rather than an error (GET /gate's 409). */
  accept?: number[]
  timeoutMs?: number
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface Answer<T> { status: number, body: T, headers: Headers }

export const DEFAULT_TIMEOUT_MS = 30_000
const USER_AGENT = 'gonogo-cli'

export class Client {
  readonly base: URL

  constructor (url: string, private readonly token?: string) {
    let base: URL
    try {
      base = new URL(url)
    } catch {
      throw new CliError(`GONOGO_URL is not a URL: ${JSON.stringify(url)}`)
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new CliError(`GONOGO_URL must be http or https, not ${base.protocol}`)
    }
    // A base path (https://host/gonogo) is kept: paths are resolved below it.
    if (!base.pathname.endsWith('/')) base.pathname += '/'
    this.base = base
  }

  url (path: string, query: Query = {}): URL {
    const url = new URL(path.replace(/^\/+/, ''), this.base)
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v))
    return url
  }

  headers (extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { 'user-agent': USER_AGENT, ...extra }
    if (this.token !== undefined && this.token !== '') h.authorization = `Bearer ${this.token}`
    return h
  }

  async get<T> (path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
    return await this.request<T>('GET', path, opts)
  }

  async post<T> (path: string, body: unknown, opts: RequestOptions = {}): Promise<Answer<T>> {
    return await this.request<T>('POST', path, { ...opts, body })
  }

  async delete<T> (path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
    return await this.request<T>('DELETE', path, opts)
  }

  async request<T> (method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
    const headers = this.headers({ accept: 'application/json', ...opts.headers })
    let payload: string | undefined
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(opts.body)
    }
    const res = await this.send(this.url(path, opts.query), { method, headers, body: payload }, opts)
    const text = await res.text()
    const body = parseJson(text)
    if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status) === true) {
      return { status: res.status, body: body as T, headers: res.headers }
    }
    throw new ApiError(res.status, errorMessage(res, body, text), body)
  }

  /** A raw response (for the event stream); network failures are Unreachable, statuses are left to the caller. */
  async open (path: string, opts: RequestOptions & { accept?: never } = {}): Promise<Response> {
    return await this.send(this.url(path, opts.query), { method: 'GET', headers: this.headers(opts.headers) }, opts)
  }

  private async send (url: URL, init: RequestInit, opts: RequestOptions): Promise<Response> {
    const signals = [opts.signal, opts.timeoutMs === 0 ? undefined : AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS)]
      .filter((s): s is AbortSignal => s !== undefined)
    try {
      return await fetch(url, { ...init, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined })
    } catch (err) {
      if (opts.signal?.aborted === true) throw err
      throw new Unreachable(unreachableMessage(this.base, err, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS))
    }
  }
}

function parseJson (text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function errorMessage (res: Response, body: unknown, text: string): string {
  if (typeof body === 'object' && body !== null && typeof (body as ApiErrorBody).message === 'string') {
    return (body as ApiErrorBody).message
  }
  // Not the API's error body (a proxy's page, an empty answer): the reason phrase and the first line.
  const first = text.split('\n').find(l => l.trim() !== '')?.trim().slice(0, 200)
  return [res.statusText === '' ? 'the service answered with an error' : res.statusText, first].filter(Boolean).join(': ')
}

/** Why fetch failed, in words: undici puts the system error (ECONNREFUSED, ENOTFOUND) in `cause`. */
function unreachableMessage (base: URL, err: unknown, timeoutMs: number): string {
  const where = base.href.replace(/\/$/, '')
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer from ${where} within ${Math.round(timeoutMs / 1000)} s`
  }
  const cause = err instanceof Error ? (err.cause as { code?: string, message?: string } | undefined) : undefined
  const why = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))
  return `cannot reach ${where} (${why})`
}
