/**
 * Asynchronous NRQL (`nrql(query, async: true)`): a query whose simulated duration
 * is longer than its wait (`timeout`, default 5 s) answers `results: null` with
 * `queryProgress`, and `account(id) { nrqlQueryProgress(queryId) }` returns the
 * results once that duration has passed. The results are computed at once (the
 * data is deterministic); only their release waits, on the limits' clock.
 */
import type { ExecResult } from '../nrql/index.ts'
import { hash128 } from '../rng.ts'

/** New Relic's duration limit for asynchronous queries (Data Plus): 10 minutes. */
export const ASYNC_MAX_MS = 600_000
/** Seconds a completed query's results stay available. */
export const RESULT_EXPIRATION_S = 3600
/** Seconds without a poll after which an unfinished query is cancelled. */
export const RETRY_DEADLINE_S = 60

export interface AsyncJob {
  id: string
  accountId: number
  query: string
  result: ExecResult
  submittedAt: number
  readyAt: number
  lastPolledAt: number
}

export interface QueryProgress {
  __typename: 'NrdbQueryProgress'
  queryId: string
  completed: boolean
  /** Seconds to wait before polling again. */
  retryAfter: number
  /** Seconds without a poll before the query is cancelled. */
  retryDeadline: number
  /** Seconds the results stay available once completed. */
  resultExpiration: number
}

/** What a poll finds. */
export type PollOutcome =
  | { kind: 'running' | 'done', job: AsyncJob }
  | { kind: 'timeout', job: AsyncJob }
  | { kind: 'missing', message: string }

export class AsyncQueries {
  #jobs = new Map<string, AsyncJob>()
  #count = 0
  readonly clock: () => number

  constructor (clock: () => number) {
    this.clock = clock
  }

  /** Registers a query whose results are `result`, ready `durationMs` from now. */
  submit (accountId: number, query: string, result: ExecResult, durationMs: number): AsyncJob {
    this.#prune()
    const now = this.clock()
    const [a, b, c, d] = hash128(`async\u0001${++this.#count}`).map(x => x.toString(16).padStart(8, '0'))
    const id = `${a}-${b.slice(0, 4)}-4${b.slice(5)}-${c.slice(0, 4)}-${c.slice(4)}${d}`
    const job: AsyncJob = { id, accountId, query, result, submittedAt: now, readyAt: now + durationMs, lastPolledAt: now }
    this.#jobs.set(id, job)
    return job
  }

  progress (job: AsyncJob): QueryProgress {
    const remaining = job.readyAt - this.clock()
    return {
      __typename: 'NrdbQueryProgress',
      queryId: job.id,
      completed: remaining <= 0,
      retryAfter: remaining <= 0 ? 0 : Math.max(1, Math.ceil(remaining / 1000)),
      retryDeadline: RETRY_DEADLINE_S,
      resultExpiration: RESULT_EXPIRATION_S
    }
  }

  /** Looks a query up for `accountId` (polling keeps an unfinished query alive). */
  poll (accountId: number, id: unknown): PollOutcome {
    this.#prune()
    const job = typeof id === 'string' ? this.#jobs.get(id) : undefined
    if (job === undefined || job.accountId !== accountId) {
      const message = `No asynchronous query with queryId ${JSON.stringify(id)} for account ${accountId}: ` +
        'it never existed, expired or was cancelled'
      return { kind: 'missing', message }
    }
    const now = this.clock()
    job.lastPolledAt = now
    if (job.readyAt - job.submittedAt > ASYNC_MAX_MS && now >= job.submittedAt + ASYNC_MAX_MS) return { kind: 'timeout', job }
    return { kind: now >= job.readyAt ? 'done' : 'running', job }
  }

  /** Drops expired results and unfinished queries nobody polled within the deadline. */
  #prune (): void {
    const now = this.clock()
    for (const [id, job] of this.#jobs) {
      const done = now >= job.readyAt
      if ((done && now > job.readyAt + RESULT_EXPIRATION_S * 1000) || (!done && now > job.lastPolledAt + RETRY_DEADLINE_S * 1000)) {
        this.#jobs.delete(id)
      }
    }
  }
}
