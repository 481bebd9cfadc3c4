/**
 * Processes a fleet benchmark runs: the NerdGraph simulator (its CLI) and gonogo api/worker
 * processes (`node --import tsx src/server.ts`), each stopped when the benchmark exits.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export const ROOT = new URL('..', import.meta.url).pathname

export async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => { resolve(port) })
    })
    s.on('error', reject)
  })
}

const children: ChildProcess[] = []
export function stopAll (): void { for (const c of children) if (c.exitCode === null) c.kill('SIGTERM') }
process.on('exit', stopAll)

export async function startSim (
  file: string, apiKey: string, limits: string[]
): Promise<{ url: string, base: string, proc: ChildProcess }> {
  const args = ['--import', 'tsx', 'src/sim/cli.ts', '--scenario', file, '--port', '0', '--api-key', apiKey, ...limits]
  const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(proc)
  const url = await new Promise<string>((resolve, reject) => {
    let text = ''
    proc.stdout!.on('data', (chunk: Buffer) => {
      text += String(chunk)
      const line = text.split('\n')[0]
      if (text.includes('\n')) resolve(line.trim())
    })
    proc.on('exit', code => { reject(new Error(`simulator exited with ${code}`)) })
  })
  return { url, base: url.replace(/\/graphql$/, ''), proc }
}

export function startGonogo (role: 'api' | 'worker', port: number, env: Record<string, string>): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, GONOGO_ROLE: role, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  children.push(proc)
  return proc
}

export async function waitReady (port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`)
      if (res.ok) return
    } catch {}
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error(`gonogo on ${port} not ready`)
}

export async function stop (procs: ChildProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM')
  await Promise.all(procs.map(async p => await new Promise(resolve => {
    if (p.exitCode !== null) resolve(null)
    else p.on('exit', resolve)
  })))
}

/** Deletes every key under a benchmark's prefix. */
export async function dropPrefix (redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) await redis.del(...keys)
  } while (cursor !== '0')
  await redis.quit()
}
