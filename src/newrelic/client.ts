/**
 * NerdGraph client for NRQL: batches aliased queries into few HTTP requests,
 * caps concurrency, times out, and retries what retrying can fix.
 *
 * Over 200 lines: batching, the concurrency cap, timeouts, retries and their metrics share one request loop;
 * split, each part would need the others' state.
 */
import { Pool } from 'undici'
import pino from 'pino'
import { GonogoError } from '../errors.ts'
import { backoffDelay, parseRetryAfter, sleep } from './backoff.ts'
import {
  NerdGraphAuthError, NerdGraphError, NerdGraphNetworkError, NerdGraphQueryError, NerdGraphRateLimitError,
  NerdGraphServerError, NerdGraphTimeoutError, NrqlInvalidError, type NerdGraphErrorDetails
} from './errors.ts'
import { buildNrqlRequest, readNrqlReply, RETRYABLE, type AliasFailure, type FailureKind } from './graphql.ts'
import { Semaphore } from './semaphore.ts'
import type { Logger } from '../logger.ts'
import type { NrqlResult, RequestInfo } from './types.ts'

export type { NrqlResult, RequestInfo } from './types.ts'

/** New Relic allows 25 concurrent NerdGraph requests per user. */
export const MAX_CONCURRENCY = 25
/** NerdGraph's NRQL `timeout:` argument tops out at 120 s. */
const MAX_NRQL_TIMEOUT_S = 120

export interface NerdGraphClientOptions {
  url: string
  apiKey: string
  /** Requests in flight at once (default 5, at most 25). */
  concurrency?: number
  /** Per HTTP request, headers and body included (default 30000). */
  timeoutMs?: number
  /** Retries after the first attempt (default 4). */
  maxRetries?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Aliased NRQL fields per HTTP request (default 60). */
  maxQueriesPerRequest?: number
  /** NRQL `timeout:` in seconds; default a second under timeoutMs so New Relic gives up before we do. */
  nrqlTimeoutS?: number
  logger?: Logger
  onRequest?: (info: RequestInfo) => void
}

/** A failed attempt that may be retried. */
interface Retryable {
  kind: 'timeout' | 'rateLimited' | 'server' | 'network'
  aliases: string[]
  status?: number
  detail: string
  retryAfterMs?: number
}

interface AttemptOutcome {
  results: Map<string, NrqlResult>
  retry?: Retryable
}

/** Talks NRQL to NerdGraph over a keep-alive undici pool. */
export class NerdGraphClient {
  readonly url: string
  readonly concurrency: number
  readonly timeoutMs: number
  readonly maxRetries: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxQueriesPerRequest: number
  readonly nrqlTimeoutS: number
  #apiKey: string
  #path: string
  #pool: Pool
  #limit: Semaphore
  #log: Logger
  #onRequest: ((info: RequestInfo) => void) | undefined
  #closed = false

