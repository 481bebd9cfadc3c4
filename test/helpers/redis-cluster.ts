/**
 * Local Redis servers of a test's own: a three-master Redis Cluster, or a master with one Sentinel,
 * on free ports in a temporary directory, with AOF on so a master that is killed and started again
 * comes back with its data. Never the shared Redis on 6379.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { redisToolEnv } from './redis.ts'

/** Why local Redis servers cannot be started here (redis-server or redis-cli missing), or null when they can. */
export function missingRedisTools (): string | null {
  for (const tool of ['redis-server', 'redis-cli']) {
    const r = spawnSync(tool, ['--version'], { env: redisToolEnv() })
    if (r.error !== undefined) return `${tool} is not installed (apt-get install redis-server); .ci/run installs it`
  }
  return null
}

/** A port free now, whose cluster bus port (+10000) is free too. */
async function freePort (taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await listenOnce(0)
    if (port < 55_000 && !taken.has(port) && await listenOnce(port + 10_000).then(() => true, () => false)) {
      taken.add(port)
      return port
    }
  }
}

async function listenOnce (port: number): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(port, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port
      s.close(() => resolve(p))
    })
  })
}

function cli (port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    env: redisToolEnv(), encoding: 'utf8', timeout: 30_000
  })
  return `${r.stdout ?? ''}${r.stderr ?? ''}`
}

async function until (what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

/** One redis-server this helper started and can kill and start again with the same files. */
class Server {
  readonly port: number
  readonly #args: string[]
  readonly #dir: string
  #child: ChildProcess | undefined

  constructor (port: number, dir: string, args: string[]) {
    this.port = port
    this.#dir = dir
    this.#args = args
  }

  async start (): Promise<void> {
    mkdirSync(this.#dir, { recursive: true })
    this.#child = spawn('redis-server', [...this.#args, '--logfile', join(this.#dir, 'redis.log')], {
      cwd: this.#dir, env: redisToolEnv(), stdio: 'ignore'
    })
    await until(`redis-server on ${this.port}`, 15_000, () => cli(this.port, 'ping').includes('PONG'))
  }

  /** Kills the process (SIGKILL: a crash, not a shutdown) and waits for it to be gone. */
  async kill (): Promise<void> {
    const child = this.#child
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return
    await new Promise<void>(resolve => { child.once('exit', () => resolve()); child.kill('SIGKILL') })
  }
}

export interface LocalCluster {
  /** host:port of every master, for REDIS_CLUSTER_NODES. */
  nodes: string
  ports: number[]
  /** The port of the master that serves `key`'s slot. */
  masterOf: (key: string) => number
  /** Kills one master and starts it again on its own files; resolves when the cluster is ok again. */
  restart: (port: number) => Promise<void>
  close: () => Promise<void>
}

/** Starts three masters, joins them into a cluster (no replicas) and waits for cluster_state:ok. */
export async function startCluster (): Promise<LocalCluster> {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-cluster-'))
  const taken = new Set<number>()
  const servers: Server[] = []
  for (let i = 0; i < 3; i++) {
    const port = await freePort(taken)
    servers.push(new Server(port, join(root, String(port)), [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
      // A crash must not lose an acknowledged write: fsync every write (a test's load is small).
      '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--cluster-node-timeout', '5000'
    ]))
  }
  const close = async () => {
    for (const s of servers) await s.kill()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    for (const s of servers) await s.start()
    const ports = servers.map(s => s.port)
    const created = cli(ports[0], '--cluster', 'create', ...ports.map(p => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes')
    if (!created.includes('All 16384 slots covered')) throw new Error(`redis-cli --cluster create failed:\n${created}`)
    const allOk = () => ports.every(p => cli(p, 'cluster', 'info').includes('cluster_state:ok'))
    await until('cluster_state:ok on every master', 30_000, allOk)
    return {
      nodes: ports.map(p => `127.0.0.1:${p}`).join(','),
      ports,
      masterOf: (key) => {
        const slot = Number(cli(ports[0], 'cluster', 'keyslot', key).trim())
        for (const line of cli(ports[0], 'cluster', 'nodes').split('\n')) {
          const [, address, flags, , , , , , ...ranges] = line.split(' ')
          if (flags === undefined || !flags.includes('master')) continue
          for (const r of ranges) {
            const [lo, hi = lo] = r.split('-').map(Number)
            if (slot >= lo && slot <= hi) return Number(address.split('@')[0].split(':')[1])
          }
        }
        throw new Error(`no master serves slot ${slot}`)
      },
      restart: async (port) => {
        const s = servers.find(x => x.port === port)
        if (s === undefined) throw new Error(`no master on ${port}`)
        await s.kill()
        await s.start()
        await until('cluster_state:ok after the restart', 30_000, allOk)
      },
      close
    }
  } catch (err) {
    await close()
    throw err
  }
}

export interface LocalSentinel {
  /** host:port of the Sentinel, for REDIS_SENTINELS. */
  sentinels: string
  /** The master's name, for REDIS_SENTINEL_NAME. */
  name: string
  masterPort: number
  close: () => Promise<void>
}

/** One master and one Sentinel watching it under `name`. */
export async function startSentinel (name = 'gonogo-test'): Promise<LocalSentinel> {
  const root = mkdtempSync(join(tmpdir(), 'gonogo-sentinel-'))
  const taken = new Set<number>()
  const masterPort = await freePort(taken)
  const sentinelPort = await freePort(taken)
  const master = new Server(masterPort, join(root, 'master'), [
    '--port', String(masterPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'
  ])
  // Sentinel rewrites its config file, so it must be a file of its own.
  mkdirSync(join(root, 'sentinel'), { recursive: true })
  const conf = join(root, 'sentinel', 'sentinel.conf')
  writeFileSync(conf, [
    `port ${sentinelPort}`, 'bind 127.0.0.1', `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
    `sentinel down-after-milliseconds ${name} 5000`, ''
  ].join('\n'))
  const sentinel = new Server(sentinelPort, join(root, 'sentinel'), [conf, '--sentinel'])
  const close = async () => {
    await sentinel.kill()
    await master.kill()
    rmSync(root, { recursive: true, force: true })
  }
  try {
    await master.start()
    await sentinel.start()
    await until('the Sentinel to know the master', 15_000,
      () => cli(sentinelPort, 'sentinel', 'get-master-addr-by-name', name).includes(String(masterPort)))
    return { sentinels: `127.0.0.1:${sentinelPort}`, name, masterPort, close }
  } catch (err) {
    await close()
    throw err
  }
}
