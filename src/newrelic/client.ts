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
import { BudgetAborted, localBudget, type RequestBudget } from './budget.ts'
import {
  buildNrqlRequest, buildProgressRequest, readNrqlReply, RETRYABLE, type AliasFailure, type FailureKind, type QueryProgress
} from './graphql.ts'
import { Semaphore } from './semaphore.ts'
import type { Logger } from '../logger.ts'
import type { NrqlResult, RequestInfo } from './types.ts'

export type { NrqlResult, RequestInfo } from './types.ts'

/** New Relic allows 25 concurrent NerdGraph requests per user. */
export const MAX_CONCURRENCY = 25
/** NerdGraph's NRQL `timeout:` argument tops out at 120 s. */
const MAX_NRQL_TIMEOUT_S = 120
/**
 * Queries New Relic runs at once for one caller: it advises about 5 concurrent complex queries,
 * so a request's aliased queries are taken to run in waves of this many, and the HTTP timeout
 * must cover every wave's NRQL timeout.
 */
export const NRQL_WAVE = 5
/** Seconds of the HTTP timeout left over the NRQL timeouts, for the round trip and the reply. */
const TIMEOUT_SLACK_S = 2

export interface NerdGraphClientOptions {
  url: string
  apiKey: string
  /** Requests in flight at once from this process (default 5, at most 25). */
  concurrency?: number
  /** Per HTTP request, headers and body included (default 30000). */
  timeoutMs?: number
  /** Retries after the first attempt (default 4). */
  maxRetries?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** Aliased NRQL fields per HTTP request (default 5: New Relic's advice of ~5 concurrent complex queries). */
  maxQueriesPerRequest?: number
  /**
   * NRQL `timeout:` in seconds. Default: the HTTP timeout less 2 s, shared by the request's waves of
   * NRQL_WAVE queries, so New Relic gives up on a query before we give up on the request.
   */
  nrqlTimeoutS?: number
  /** Queries over a window longer than this (ms, from `spanMs`) run with `async: true` and are polled; 0: never. */
  asyncAfterMs?: number
  /** The budget every request takes first (default: this process's own `concurrency`, no pacing). */
  budget?: RequestBudget
  logger?: Logger
  onRequest?: (info: RequestInfo) => void
}

/** What one `nrql` call may add to its queries. */
export interface NrqlCallOptions {
  signal?: AbortSignal
  /** The window length (ms) of each query, by the caller's key: long ones run asynchronously. */
  spanMs?: Record<string, number>
}

/** A failed attempt that may be retried. */
interface Retryable {
  kind: 'timeout' | 'rateLimited' | 'server' | 'network' | 'unknown'
  aliases: string[]
  status?: number
  detail: string
  retryAfterMs?: number
  /** Per-alias failures of a 200, when that is what failed. */
  failures?: AliasFailure[]
}

interface AttemptOutcome {
  results: Map<string, NrqlResult>
  /** Asynchronous queries still running. */
  progress?: Map<string, QueryProgress>
  retry?: Retryable
}

type Queries = Map<string, { key: string, nrql: string }>

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
  readonly asyncAfterMs: number
  #apiKey: string
  #path: string
  #pool: Pool
  #limit: Semaphore
  #budget: RequestBudget
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
    this.#budget = opts.budget ?? localBudget(this.concurrency)
    const perRequest = intOption('maxQueriesPerRequest', opts.maxQueriesPerRequest ?? 5, 1, 1000)
    this.maxQueriesPerRequest = Math.max(1, Math.min(perRequest, this.#budget.maxQueriesPerRequest))
    const nrqlTimeout = opts.nrqlTimeoutS ?? nrqlTimeoutFor(this.timeoutMs, this.maxQueriesPerRequest)
    this.nrqlTimeoutS = intOption('nrqlTimeoutS', nrqlTimeout, 1, MAX_NRQL_TIMEOUT_S)
    this.asyncAfterMs = intOption('asyncAfterMs', opts.asyncAfterMs ?? 0, 0, Number.MAX_SAFE_INTEGER)
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
   * request; requests run concurrently up to the cap and the budget. Retryable failures are
   * retried for the failed queries only, a timed-out request split in halves; the first
   * non-retryable failure, or a retryable one still failing after maxRetries, rejects with a
   * NerdGraphError subclass naming the queries at fault.
   */
  async nrql (accountId: number, queries: Record<string, string>, opts: NrqlCallOptions = {}): Promise<Record<string, NrqlResult>> {
    if (!Number.isSafeInteger(accountId) || accountId <= 0) throw new TypeError(`accountId must be a positive integer, got ${accountId}`)
    const entries = Object.entries(queries)
    for (const [key, nrql] of entries) {
      if (typeof nrql !== 'string' || nrql.trim() === '') throw new TypeError(`query ${key} has no NRQL`)
    }
    // Internal aliases q0, q1...: caller keys may be anything, GraphQL aliases may not.
    const byAlias: Queries = new Map(entries.map(([key, nrql], i) => [`q${i}`, { key, nrql }]))
    const async = new Set<string>()
    if (this.asyncAfterMs > 0) {
      for (const [alias, { key }] of byAlias) if ((opts.spanMs?.[key] ?? 0) > this.asyncAfterMs) async.add(alias)
    }
    const aliases = [...byAlias.keys()]
    const batches: string[][] = []
    for (let i = 0; i < aliases.length; i += this.maxQueriesPerRequest) batches.push(aliases.slice(i, i + this.maxQueriesPerRequest))
    const call = { accountId, byAlias, async, signal: opts.signal }
    const answered = await Promise.all(batches.map(async batch => await this.#runBatch(call, batch, 1)))
    const out: Record<string, NrqlResult> = {}
    for (const results of answered) {
      for (const [alias, result] of results) out[byAlias.get(alias)!.key] = result
    }
    return out
  }

  /**
   * Sends any other GraphQL document (entity search, a change-tracking mutation) under the same
   * budget (a request slot, no NRQL points), timeout and retries (429, 5xx, network) as NRQL.
   * Resolves to `data`; GraphQL errors reject with a NerdGraphError naming `what`.
   */
  async graphql (
    what: string, query: string, variables: Record<string, unknown> = {}, opts: { signal?: AbortSignal } = {}
  ): Promise<unknown> {
    const call: Call = { accountId: 0, byAlias: new Map(), async: new Set(), signal: opts.signal }
    const details = (attempts: number, status?: number): NerdGraphErrorDetails =>
      ({ queries: [what], attempts, ...(status === undefined ? {} : { status }) })
    for (let attempt = 1; ; attempt++) {
      if (this.#closed) throw new NerdGraphNetworkError('NerdGraph client is closed', details(attempt - 1))
      let reply: { status: number, headers: Headers, text: string } | undefined
      let failure: unknown
      const started = performance.now()
      try {
        reply = await this.#send(call, 0, attempt, async () => await this.#post(JSON.stringify({ query, variables }), opts.signal))
      } catch (err) {
        if (err instanceof NerdGraphError) throw err
        failure = err
      }
      this.#report({ attempt, status: reply?.status ?? null, ms: performance.now() - started, queries: 0, retried: false })
      const status = reply?.status
      if (reply !== undefined && (status === 401 || status === 403)) {
        throw new NerdGraphAuthError(`NerdGraph refused the API key (${replyMessage(reply.text)})`, details(attempt, status))
      }
      const retryable = reply === undefined || status === 429 || (status !== undefined && status >= 500)
      if (!retryable && reply !== undefined) {
        let body: { data?: unknown, errors?: Array<{ message?: unknown, extensions?: Record<string, unknown> }> }
        try {
          body = JSON.parse(reply.text)
        } catch {
          throw new NerdGraphServerError(`NerdGraph sent unreadable JSON for ${what}`, details(attempt, status))
        }
        if (status !== 200 || (Array.isArray(body.errors) && body.errors.length > 0)) {
          throw new NerdGraphQueryError(`NerdGraph could not run ${what} (${replyMessage(reply.text)})`, details(attempt, status))
        }
        return body.data
      }
      if (attempt > this.maxRetries) {
        const why = reply === undefined ? ` (${transportFailure(failure, [], this.timeoutMs).detail})` : ''
        throw new NerdGraphServerError(`NerdGraph failed for ${what}${why}`, details(attempt, status))
      }
      const after = reply === undefined ? undefined : parseRetryAfter(reply.headers['retry-after'])
      await sleep(backoffDelay(attempt, this.baseDelayMs, this.maxDelayMs, after), opts.signal)
    }
  }

  /** Waits for requests in flight and closes the connections. Idempotent. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#pool.close()
  }

  /**
   * Sends one batch from attempt `first` on, retrying the aliases that failed in a retryable way.
   * A request that timed out as a whole is split in two halves, each retried on its own: a batch
   * that is too slow together is not sent whole again.
   */
  async #runBatch (call: Call, batch: string[], first: number): Promise<Map<string, NrqlResult>> {
    const { byAlias, signal } = call
    const done = new Map<string, NrqlResult>()
    const unknownOnce = new Set<string>()
    let pending = batch
    // A caller that stopped waiting (an analysis past its deadline, a client gone) must not
    // keep holding request slots that rollout checkpoints need: stop before each attempt.
    const abandoned = (attempt: number): NerdGraphError =>
      new NerdGraphTimeoutError('the caller stopped waiting for NerdGraph', this.#details(pending, byAlias, attempt - 1))
    for (let attempt = first; ; attempt++) {
      if (this.#closed) throw new NerdGraphNetworkError('NerdGraph client is closed', this.#details(pending, byAlias, attempt - 1))
      if (signal?.aborted === true) throw abandoned(attempt)
      const outcome = await this.#send(call, pending.length, attempt, async () => await this.#attempt(call, pending, attempt))
      for (const [alias, result] of outcome.results) done.set(alias, result)
      let retry = outcome.retry
      if (outcome.progress !== undefined && outcome.progress.size > 0) {
        const polled = await this.#poll(call, outcome.progress, attempt)
        for (const [alias, result] of polled.results) done.set(alias, result)
        if (polled.retry !== undefined) retry = mergeRetry(retry, polled.retry)
      }
      if (retry === undefined) return done
      // An error class we do not know: once more as transient, then that query fails alone.
      const unknown = (retry.failures ?? []).find(f => f.kind === 'unknown' && unknownOnce.has(f.alias))
      if (unknown !== undefined) throw fatalError({ ...unknown, kind: 'query' }, this.#details([unknown.alias], byAlias, attempt))
      for (const f of retry.failures ?? []) if (f.kind === 'unknown') unknownOnce.add(f.alias)
      if (attempt > this.maxRetries) throw this.#finalError(retry, byAlias, attempt)
      const delayMs = retryDelay(retry, attempt, this.baseDelayMs, this.maxDelayMs)
      const queries = retry.aliases.slice(0, 10).map(a => byAlias.get(a)!.key)
      const split = retry.kind === 'timeout' && retry.aliases.length > 1
      this.#log.warn(
        { attempt, reason: retry.kind, status: retry.status, delayMs, detail: retry.detail, queries, split },
        split ? 'NerdGraph request timed out, retrying it in halves' : 'NerdGraph request failed, retrying'
      )
      await sleep(delayMs, signal)
      if (split) {
        const half = Math.ceil(retry.aliases.length / 2)
        const parts = await Promise.all([retry.aliases.slice(0, half), retry.aliases.slice(half)]
          .map(async part => await this.#runBatch(call, part, attempt + 1)))
        for (const part of parts) for (const [alias, result] of part) done.set(alias, result)
        return done
      }
      pending = retry.aliases
    }
  }

  /** Runs `task` with a slot of this process, then of the budget (`queries` NRQL points). */
  async #send<T> (call: Call, queries: number, attempt: number, task: () => Promise<T>): Promise<T> {
    return await this.#limit.run(async () => {
      if (call.signal?.aborted === true) {
        throw new NerdGraphTimeoutError('the caller stopped waiting for NerdGraph', { attempts: attempt - 1 })
      }
      let release
      try {
        release = await this.#budget.acquire(call.accountId, queries, call.signal)
      } catch (err) {
        const attempts = attempt - 1
        if (err instanceof BudgetAborted) throw new NerdGraphTimeoutError('the caller stopped waiting for NerdGraph', { attempts })
        throw new NerdGraphNetworkError(`could not take a NerdGraph request slot (${(err as Error).message})`, { attempts, cause: err })
      }
      try {
        return await task()
      } finally {
        await release().catch((err: unknown) => { this.#log.warn({ err }, 'could not free a NerdGraph request slot; its lease runs out') })
      }
    })
  }

  /**
   * Polls asynchronous queries until each is done, after the wait New Relic asks for. A poll is a
   * request (a slot of the budget) but runs no new query. A query that fails while polled comes
   * back in `retry`, to be sent again.
   */
  async #poll (call: Call, progress: Map<string, QueryProgress>, attempt: number): Promise<AttemptOutcome> {
    const results = new Map<string, NrqlResult>()
    let running = new Map(progress)
    let retry: Retryable | undefined
    // New Relic keeps an async query for 10 minutes; give up polling a little after that.
    const deadline = Date.now() + 11 * 60_000
    while (running.size > 0) {
      if (call.signal?.aborted === true || this.#closed) break
      if (Date.now() > deadline) {
        const detail = 'asynchronous query still running after 11 min'
        retry = mergeRetry(retry, { kind: 'timeout', aliases: [...running.keys()], detail })
        break
      }
      const waitS = Math.min(...[...running.values()].map(p => p.retryAfterS))
      await sleep(waitS * 1000, call.signal)
      const polls = [...running].map(([alias, p]): [string, string] => [alias, p.queryId])
      const outcome = await this.#send(call, 0, attempt, async () => await this.#attempt(call, polls.map(([a]) => a), attempt, polls))
      for (const [alias, result] of outcome.results) results.set(alias, result)
      const next = new Map<string, QueryProgress>()
      for (const [alias, p] of outcome.progress ?? []) {
        next.set(alias, { queryId: running.get(alias)?.queryId ?? p.queryId, retryAfterS: p.retryAfterS })
      }
      if (outcome.retry !== undefined) {
        // A poll that timed out or failed as a request: poll those again; a query New Relic lost: send it again.
        const lost = new Set((outcome.retry.failures ?? []).map(f => f.alias))
        for (const alias of outcome.retry.aliases) {
          if (!lost.has(alias) && running.has(alias)) next.set(alias, running.get(alias)!)
        }
        if (lost.size > 0) retry = mergeRetry(retry, { ...outcome.retry, aliases: [...lost] })
      }
      running = next
    }
    return { results, ...(retry === undefined ? {} : { retry }) }
  }

  /** One HTTP request (NRQL, or polls of `progress` ids). Returns results and what to retry; throws what retrying cannot fix. */
  async #attempt (call: Call, aliases: string[], attempt: number, polls?: Array<[string, string]>): Promise<AttemptOutcome> {
    const { byAlias } = call
    const started = performance.now()
    let status: number | null = null
    let outcome: AttemptOutcome | undefined
    let error: unknown
    const queries = polls === undefined ? aliases.length : 0
    try {
      const body = polls === undefined
        ? buildNrqlRequest(call.accountId, aliases.map(a => [a, byAlias.get(a)!.nrql]), this.nrqlTimeoutS, call.async)
        : buildProgressRequest(call.accountId, polls)
      const { status: got, headers, text } = await this.#post(JSON.stringify(body), call.signal)
      status = got
      outcome = this.#interpret(got, headers, text, aliases, byAlias, attempt, polls !== undefined)
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
      this.#log.debug({ attempt, status, ms: Math.round(ms), queries, polls: polls?.length, error: code }, 'NerdGraph request')
      this.#report({ attempt, status, ms, queries, retried, ...(code === undefined ? {} : { error: code }) })
    }
  }

  async #post (body: string, signal?: AbortSignal): Promise<{ status: number, headers: Headers, text: string }> {
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
    aliases: string[], byAlias: Queries, attempt: number, polling = false
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
    if (polling) {
      // An async query New Relic no longer has (cancelled, expired): send it again, not a bad query.
      for (const f of reply.failures) if (f.kind === 'invalid') f.kind = 'server'
    }
    const fatal = reply.failures.find(f => !RETRYABLE.has(f.kind))
    if (fatal !== undefined) throw fatalError(fatal, details(this.#details([fatal.alias], byAlias, attempt)))
    const progress = reply.progress.size > 0 ? { progress: reply.progress } : {}
    if (reply.failures.length === 0) return { results: reply.results, ...progress }
    // TOO_MANY_REQUESTS in a 200 is New Relic's NRQL rate limit: rate limiting, whatever else failed.
    const limited = reply.failures.some(f => f.kind === 'rateLimited')
    const first = reply.failures[0]
    return {
      results: reply.results,
      ...progress,
      retry: {
        kind: limited ? 'rateLimited' : first.kind as Retryable['kind'],
        aliases: reply.failures.map(f => f.alias),
        status,
        detail: describeFailures(reply.failures),
        failures: reply.failures
      }
    }
  }

  #finalError (retry: Retryable, byAlias: Queries, attempts: number): NerdGraphError {
    const details = { ...this.#details(retry.aliases, byAlias, attempts), ...(retry.status === undefined ? {} : { status: retry.status }) }
    switch (retry.kind) {
      case 'timeout': return new NerdGraphTimeoutError(`NerdGraph timed out${paren(retry.detail)}`, details)
      case 'rateLimited': return new NerdGraphRateLimitError(`NerdGraph rate limited the request${paren(retry.detail)}`, details)
      case 'server':
      case 'unknown': return new NerdGraphServerError(`NerdGraph failed${paren(retry.detail)}`, details)
      case 'network': return new NerdGraphNetworkError(`could not reach NerdGraph at ${this.url}${paren(retry.detail)}`, details)
    }
  }

  #details (aliases: string[], byAlias: Queries, attempts: number): NerdGraphErrorDetails {
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

type Headers = Record<string, string | string[] | undefined>

/** One `nrql` call's fixed parts. */
interface Call {
  accountId: number
  byAlias: Queries
  async: ReadonlySet<string>
  signal: AbortSignal | undefined
}

/**
 * The NRQL `timeout:` that fits `timeoutMs`: the request's queries run in waves of NRQL_WAVE,
 * each wave may take the NRQL timeout, and 2 s are left for the round trip.
 */
export function nrqlTimeoutFor (timeoutMs: number, queriesPerRequest: number): number {
  const waves = Math.ceil(queriesPerRequest / NRQL_WAVE)
  return Math.min(MAX_NRQL_TIMEOUT_S, Math.max(1, Math.floor((timeoutMs / 1000 - TIMEOUT_SLACK_S) / waves)))
}

/** The wait before a retry: backoff, New Relic's Retry-After, and at least a second per attempt when rate limited. */
function retryDelay (retry: Retryable, attempt: number, baseMs: number, maxMs: number): number {
  const delay = backoffDelay(attempt, baseMs, maxMs, retry.retryAfterMs)
  return retry.kind === 'rateLimited' && retry.retryAfterMs === undefined ? Math.max(delay, Math.min(maxMs, 1000 * attempt)) : delay
}

function mergeRetry (a: Retryable | undefined, b: Retryable): Retryable {
  if (a === undefined) return b
  return { ...a, aliases: [...new Set([...a.aliases, ...b.aliases])], failures: [...(a.failures ?? []), ...(b.failures ?? [])] }
}

const KIND_CODES: Record<Retryable['kind'], string> = {
  timeout: 'NERDGRAPH_TIMEOUT',
  rateLimited: 'NERDGRAPH_RATE_LIMITED',
  server: 'NERDGRAPH_SERVER',
  network: 'NERDGRAPH_NETWORK',
  unknown: 'NERDGRAPH_QUERY'
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
  switch (failure.kind as Exclude<FailureKind, 'timeout' | 'rateLimited' | 'server' | 'unknown'>) {
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
