import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health, Readiness as Ready } from '../../schemas/health.ts'
import { described } from '../../schemas/responses.ts'
import { HEARTBEAT, type WorkerLiveness } from '../../store/heartbeat-store.ts'

/**
 * Liveness says the process answers; readiness says the service can do its work: Redis answers
 * and some worker process (this one or another) wrote a heartbeat within 30 s. Without a worker
 * nothing records checkpoints and every live rollout goes overdue, so an API-only process must
 * say so, not only a worker's own probe.
 */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/healthz', {
    schema: {
      tags: ['health'],
      summary: 'The process is up',
      operationId: 'getLiveness',
      security: [],
      response: { 200: described(Health, 'The process answers') }
    },
    config: { rateLimit: false }
  }, async () => ({ status: 'ok' }))

  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Redis is reachable and a worker is alive',
      operationId: 'getReadiness',
      security: [],
      response: {
        200: described(Ready, 'Redis answers and a worker beat within 30 s'),
        503: described(Ready, 'Redis does not answer within 2 s, or no worker heartbeat within 30 s')
      }
    },
    config: { rateLimit: false }
  }, async (_req, reply) => {
    let pong: string
    try {
      pong = await withTimeout(app.redis.ping(), 2000)
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', redis: (err as Error).message, reason: 'Redis does not answer' })
    }
    const now = Date.now()
    let live: WorkerLiveness
    try {
      live = await withTimeout(app.staleness.heartbeats.liveness(now), 2000)
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', redis: (err as Error).message, reason: 'Redis does not answer' })
    }
    const seconds = live.sinceLastMs === null ? null : Math.floor(live.sinceLastMs / 1000)
    const workers = { alive: live.alive, lastHeartbeatSecondsAgo: seconds }
    if (live.alive > 0) return { status: 'ready', redis: pong, workers }
    // None alive but a beat younger than the window: the last worker stopped cleanly (it leaves at once).
    const reason = seconds === null
      ? 'no worker heartbeat yet: no worker has run on this Redis and prefix'
      : (live.sinceLastMs ?? 0) < HEARTBEAT.deadAfterMs
          ? `no worker running: the last one stopped ${seconds} s ago`
          : `no worker heartbeat for ${seconds} s`
    return reply.code(503).send({ status: 'unavailable', redis: pong, workers, reason })
  })
}

async function withTimeout<T> (p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export default health
