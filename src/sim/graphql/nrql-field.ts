/**
 * The `nrql(query, timeout, async)` field and `nrqlQueryProgress(queryId)`: account
 * checks, the NRQL rate limit, execution, the simulated duration (TIMEOUT past
 * `timeout`, asynchronous answers past the async wait) and the result container.
 */
import { runNrql, NrqlSyntaxError } from '../nrql/index.ts'
import type { ExecResult } from '../nrql/index.ts'
import { ASYNC_MAX_MS } from './async.ts'
import type { AsyncJob, QueryProgress } from './async.ts'
import { gqlError } from './errors.ts'
import type { Field } from './parse.ts'
import type { Path, Resolver } from './resolver.ts'

/** NerdGraph's default `timeout` (seconds), which is also the async wait. */
export const DEFAULT_TIMEOUT_S = 5

function timeoutMessage (seconds: number): string {
  return `NRQL query timed out: it did not complete within ${seconds} seconds.`
}

/** The result container of a query, projected through the field's selection. */
function container (r: Resolver, f: Field, path: Path, query: string, res: ExecResult | null, progress: QueryProgress | null): unknown {
  if (f.selections === undefined) return null
  const opts = { now: r.ctx.now, maxBuckets: r.ctx.maxBuckets, ignoreFacets: true }
  return r.object(f.selections, 'CrossAccountNrdbResultContainer', path, (sub, p) => {
    switch (sub.name) {
      case 'results': return res?.results ?? null
      case 'metadata': return res === null ? null : r.plain(sub, { __typename: 'NrdbMetadata', ...res.metadata }, p)
      case 'totalResult':
        // The facet-free aggregate, as NerdGraph gives for faceted queries.
        return res === null || res.metadata.facets === null ? null : runNrql(r.ctx.store, query, opts).results[0] ?? null
      case 'nrql': return query
      case 'rawResponse': return res === null ? null : { results: res.results, metadata: res.metadata }
      case 'queryProgress': return r.plain(sub, progress, p)
      default: return null
    }
  })
}

export function resolveNrql (r: Resolver, f: Field, path: Path, accountIds: unknown[]): unknown {
  const { ctx } = r
  const query = r.value(f.args.query)
  // An empty string is bad NRQL (INVALID_INPUT below), not a missing argument.
  if (typeof query !== 'string') {
    const message = 'Argument "query" of required type "Nrql!" was not provided or is not a string.'
    r.errors.push(gqlError(message, 'GRAPHQL_VALIDATION_FAILED', path, f.loc))
    return null
  }
  const denied = accountIds.find(id => id !== ctx.store.model.accountId)
  if (denied !== undefined || accountIds.length === 0) {
    r.errors.push(gqlError(`Not authorized to access account ${String(denied)}`, 'FORBIDDEN', path, f.loc))
    return null
  }
  const timeoutArg = r.value(f.args.timeout)
  const timeoutS = typeof timeoutArg === 'number' && timeoutArg > 0 ? timeoutArg : DEFAULT_TIMEOUT_S
  if (ctx.nrqlMode === 'timeout') {
    ctx.onTimeout?.()
    r.errors.push(gqlError(timeoutMessage(timeoutS), 'TIMEOUT', path, f.loc))
    return null
  }
  for (const id of accountIds as number[]) {
    const recent = ctx.limits?.admitNrql(id) ?? null
    if (recent === null) continue
    ctx.onRateLimited?.()
    r.errors.push(gqlError(`Rate limit exceeded: account ${id} ran ${recent} NRQL queries in the last minute; the limit is ` +
      `${ctx.limits?.maxNrqlPerMinute ?? 0} per minute. Retry later.`, 'TOO_MANY_REQUESTS', path, f.loc))
    return null
  }
  ctx.onNrql()
  let res: ExecResult
  try {
    res = runNrql(ctx.store, query, { now: ctx.now, maxBuckets: ctx.maxBuckets })
  } catch (err) {
    if (!(err instanceof NrqlSyntaxError)) throw err
    r.errors.push(gqlError(err.message, 'INVALID_INPUT', path, f.loc))
    return null
  }
  const durationMs = ctx.limits?.costMs(res.scanned) ?? 0
  const waitMs = timeoutS * 1000
  if (r.value(f.args.async) === true && ctx.asyncQueries !== undefined) {
    const job = ctx.asyncQueries.submit(accountIds[0] as number, query, res, durationMs)
    ctx.onAsync?.()
    const done = durationMs <= waitMs
    ctx.delayMs = Math.max(ctx.delayMs, done ? durationMs : waitMs)
    // Answered when due: completed results if the query finishes within the wait.
    const progress = { ...ctx.asyncQueries.progress(job), ...(done ? { completed: true, retryAfter: 0 } : {}) }
    return container(r, f, path, query, done ? res : null, progress)
  }
  if (durationMs > waitMs) {
    ctx.delayMs = Math.max(ctx.delayMs, waitMs)
    ctx.onTimeout?.()
    r.errors.push(gqlError(timeoutMessage(timeoutS), 'TIMEOUT', path, f.loc))
    return null
  }
  ctx.delayMs = Math.max(ctx.delayMs, durationMs)
  return container(r, f, path, query, res, null)
}

/** `account(id) { nrqlQueryProgress(queryId) { results queryProgress {...} } }`. */
export function resolveQueryProgress (r: Resolver, f: Field, path: Path, accountId: unknown): unknown {
  const jobs = r.ctx.asyncQueries
  if (accountId !== r.ctx.store.model.accountId) {
    r.errors.push(gqlError(`Not authorized to access account ${String(accountId)}`, 'FORBIDDEN', path, f.loc))
    return null
  }
  const outcome = jobs?.poll(accountId, r.value(f.args.queryId)) ?? { kind: 'missing', message: 'Asynchronous queries are not available' }
  if (outcome.kind === 'missing') {
    r.errors.push(gqlError(outcome.message, 'INVALID_INPUT', path, f.loc))
    return null
  }
  const job: AsyncJob = outcome.job
  if (outcome.kind === 'timeout') {
    r.ctx.onTimeout?.()
    r.errors.push(gqlError(timeoutMessage(ASYNC_MAX_MS / 1000), 'TIMEOUT', path, f.loc))
    return null
  }
  const progress = (jobs as NonNullable<typeof jobs>).progress(job)
  return container(r, f, path, job.query, outcome.kind === 'done' ? job.result : null, progress)
}
