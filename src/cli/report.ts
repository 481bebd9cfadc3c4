/** How a failure reaches a person: one line on stderr, and the exit code it means. */
import { ApiError, Unreachable } from './client.ts'
import type { Io } from './context.ts'
import { CliError, EXIT } from './exit.ts'

/** The one place a failure is put into words: `error: <message> (HTTP <code>)`. */
export function report (io: Pick<Io, 'stderr'>, err: unknown, exitCode?: number): number {
  if (err instanceof ApiError) {
    io.stderr.write(`error: ${err.message} (HTTP ${err.status})\n`)
    return exitCode ?? err.exitCode
  }
  if (err instanceof Unreachable || err instanceof CliError) {
    io.stderr.write(`error: ${err.message}\n`)
    return exitCode ?? err.exitCode
  }
  io.stderr.write(`error: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
  return exitCode ?? EXIT.FAILED
}
