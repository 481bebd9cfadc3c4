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
