/**
 * The `gonogo` CLI's entry: runs one command line with the process's streams and environment;
 * SIGINT and SIGTERM stop a long command (wait, status --watch) through the abort signal.
 */
import { run } from './program.ts'

const stop = new AbortController()
let stops = 0
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    // A second Ctrl-C ends at once, whatever the command is doing.
    if (++stops > 1) process.exit(130)
    stop.abort()
  })
}

const code = await run(process.argv.slice(2), {
  stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, signal: stop.signal
})
// Exit once what was written has left (stdout may be a pipe): no open stream or timer keeps the process.
process.stdout.write('', () => { process.stderr.write('', () => process.exit(code)) })
