/**
 * What every command gets: the client (GONOGO_URL / --url, GONOGO_TOKEN / --token), whether to
 * print JSON, and styles for stdout and stderr, each coloured only when it is a terminal.
 */
import type { Command } from 'commander'
import { Client } from './client.ts'
import { Style, colorWanted, type Stream } from './style.ts'

export const DEFAULT_URL = 'http://127.0.0.1:3000'

export interface Io {
  stdout: NodeJS.WritableStream & Stream
  stderr: NodeJS.WritableStream & Stream
  stdin: NodeJS.ReadableStream
  env: NodeJS.ProcessEnv
  /** Stops a long command (wait, status --watch): SIGINT and SIGTERM in the real CLI. */
  signal: AbortSignal
}

export interface GlobalOptions { url?: string, token?: string, json?: boolean, color?: boolean }

export interface Ctx {
  io: Io
  client: Client
  json: boolean
  out: Style
  err: Style
  /** A line on stdout. */
  print: (line?: string) => void
  /** A line on stderr. */
  note: (line: string) => void
  /** The terminal's width when stdout is one (long text is cut to it); undefined for a pipe. */
  width: number | undefined
}

/** What a command's action is given: the context, then commander's arguments and options. */
export type Action = (ctx: Ctx, ...args: any[]) => Promise<number | undefined>

/** What each command's register function gets. */
export interface Cli {
  io: Io
  /** Wraps an action: builds its context from the global options and records its exit code. */
  action: (fn: Action) => (...args: unknown[]) => Promise<void>
}

export function contextOf (cmd: Command, io: Io): Ctx {
  const opts = cmd.optsWithGlobals<GlobalOptions>()
  const url = opts.url ?? nonEmpty(io.env.GONOGO_URL) ?? DEFAULT_URL
  const token = opts.token ?? nonEmpty(io.env.GONOGO_TOKEN)
  return {
    io,
    client: new Client(url, token),
    json: opts.json === true,
    out: new Style(colorWanted(io.stdout, io.env, opts.color !== false)),
    err: new Style(colorWanted(io.stderr, io.env, opts.color !== false)),
    print: (line = '') => { io.stdout.write(line + '\n') },
    note: (line) => { io.stderr.write(line + '\n') },
    width: io.stdout.isTTY === true ? io.stdout.columns : undefined
  }
}

/** Prints what the API answered, as it answered it, for --json. */
export function printJson (ctx: Ctx, body: unknown): void {
  ctx.print(JSON.stringify(body, null, 2))
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}
