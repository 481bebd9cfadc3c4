/** Running the gonogo CLI as a person or a pipeline would: a child process against a real service. */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { buildTestApp, type TestAppOptions } from '../helpers/app.ts'
import { cleanPrefix, uniquePrefix } from '../helpers/redis.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAIN = 'src/cli/main.ts'

export interface Result { code: number | null, signal: NodeJS.Signals | null, stdout: string, stderr: string }

export interface Running {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  exit: Promise<Result>
  /** Resolves once stdout matches. */
  until: (pattern: RegExp, timeoutMs?: number) => Promise<string>
}

/** The environment of a CLI run: this process's, without anything of gonogo's or colour settings, plus `env`. */
export function cliEnv (env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(GONOGO_|NO_COLOR$|FORCE_COLOR$)/.test(k)) out[k] = v
  }
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k]
    else out[k] = v
  }
  return out
}

export function start (args: string[], env: Record<string, string | undefined> = {}, input?: string): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: ROOT, env: cliEnv(env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
  })
  if (input !== undefined) child.stdin?.end(input)
  let out = ''
  let err = ''
  const waiters: Array<() => void> = []
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString()
    for (const w of waiters.splice(0)) w()
  })
  child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
  const exit = new Promise<Result>(resolve => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err }))
  })
  const until = async (pattern: RegExp, timeoutMs = 60_000): Promise<string> => {
    const deadline = Date.now() + timeoutMs
    while (!pattern.test(out)) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}; stdout: ${out}; stderr: ${err}`)
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)
      await new Promise<void>(resolve => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
    return out
  }
  return { child, stdout: () => out, stderr: () => err, exit, until }
}

/** Runs the CLI to its end. */
export async function gonogo (args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<Result> {
  const run = start(args, env, input)
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 120_000)
  try {
    return await run.exit
  } finally {
    clearTimeout(timer)
  }
}

export interface Service { url: string, close: () => Promise<void> }

/** The real service (API and workers on real Redis, the bundled simulator) listening on a free port. */
export async function startService (name: string, opts: Omit<TestAppOptions, 'prefix'> = {}): Promise<Service> {
  const prefix = uniquePrefix(name)
  const { app, close } = await buildTestApp({ prefix, ...opts })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    url,
    close: async () => {
      await close()
      await cleanPrefix(prefix)
    }
  }
}

/** A URL on this machine where nothing listens (a port just freed). */
export async function deadUrl (): Promise<string> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>(resolve => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** A window relative to now (minutes), as ISO strings: tests never depend on today's date. */
export function window (startInMinutes: number, decisionInMinutes: number): { startAt: string, decisionAt: string } {
  // One clock reading: two made the window a millisecond longer than asked now and then (a loaded
  // CI machine), and a 60-minute window then planned a checkpoint 1 ms before its decision.
  const now = Date.now()
  const at = (m: number): string => new Date(now + m * 60_000).toISOString()
  return { startAt: at(startInMinutes), decisionAt: at(decisionInMinutes) }
}

/** The README's rollout, as YAML: PRDIIS09 joins the IIS pool, a past window decided by catch-up. */
export const README_ROLLOUT_YAML = `# The README's "Try it" rollout
name: PRDIIS09 joins the IIS pool
apps:
  - Customer Portal
  - RESTAPI
  - Search Service
  - Auth.Gateway v2
  - Orders API
  - Inventory.Sync
  - Billing.Service
  - Shipping Rates
  - Loyalty.Points
  - O'Brien's API
  - Notifications.Worker
  - name: Payroll.Export
    team: finance
    owners: [ana@example.com]
canaryHosts: [PRDIIS09]
startAt: 2026-11-25T10:00:00+05:30
decisionAt: 2026-11-25T15:30:00+05:30
checkpointEvery: PT1H
timezone: Asia/Kolkata
`

export const ESC = '\u001b'
/** Text as the CLI colours it (SGR `code`). */
export const paint = (code: string, text: string): string => `${ESC}[${code}m${text}${ESC}[0m`
