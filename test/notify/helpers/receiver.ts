import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  path: string
  headers: IncomingHttpHeaders
  body: string
  at: number
  /** The status answered, or 0 when the request was left hanging. */
  status: number
}

/** What to answer: a status (with headers/body, after delayMs), or hang (never answer). */
export type Reply = { status: number, headers?: Record<string, string>, body?: string, delayMs?: number } | 'hang'
export type Handler = (req: Omit<Received, 'status'>, n: number) => Reply

/**
 * A real HTTP receiver on 127.0.0.1 that records every request and answers
 * through a handler the test can swap at any time.
 */
export class Receiver {
  readonly requests: Received[] = []
  handler: Handler
  #server: Server
  #port: number
  #hanging = new Set<ServerResponse>()

  private constructor (server: Server, port: number, handler: Handler) {
    this.#server = server
    this.#port = port
    this.handler = handler
  }

  /** Starts listening; port 0 picks a free one (pass a port to come back on the same one). */
  static async start (handler: Handler = () => ({ status: 200, body: 'ok' }), port = 0): Promise<Receiver> {
    // The request handler needs the Receiver, which needs the listening server: a holder breaks the cycle.
    const holder: { self?: Receiver } = {}
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const r = holder.self as Receiver
        const seen = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
        const reply = r.handler(seen, r.requests.length)
        if (reply === 'hang') {
          r.requests.push({ ...seen, status: 0 })
          r.#hanging.add(res)
          res.on('close', () => r.#hanging.delete(res))
          return
        }
        const answer = () => {
          r.requests.push({ ...seen, status: reply.status })
          res.writeHead(reply.status, reply.headers ?? {})
          res.end(reply.body ?? '')
        }
        // Recorded when answered, so "delivered" means the sender got the 2xx.
        if (reply.delayMs === undefined) answer()
        else setTimeout(answer, reply.delayMs)
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    holder.self = new Receiver(server, (server.address() as AddressInfo).port, handler)
    return holder.self
  }

  get port (): number {
    return this.#port
  }

  url (path = '/hook'): string {
    return `http://127.0.0.1:${this.#port}${path}`
  }

  /** Requests answered with a 2xx. */
  delivered (): Received[] {
    return this.requests.filter(r => r.status >= 200 && r.status < 300)
  }

  /** Waits until `predicate` holds, polling; rejects after timeoutMs with `what`. */
  async waitFor (predicate: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; got ${this.requests.length} requests`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  /** Stops listening and drops every connection, hanging ones included. */
  async stop (): Promise<void> {
    for (const res of this.#hanging) res.destroy()
    this.#server.closeAllConnections()
    await new Promise<void>(resolve => this.#server.close(() => resolve()))
  }
}
