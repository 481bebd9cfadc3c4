import { GonogoError } from './errors.ts'

/** The usual rejection of withDeadline when time ran out first. */
export class DeadlineError extends GonogoError {
  constructor (message = 'the deadline passed') {
    super('GONOGO_DEADLINE', message, { statusCode: 504 })
  }
}

/**
 * `work`, or a rejection with `timedOut()`'s error once `ms` have passed, whichever comes
 * first. `onTimeout` runs at the deadline (to abort the abandoned work); the timer never
 * outlives the race, and a late rejection of `work` is not left unhandled.
 */
export async function withDeadline<T> (work: Promise<T>, ms: number, timedOut: () => Error, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { onTimeout?.(); reject(timedOut()) }, ms)
  })
  work.catch(() => {})
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}

/** How long shutdown waits for a running job: under close-with-grace's 15 s (server.ts), so the connections still close after. */
export const CLOSE_GRACE_MS = 10_000
/** How long a forced close may take before it is left behind. */
export const FORCE_MS = 2000

/**
 * Runs `close`; when it has not settled after `ms` (or it fails), runs `force` instead. Shutdown
 * must end: a QUIT that never answers (a Cluster node reconnecting) or a job that never finishes
 * must not keep a process, or a test, alive. `onForced` says so, for the log.
 */
export async function closeWithin (
  close: () => Promise<unknown>, ms: number, force: () => unknown, onForced?: (why: string) => void
): Promise<void> {
  try {
    await withDeadline(close(), ms, () => new DeadlineError(`not closed within ${ms} ms`))
  } catch (err) {
    onForced?.((err as Error).message)
    // A force may wait on the same dead link (BullMQ's close(true) still talks to Redis): bounded too.
    await withDeadline(Promise.resolve(force()), FORCE_MS, () => new DeadlineError()).catch(() => {})
  }
}
