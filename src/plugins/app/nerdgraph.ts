import fp from 'fastify-plugin'
import { RedisBudget } from '../../newrelic/budget.ts'
import { NerdGraphClient } from '../../newrelic/client.ts'
import type { Config } from '../../config.ts'
import { closeRedis } from '../../store/redis-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    nerdgraph: NerdGraphClient
  }
}

export interface NerdGraphPluginOptions {
  config: Config
  /** The key to send; the embedded simulator's when one runs. */
  apiKey: string
  url: string
}

/**
 * The NerdGraph client, wired to the Prometheus metrics and closed with the app. With
 * NERDGRAPH_SHARED_BUDGET every request takes a slot of the API key and its NRQL queries of the
 * account from one budget in Redis that every gonogo process on it shares.
 */
export default fp<NerdGraphPluginOptions>(async (app, opts) => {
  const { config } = opts
  const redis = config.NERDGRAPH_SHARED_BUDGET === 'true' ? app.redisConnect('state', 'nerdgraph-budget') : undefined
  const budget = redis === undefined
    ? undefined
    : new RedisBudget({
      redis,
      prefix: config.GONOGO_REDIS_PREFIX,
      apiKey: opts.apiKey,
      maxConcurrent: config.NEW_RELIC_MAX_CONCURRENT,
      nrqlPerMinute: config.NEW_RELIC_NRQL_PER_MINUTE,
      queriesPerRequest: config.NERDGRAPH_QUERIES_PER_REQUEST
    })
  const client = new NerdGraphClient({
    url: opts.url,
    apiKey: opts.apiKey,
    concurrency: config.NERDGRAPH_CONCURRENCY,
    timeoutMs: config.NERDGRAPH_TIMEOUT_MS,
    maxRetries: config.NERDGRAPH_MAX_RETRIES,
    maxQueriesPerRequest: config.NERDGRAPH_QUERIES_PER_REQUEST,
    asyncAfterMs: config.NERDGRAPH_ASYNC_AFTER_HOURS * 3_600_000,
    ...(budget === undefined ? {} : { budget }),
    logger: app.log,
    onRequest: (info) => {
      app.metrics.nerdgraphRequests.inc({ outcome: info.error ?? String(info.status) })
      app.metrics.nerdgraphLatency.observe(info.ms / 1000)
      if (info.retried) app.metrics.nerdgraphRetries.inc()
    }
  })
  app.decorate('nerdgraph', client)
  app.addHook('onClose', async () => {
    await client.close()
    await closeRedis(redis)
  })
}, { name: 'nerdgraph', dependencies: ['metrics', 'redis'] })
