/**
 * A stand-in for the gonogo API, for what the real service cannot be made to do on cue: pages of
 * one, events sent when a test says so, 5xx for a while, a proxy's HTML. It records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { Readable, Writable } from 'node:stream'
import type { Io } from '../../src/cli/context.ts'
import { run } from '../../src/cli/program.ts'

export interface Seen { method: string, url: string, body: unknown, authorization: string | undefined }
export type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void | Promise<void>

export interface FakeApi {
  url: string
  seen: Seen[]
  /** Routes by "METHOD /path" (the path without its query); a function of the request otherwise. */
  on: (route: string, handler: Handler | { status?: number, body: unknown }) => void
  close: () => Promise<void>
}

export async function fakeApi (): Promise<FakeApi> {
  const routes = new Map<string, Handler>()
  const seen: Seen[] = []
  const open = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (d: Buffer) => { raw += d.toString() })
    req.on('end', () => {
      const body = raw === '' ? undefined : JSON.parse(raw)
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, authorization: req.headers.authorization })
      const handler = routes.get(`${req.method} ${(req.url ?? '').split('?')[0]}`)
      if (handler === undefined) {
        json(res, 404, { statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${req.url}` })
        return
      }
      open.add(res)
      res.on('close', () => open.delete(res))
      Promise.resolve(handler(req, res, body)).catch(err => { res.destroy(err as Error) })
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    on: (route, handler) => {
      routes.set(route, typeof handler === 'function' ? handler : (_req, res) => json(res, handler.status ?? 200, handler.body))
    },
    close: async () => {
      for (const res of open) res.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

export function json (res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body))
}

export interface Captured extends Writable { text: () => string, isTTY?: boolean, columns?: number }

export function sink (tty = false, columns = 120): Captured {
  const chunks: string[] = []
  const w = new Writable({ write (chunk, _enc, cb) { chunks.push(chunk.toString()); cb() } })
  return Object.assign(w, { text: () => chunks.join(''), isTTY: tty, columns })
}

export interface InProcess { code: number, stdout: string, stderr: string }

export interface RunOptions {
  /** Stands for Ctrl-C. */
  signal?: AbortSignal
  /** stdout and stderr are terminals. */
  tty?: boolean
  stdin?: string
  /** Streams to read while the command runs. */
  out?: Captured
  err?: Captured
}

/** Runs the CLI in this process (fast, and the streams can be terminals); `signal` stands for Ctrl-C. */
export async function runCli (args: string[], env: Record<string, string>, opts: RunOptions = {}): Promise<InProcess> {
  const out = opts.out ?? sink(opts.tty)
  const err = opts.err ?? sink(opts.tty)
  const io: Io = {
    stdout: out, stderr: err, stdin: Readable.from([opts.stdin ?? '']), env, signal: opts.signal ?? new AbortController().signal
  }
  const code = await run(args, io)
  return { code, stdout: out.text(), stderr: err.text() }
}
