import { createConnection, createServer, type Server, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'

/**
 * Decides, for what a client sent (the connection's recent bytes, RESP as latin1, the new chunk
 * from `from` on), whether the process behind it dies now. Called for every chunk; a rule keeps
 * its state in its closure.
 */
export type KillRule = (recent: string, from: number) => boolean

/** How much of a connection's past bytes a rule sees: enough for the head of any command. */
const TAIL = 8192

/**
 * A TCP proxy in front of Redis that kills a process the moment it sends a given command:
 * the chunk that matched, and everything after it, is never forwarded, so Redis sees the
 * process's commands up to that point and none after, as when it dies mid-write.
 */
export class CrashProxy {
  /** When the kill happened (ms), 0 until it has. */
  killedAt = 0
  /** The process to kill; set once it is spawned. */
  victim: number | undefined
  readonly #server: Server
  readonly #sockets = new Set<Socket>()

  private constructor (server: Server) {
    this.#server = server
  }

  static async start (rule: KillRule, upstream: { host: string, port: number }): Promise<CrashProxy> {
    const holder: { self?: CrashProxy } = {}
    const server = createServer((client) => {
      const self = holder.self as CrashProxy
      if (self.killedAt > 0) { client.destroy(); return }
      const redis = createConnection(upstream)
      self.#sockets.add(client).add(redis)
      let recent = ''
      client.on('data', (chunk: Buffer) => {
        if (self.killedAt > 0) return
        const text = chunk.toString('latin1')
        recent = (recent + text).slice(-(TAIL + text.length))
        if (rule(recent, recent.length - text.length)) { self.kill(); return }
        redis.write(chunk)
      })
      redis.on('data', (chunk: Buffer) => { if (self.killedAt === 0) client.write(chunk) })
      const drop = () => { client.destroy(); redis.destroy(); self.#sockets.delete(client); self.#sockets.delete(redis) }
      client.on('close', drop).on('error', drop)
      redis.on('close', drop).on('error', drop)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    holder.self = new CrashProxy(server)
    return holder.self
  }

  get url (): string {
    return `redis://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** SIGKILLs the victim and cuts every connection; nothing more reaches Redis. */
  kill (): void {
    if (this.killedAt > 0) return
    this.killedAt = Date.now()
    if (this.victim !== undefined) process.kill(this.victim, 'SIGKILL')
    for (const s of this.#sockets) s.destroy()
  }

  async close (): Promise<void> {
    for (const s of this.#sockets) s.destroy()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }
}
