import fp from 'fastify-plugin'
import { Metrics } from '../../metrics.ts'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
    /** Called before /metrics renders, e.g. to refresh queue depths. */
    metricsCollectors: Array<() => Promise<void>>
  }
}

export default fp(async (app) => {
  const metrics = new Metrics()
  app.decorate('metrics', metrics)
  app.decorate('metricsCollectors', [])
  app.get('/metrics', {
    schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'] },
    config: { rateLimit: false }
  }, async (_req, reply) => {
    await Promise.allSettled(app.metricsCollectors.map(async c => await c()))
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })
}, { name: 'metrics' })
