import { spawn, type ChildProcess } from 'node:child_process'
import { childEnv } from './child-env.ts'
import { createInterface } from 'node:readline'

const CHILD = new URL('./worker-child.ts', import.meta.url).pathname

export interface WorkerProcess {
  child: ChildProcess
  pid: number
  /** The child's HTTP address, once it listens. */
  address: Promise<string>
  /** Resolves with the exit signal or code when the child ends. */
  exited: Promise<string>
  /** SIGTERM, then SIGKILL after `graceMs` if it is still there. */
  stop: (graceMs?: number) => Promise<void>
}

/** Spawns test/helpers/worker-child.ts (a whole gonogo process) with `env`. */
export function spawnWorker (env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHILD], {
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<string>(resolve => child.once('exit', (code, signal) => resolve(signal ?? String(code))))
  const address = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not listening within 120 s: ${stderr}`)), 120_000)
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', line => {
      const parsed = JSON.parse(line) as { address?: string }
      if (parsed.address !== undefined) { clearTimeout(timer); resolve(parsed.address) }
    })
    exited.then(how => { clearTimeout(timer); reject(new Error(`worker exited (${how}) before listening: ${stderr}`)) }, () => {})
  })
  // A kill before it listens is the test's business; nobody may be left waiting unhandled.
  address.catch(() => {})
  return {
    child,
    pid: child.pid as number,
    address,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    }
  }
}