  constructor (opts: NerdGraphClientOptions) {
    const url = new URL(opts.url)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`NerdGraph url must be http(s), got ${url.protocol}`)
    if (typeof opts.apiKey !== 'string' || opts.apiKey === '') throw new TypeError('NerdGraph apiKey is required')
    this.url = url.toString()
    this.concurrency = intOption('concurrency', opts.concurrency ?? 5, 1, MAX_CONCURRENCY)
    this.timeoutMs = intOption('timeoutMs', opts.timeoutMs ?? 30_000, 1, 10 * 60_000)
    this.maxRetries = intOption('maxRetries', opts.maxRetries ?? 4, 0, 20)
    this.baseDelayMs = intOption('baseDelayMs', opts.baseDelayMs ?? 250, 0, 60_000)
    this.maxDelayMs = intOption('maxDelayMs', opts.maxDelayMs ?? 10_000, 0, 10 * 60_000)
    this.maxQueriesPerRequest = intOption('maxQueriesPerRequest', opts.maxQueriesPerRequest ?? 60, 1, 1000)
    const defaultNrqlTimeout = Math.min(MAX_NRQL_TIMEOUT_S, Math.max(1, Math.floor(this.timeoutMs / 1000) - 1))
    this.nrqlTimeoutS = intOption('nrqlTimeoutS', opts.nrqlTimeoutS ?? defaultNrqlTimeout, 1, MAX_NRQL_TIMEOUT_S)
    this.#apiKey = opts.apiKey
    this.#path = url.pathname + url.search
    // One connection per permitted request in flight; keep-alive saves a TLS handshake per request.
    this.#pool = new Pool(url.origin, {
      connections: this.concurrency,
      keepAliveTimeout: 30_000,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs
    })
    this.#limit = new Semaphore(this.concurrency)
    this.#log = (opts.logger ?? pino({ level: 'silent' })).child({ component: 'nerdgraph' })
    this.#onRequest = opts.onRequest
  }

  /**
   * Runs NRQL queries for one account and returns their results under the caller's
   * keys. Queries are sent as aliased fields, at most maxQueriesPerRequest per HTTP
   * request; requests run concurrently up to the cap. Retryable failures are retried
   * for the failed queries only; the first non-retryable failure, or a retryable one
   * still failing after maxRetries, rejects with a NerdGraphError subclass.
   */
  async nrql (
    accountId: number, queries: Record<string, string>, opts: { signal?: AbortSignal } = {}
  ): Promise<Record<string, NrqlResult>> {
    if (!Number.isSafeInteger(accountId) || accountId <= 0) throw new TypeError(`accountId must be a positive integer, got ${accountId}`)
    const entries = Object.entries(queries)
    for (const [key, nrql] of entries) {
      if (typeof nrql !== 'string' || nrql.trim() === '') throw new TypeError(`query ${key} has no NRQL`)
    }
    // Internal aliases q0, q1...: caller keys may be anything, GraphQL aliases may not.
    const byAlias = new Map(entries.map(([key, nrql], i) => [`q${i}`, { key, nrql }]))
    const aliases = [...byAlias.keys()]
    const batches: string[][] = []
    for (let i = 0; i < aliases.length; i += this.maxQueriesPerRequest) batches.push(aliases.slice(i, i + this.maxQueriesPerRequest))
    const answered = await Promise.all(batches.map(async batch => await this.#runBatch(accountId, batch, byAlias, opts.signal)))
    const out: Record<string, NrqlResult> = {}
    for (const results of answered) {
      for (const [alias, result] of results) out[byAlias.get(alias)!.key] = result
    }
    return out
  }

  /** Waits for requests in flight and closes the connections. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pool.close()
  }

  /** Sends one batch, retrying the aliases that failed in a retryable way. */
  async #runBatch (
    accountId: number, batch: string[], byAlias: Map<string, { key: string, nrql: string }>, signal?: AbortSignal
  ): Promise<Map<string, NrqlResult>> {
    const done = new Map<string, NrqlResult>()
    let pending = batch
    // A caller that stopped waiting (an analysis past its deadline, a client gone) must not
    // keep holding request slots that rollout checkpoints need: stop before each attempt.
    const abandoned = (attempt: number): NerdGraphError =>
      new NerdGraphTimeoutError('the caller stopped waiting for NerdGraph', this.#details(pending, byAlias, attempt - 1))
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new NerdGraphNetworkError('NerdGraph client is closed', this.#details(pending, byAlias, attempt - 1))
      if (signal?.aborted === true) throw abandoned(attempt)
      const outcome = await this.#limit.run(async () => {
        if (signal?.aborted === true) throw abandoned(attempt)
        return await this.#attempt(accountId, pending, byAlias, attempt, signal)
      })
      for (const [alias, result] of outcome.results) done.set(alias, result)
      const retry = outcome.retry
      if (retry === undefined) return done
      if (attempt > this.maxRetries) throw this.#finalError(retry, byAlias, attempt)
      const delayMs = backoffDelay(attempt, this.baseDelayMs, this.maxDelayMs, retry.retryAfterMs)
      const queries = retry.aliases.slice(0, 10).map(a => byAlias.get(a)!.key)
      this.#log.warn(
        { attempt, reason: retry.kind, status: retry.status, delayMs, detail: retry.detail, queries },
        'NerdGraph request failed, retrying'
      )
      await sleep(delayMs, signal)
      pending = retry.aliases
    }
  }

  /** One HTTP request. Returns results and what to retry; throws on failures retrying cannot fix. */
  async #attempt (
    accountId: number, aliases: string[], byAlias: Map<string, { key: string, nrql: string }>, attempt: number, signal?: AbortSignal
  ): Promise<AttemptOutcome> {
    const started = performance.now()
    let status: number | null = null
    let outcome: AttemptOutcome | undefined
    let error: unknown
    try {
      const { status: got, headers, text } = await this.#post(accountId, aliases, byAlias, signal)
      status = got
      outcome = this.#interpret(got, headers, text, aliases, byAlias, attempt)
      return outcome
    } catch (err) {
      error = err
      if (err instanceof NerdGraphError) throw err
      outcome = { results: new Map(), retry: transportFailure(err, aliases, this.timeoutMs) }
      return outcome
    } finally {
      const ms = performance.now() - started
      const code = error instanceof NerdGraphError ? error.code : outcome?.retry !== undefined ? KIND_CODES[outcome.retry.kind] : undefined
      const retried = outcome?.retry !== undefined && attempt <= this.maxRetries
      this.#log.debug({ attempt, status, ms: Math.round(ms), queries: aliases.length, error: code }, 'NerdGraph request')
      this.#report({ attempt, status, ms, queries: aliases.length, retried, ...(code === undefined ? {} : { error: code }) })
    }
  }

  async #post (
    accountId: number, aliases: string[], byAlias: Map<string, { key: string, nrql: string }>, signal?: AbortSignal
  ): Promise<{ status: number, headers: Record<string, string | string[] | undefined>, text: string }> {
    const body = JSON.stringify(buildNrqlRequest(accountId, aliases.map(a => [a, byAlias.get(a)!.nrql]), this.nrqlTimeoutS))
    // AbortSignal bounds the whole exchange; headersTimeout/bodyTimeout alone would let a slow trickle run on.
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new RequestTimeout()), this.timeoutMs)
    const onCallerAbort = (): void => { controller.abort(new RequestTimeout()) }
    signal?.addEventListener('abort', onCallerAbort, { once: true })
    try {
      const res = await this.#pool.request({
        path: this.#path,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'api-key': this.#apiKey },
        body,
        signal: controller.signal
      })
      const text = await res.body.text()
      return { status: res.statusCode, headers: res.headers, text }
    } catch (err) {
      throw controller.signal.aborted ? new RequestTimeout() : err
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onCallerAbort)
    }
  }

  /** Maps an HTTP reply to results, a retry, or a thrown typed error. */
  #interpret (
    status: number, headers: Record<string, string | string[] | undefined>, text: string,
    aliases: string[], byAlias: Map<string, { key: string, nrql: string }>, attempt: number
  ): AttemptOutcome {
    const none = new Map<string, NrqlResult>()
    const details = (extra: Partial<NerdGraphErrorDetails> = {}): NerdGraphErrorDetails =>
      ({ ...this.#details(aliases, byAlias, attempt), status, ...extra })
    if (status === 401 || status === 403) {
      throw new NerdGraphAuthError(`NerdGraph refused the API key (${replyMessage(text)})`, details())
    }
    if (status === 429) {
      return { results: none, retry: { kind: 'rateLimited', aliases, status, detail: '', ...retryAfter(headers) } }
    }
    if (status === 408) return { results: none, retry: { kind: 'timeout', aliases, status, detail: 'request timeout' } }
    if (status >= 500) {
      return { results: none, retry: { kind: 'server', aliases, status, detail: replyMessage(text), ...retryAfter(headers) } }
    }
    if (status < 200 || status >= 300) {
      throw new NerdGraphQueryError(`NerdGraph refused the request (${replyMessage(text)})`, details())
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return { results: none, retry: { kind: 'server', aliases, status, detail: `unreadable JSON: ${snippet(text)}` } }
    }
    const reply = readNrqlReply(body, aliases)
    const fatal = reply.failures.find(f => !RETRYABLE.has(f.kind))
    if (fatal !== undefined) throw fatalError(fatal, details(this.#details([fatal.alias], byAlias, attempt)))
    if (reply.failures.length === 0) return { results: reply.results }
    const first = reply.failures[0]
    return {
      results: reply.results,
      retry: {
        kind: first.kind as Retryable['kind'],
        aliases: reply.failures.map(f => f.alias),
        status,
        detail: describeFailures(reply.failures)
      }
    }
  }

  #finalError (retry: Retryable, byAlias: Map<string, { key: string, nrql: string }>, attempts: number): NerdGraphError {
    const details = { ...this.#details(retry.aliases, byAlias, attempts), ...(retry.status === undefined ? {} : { status: retry.status }) }
    switch (retry.kind) {
      case 'timeout': return new NerdGraphTimeoutError(`NerdGraph timed out${paren(retry.detail)}`, details)
      case 'rateLimited': return new NerdGraphRateLimitError(`NerdGraph rate limited the request${paren(retry.detail)}`, details)
      case 'server': return new NerdGraphServerError(`NerdGraph failed${paren(retry.detail)}`, details)
      case 'network': return new NerdGraphNetworkError(`could not reach NerdGraph at ${this.url}${paren(retry.detail)}`, details)
    }
  }

  #details (aliases: string[], byAlias: Map<string, { key: string, nrql: string }>, attempts: number): NerdGraphErrorDetails {
    const queries = aliases.map(a => byAlias.get(a)!.key)
    return { queries, attempts, ...(aliases.length === 1 ? { nrql: byAlias.get(aliases[0])!.nrql } : {}) }
  }

  #report (info: RequestInfo): void {
    if (this.#onRequest === undefined) return
    try {
      this.#onRequest(info)
    } catch (err) {
      // A broken metrics hook must not fail the checkpoint.
      this.#log.error({ err }, 'onRequest hook threw')
    }
  }
}

const KIND_CODES: Record<Retryable['kind'], string> = {
  timeout: 'NERDGRAPH_TIMEOUT',
  rateLimited: 'NERDGRAPH_RATE_LIMITED',
  server: 'NERDGRAPH_SERVER',
  network: 'NERDGRAPH_NETWORK'
}

/** Marks our own per-request timeout, told apart from other aborts. */
class RequestTimeout extends GonogoError {
  constructor () { super('NERDGRAPH_REQUEST_TIMEOUT', 'request timed out', { statusCode: 504 }) }
}

function transportFailure (err: unknown, aliases: string[], timeoutMs: number): Retryable {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : ''
  if (
    err instanceof RequestTimeout ||
    code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
  ) {
    return { kind: 'timeout', aliases, detail: `no complete reply within ${timeoutMs} ms` }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { kind: 'network', aliases, detail: code === '' ? message : `${code}: ${message}` }
}

function fatalError (failure: AliasFailure, details: NerdGraphErrorDetails): NerdGraphError {
  const what = failure.errorClass === undefined ? failure.message : `${failure.errorClass}: ${failure.message}`
  switch (failure.kind as Exclude<FailureKind, 'timeout' | 'rateLimited' | 'server'>) {
    case 'invalid': return new NrqlInvalidError(`New Relic rejected the NRQL (${what})`, details)
    case 'auth': return new NerdGraphAuthError(`NerdGraph refused access (${what})`, details)
    case 'query': return new NerdGraphQueryError(`NerdGraph could not run the query (${what})`, details)
  }
}

function describeFailures (failures: AliasFailure[]): string {
  const first = failures[0]
  const label = first.errorClass ?? first.kind
  return failures.length === 1 ? `${label}: ${first.message}` : `${label}: ${first.message}; ${failures.length} queries failed`
}

function retryAfter (headers: Record<string, string | string[] | undefined>): { retryAfterMs?: number } {
  const ms = parseRetryAfter(headers['retry-after'])
  return ms === undefined ? {} : { retryAfterMs: ms }
}

/** The GraphQL error messages of a reply body, or the start of the body. */
function replyMessage (text: string): string {
  try {
    const body = JSON.parse(text) as { errors?: Array<{ message?: unknown }> }
    const messages = (body.errors ?? []).map(e => e.message).filter((m): m is string => typeof m === 'string')
    if (messages.length > 0) return snippet(messages.join('; '))
  } catch {
    // not JSON: show the text itself
  }
  return snippet(text)
}

function paren (detail: string): string {
  return detail === '' ? '' : ` (${detail})`
}

function snippet (text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat
}

function intOption (name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`)
  }
  return value
}
