import net from 'node:net'
import { REDIS_URL } from './redis.ts'

export interface SlowRedis {
  url: string
  /** From now on nothing passes either way, and sockets stay open: a Redis that hangs. */
  freeze: () => void
  /** How many client connections are open now (a closed app must have left none). */
  openClients: () => number
  close: () => Promise<void>
}

/**
 * A TCP proxy in front of the test Redis that holds every chunk for `delayMs`
 * each way: a loaded CI machine's Redis, reproducibly. Races between start-up
 * and shutdown that a fast local Redis hides show up behind it.
 */
export async function startSlowRedis (delayMs: number): Promise<SlowRedis> {
  const target = new URL(REDIS_URL)
  const sockets = new Set<net.Socket>()
  const clients = new Set<net.Socket>()
  let frozen = false
  const server = net.createServer((client) => {
    clients.add(client)
    client.on('close', () => clients.delete(client))
    const upstream = net.connect(Number(target.port === '' ? 6379 : target.port), target.hostname)
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy() })
    }
    client.on('data', (chunk) => setTimeout(() => { if (!frozen) upstream.write(chunk) }, delayMs))
    upstream.on('data', (chunk) => setTimeout(() => { if (!frozen) client.write(chunk) }, delayMs))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  const url = new URL(REDIS_URL)
  url.host = `127.0.0.1:${port}`
  return {
    url: url.toString(),
    freeze: () => { frozen = true },
    openClients: () => clients.size,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
