import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Health, Readiness as Ready } from '../../schemas/health.ts'
import { described } from '../../schemas/responses.ts'

/** Liveness says the process answers; readiness says Redis answers too. */
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
      summary: 'Redis is reachable',
      operationId: 'getReadiness',
      security: [],
      response: { 200: described(Ready, 'Redis answers'), 503: described(Ready, 'Redis does not answer within 2 s') }
    },
    config: { rateLimit: false }
  }, async (_req, reply) => {
    try {
      const pong = await withTimeout(app.redis.ping(), 2000)
      return { status: 'ready', redis: pong }
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', redis: (err as Error).message })
    }
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
