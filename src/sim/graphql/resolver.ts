/**
 * What the field resolvers (change-tracking.ts, entities.ts, nrql-field.ts) are
 * given of a request: its context, and the part of execute.ts's Resolver they use
 * (arguments' values, errors, selection sets). Types only, so that those files
 * and execute.ts, which calls them, do not import each other.
 */
import type { LimitState } from '../limits.ts'
import type { BlockStore } from '../store.ts'
import type { AsyncQueries } from './async.ts'
import type { ChangeLog } from './change-log.ts'
import type { GqlError } from './errors.ts'
import type { Field, GValue, Selection } from './parse.ts'

export interface ResolveContext {
  store: BlockStore
  /** Every scenario served, by account (the demo serves two); `store` is the first's. */
  stores?: Map<number, BlockStore>
  now: number
  maxBuckets?: number
  /** 'timeout': every nrql field fails with errorClass TIMEOUT (fault injection). */
  nrqlMode: 'ok' | 'timeout'
  /** Called once per nrql field evaluated. */
  onNrql: () => void
  /** NRQL rate limit and simulated query durations (absent: none). */
  limits?: LimitState
  /** Registry of asynchronous queries (absent: `async: true` answers at once). */
  asyncQueries?: AsyncQueries
  /** Change tracking events recorded by mutations (absent: mutations are refused). */
  changes?: ChangeLog
  /** Longest simulated duration among the request's fields (ms): the server answers after it. */
  delayMs: number
  onTimeout?: () => void
  onRateLimited?: () => void
  onAsync?: () => void
  onChangeEvent?: () => void
}

export type Path = Array<string | number>

/** The request's Resolver as the field resolvers see it (implemented in execute.ts). */
export interface Resolver {
  readonly ctx: ResolveContext
  readonly errors: GqlError[]
  value (v: GValue | undefined): unknown
  object (sels: Selection[], typeName: string, path: Path, resolve: (f: Field, path: Path) => unknown): Record<string, unknown>
  /** Projects plain data through a selection set (or returns it whole without one). */
  plain (f: Field, v: unknown, path: Path): unknown
}
