/**
 * The CLI's exit codes and the one error type a command throws for a failure it has already
 * put into words. `gonogo wait` maps its outcome onto 0 GO, 1 NO_GO, 2 INCONCLUSIVE, 3 unknown.
 */
export const EXIT = {
  OK: 0,
  /** A command that did not do what was asked: the API refused it, or bad input. For wait: NO_GO. */
  FAILED: 1,
  /** wait: the decision is INCONCLUSIVE. */
  INCONCLUSIVE: 2,
  /** The service could not be reached (or, for wait, the outcome is unknown). */
  UNKNOWN: 3
} as const

export class CliError extends Error {
  constructor (message: string, readonly exitCode: number = EXIT.FAILED) {
    super(message)
    this.name = 'CliError'
  }
}
