import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Metrics } from '../../metrics.ts'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
    /** Called before /metrics renders, e.g. to refresh queue depths. */
    metricsCollectors: Array<() => Promise<void>>
  }
}

export interface MetricsPluginOptions {
  /** GONOGO_METRICS_TOKEN: the scrape needs it as a bearer token (the page lists rollout ids). */
  token?: string
}

export default fp<MetricsPluginOptions>(async (app, opts) => {
  const metrics = new Metrics()
  app.decorate('metrics', metrics)
  app.decorate('metricsCollectors', [])
  app.get('/metrics', {
    schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    ...(opts.token === undefined ? {} : { onRequest: bearerGuard(opts.token) })
  }, async (_req, reply) => {
    await Promise.allSettled(app.metricsCollectors.map(async c => await c()))
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}, { name: 'metrics' })

/**
 * 401 unless `Authorization: Bearer <token>`. Compared as SHA-256 digests with timingSafeEqual,
 * as the API tokens are, so neither the token's content nor its length leaks through timing.
 */
function bearerGuard (token: string): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const expected = digest(token)
  return async (req, reply) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')
    if (match !== null && timingSafeEqual(digest(match[1]), expected)) return
    await reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({
      statusCode: 401,
      error: 'Unauthorized',
      message: match === null
        ? '/metrics needs an "Authorization: Bearer <GONOGO_METRICS_TOKEN>" header'
        : 'the bearer token is not the metrics token'
    })
  }
}

function digest (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
