import fp from 'fastify-plugin'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The service's Prometheus metrics; one registry per app instance so tests can build many apps. */
export class Metrics {
  readonly registry = new Registry()
  readonly checkpoints = new Counter({ name: 'gonogo_checkpoints_total', help: 'Checkpoints run, by kind (checkpoint, decision, analysis) and outcome (ok, failed)', labelNames: ['kind', 'outcome'] as const, registers: [this.registry] })
  readonly nerdgraphRequests = new Counter({ name: 'gonogo_nerdgraph_requests_total', help: 'NerdGraph HTTP requests, by outcome (HTTP status or error code)', labelNames: ['outcome'] as const, registers: [this.registry] })
  readonly nerdgraphRetries = new Counter({ name: 'gonogo_nerdgraph_retries_total', help: 'NerdGraph requests retried', registers: [this.registry] })
  readonly nerdgraphLatency = new Histogram({ name: 'gonogo_nerdgraph_request_duration_seconds', help: 'NerdGraph request latency', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] })
  readonly recommendation = new Gauge({ name: 'gonogo_rollout_recommendation', help: 'Latest recommendation per rollout: 1 for the current value of the recommendation label', labelNames: ['rollout', 'name', 'recommendation'] as const, registers: [this.registry] })
  readonly notifications = new Counter({ name: 'gonogo_notifications_total', help: 'Notification deliveries, by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers: [this.registry] })
  readonly queueDepth = new Gauge({ name: 'gonogo_queue_jobs', help: 'Jobs in each queue by state', labelNames: ['queue', 'state'] as const, registers: [this.registry] })

  constructor () {
    collectDefaultMetrics({ register: this.registry, prefix: 'gonogo_' })
  }

  /** Sets the one-hot recommendation gauge of a rollout. */
  setRecommendation (rolloutId: string, name: string, recommendation: string | null): void {
    for (const r of ['GO', 'NO_GO', 'INCONCLUSIVE']) {
      this.recommendation.set({ rollout: rolloutId, name, recommendation: r }, r === recommendation ? 1 : 0)
    }
  }
}

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
