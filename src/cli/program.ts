/**
 * The `gonogo` command line: global options, the commands, and how a failure becomes a message
 * on stderr and an exit code (error: <message> (HTTP <code>); 3 when the service is unreachable).
 */
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Command, CommanderError, Option } from 'commander'
import { registerAnalyze } from './commands/analyze.ts'
import { registerCancel } from './commands/cancel.ts'
import { registerList } from './commands/list.ts'
import { registerNote } from './commands/note.ts'
import { registerOverride } from './commands/override.ts'
import { registerRollout } from './commands/rollout.ts'
import { registerStatus } from './commands/status.ts'
import { registerWaive } from './commands/waive.ts'
import { registerWait } from './commands/wait.ts'
import { contextOf, DEFAULT_URL, type Cli, type Io } from './context.ts'
import { EXIT } from './exit.ts'
import { report } from './report.ts'

const GLOBAL_HELP = `
Environment:
  GONOGO_URL     the service (default ${DEFAULT_URL}); --url wins
  GONOGO_TOKEN   bearer token for changes (and reads when the service asks for one); --token wins
  NO_COLOR       no colour (colour is only used on a terminal anyway)

Exit codes: 0 done, 1 the service refused (the message says why) or bad usage, 3 the service could not
be reached. gonogo wait: 0 GO, 1 NO_GO, 2 INCONCLUSIVE, 3 not known (unreachable, timeout, cancelled).

Every command takes --json (prints the API's JSON) and --help.`

export function buildProgram (io: Io, setCode: (code: number) => void): Command {
  const program = new Command('gonogo')
  program
    .description('Go/No-Go of server rollouts, from a gonogo service: analyse, create, list, watch and wait for decisions')
    .version(version(), '-V, --version', 'the version of this CLI')
    .addOption(new Option('--url <url>', `the service's base URL (env GONOGO_URL, default ${DEFAULT_URL})`))
    .addOption(new Option('--token <token>', 'bearer token (env GONOGO_TOKEN; the flag shows in process lists)'))
    .option('--json', 'print the API\'s JSON instead of tables')
    .option('--no-color', 'no colour even on a terminal (or set NO_COLOR)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: s => { io.stdout.write(s) }, writeErr: s => { io.stderr.write(s) } })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', GLOBAL_HELP)

  const cli: Cli = {
    io,
    action: (fn) => async (...args) => {
      const cmd = args[args.length - 1] as Command
      setCode((await fn(contextOf(cmd, io), ...args.slice(0, -1))) ?? EXIT.OK)
    }
  }
  registerAnalyze(program, cli)
  registerRollout(program, cli)
  registerList(program, cli)
  registerStatus(program, cli)
  registerWait(program, cli)
  registerNote(program, cli)
  registerWaive(program, cli)
  registerCancel(program, cli)
  registerOverride(program, cli)
  return program
}

/** Runs one command line (without node and the script); resolves to the exit code. */
export async function run (argv: string[], io: Io): Promise<number> {
  let code: number = EXIT.OK
  const program = buildProgram(io, c => { code = c })
  try {
    await program.parseAsync(argv, { from: 'user' })
    return code
  } catch (err) {
    // Help and version are "errors" that exit 0; a usage error was already printed by commander.
    if (err instanceof CommanderError) return err.exitCode
    return report(io, err)
  }
}

/** The version in the package.json above this file (src/cli/ in a checkout, dist/src/cli/ when built). */
function version (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string, version?: string }
      if (pkg.name === 'gonogo' && typeof pkg.version === 'string') return pkg.version
    }
    dir = dirname(dir)
  }
  return 'unknown'
}
