import fp from 'fastify-plugin'
import { NerdGraphClient } from '../../newrelic/client.ts'
import type { Config } from '../../config.ts'

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

/** The NerdGraph client, wired to the Prometheus metrics and closed with the app. */
export default fp<NerdGraphPluginOptions>(async (app, opts) => {
  const { config } = opts
  const client = new NerdGraphClient({
    url: opts.url,
    apiKey: opts.apiKey,
    concurrency: config.NERDGRAPH_CONCURRENCY,
    timeoutMs: config.NERDGRAPH_TIMEOUT_MS,
    maxRetries: config.NERDGRAPH_MAX_RETRIES,
    logger: app.log,
    onRequest: (info) => {
      app.metrics.nerdgraphRequests.inc({ outcome: info.error ?? String(info.status) })
      app.metrics.nerdgraphLatency.observe(info.ms / 1000)
      if (info.retried) app.metrics.nerdgraphRetries.inc()
    }
  })
  app.decorate('nerdgraph', client)
  app.addHook('onClose', async () => { await client.close() })
}, { name: 'nerdgraph', dependencies: ['metrics'] })
