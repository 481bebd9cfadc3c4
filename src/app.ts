import Fastify, { type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.ts'
import { loggerOptions } from './logger.ts'
import { errorHandler, httpError } from './http/error-handler.ts'
import { answerUnknownRoutes } from './http/not-found.ts'
import { validatorCompiler } from './http/validation.ts'
import corsPlugin from './plugins/external/cors.ts'
import rateLimitPlugin from './plugins/external/rate-limit.ts'
import authPlugin from './plugins/app/auth.ts'
import metricsPlugin from './plugins/app/metrics.ts'
import redisPlugin from './plugins/app/redis.ts'
import swaggerPlugin from './plugins/external/swagger.ts'
import nerdgraphPlugin from './plugins/app/nerdgraph.ts'
import queuesPlugin from './plugins/app/queues.ts'
import workersPlugin from './plugins/app/workers.ts'
import notifyPlugin from './plugins/app/notify.ts'
import eventsPlugin from './plugins/app/events.ts'
import rolloutPortsPlugin from './plugins/app/rollout-ports.ts'
import stalenessPlugin from './plugins/app/staleness.ts'
import type { CheckpointNotifier } from './jobs/notifier.ts'
import rolloutsRoutes from './routes/rollouts/index.ts'
import analysesRoutes from './routes/analyses/index.ts'
import healthRoutes from './routes/health/index.ts'
import boardRoutes from './routes/board/index.ts'

export interface BuildOptions {
  config: Config
  /** false silences logs (tests); otherwise pino at config.LOG_LEVEL. */
  logger?: boolean
  /** Where NerdGraph is and the key to send (the embedded simulator's when one runs); default from config. */
  nerdgraph?: { url: string, apiKey: string }
  /** Told after every rollout checkpoint and decision; default the notify module's Notifier. */
  notifier?: CheckpointNotifier
}

/**
 * Builds the app without listening, so tests drive it with inject() and the
 * process entry (server.ts) decides about ports, roles and signals.
 */
export async function buildApp (opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts
  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions(config.LOG_LEVEL),
    bodyLimit: config.GONOGO_BODY_LIMIT,
    // Bad URLs are answered before routing: same error shape as everything else.
    frameworkErrors: (err, _req, reply) => {
      const status: 400 | 414 = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400
      const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? 'a path parameter is too long (rollout ids are 26 characters)'
        : 'the URL is not valid (bad percent-encoding?)'
      ;(reply as unknown as { code: (n: number) => { send: (b: unknown) => unknown } }).code(status)
        .send({ statusCode: status, error: httpError(status), message })
    }
  }).withTypeProvider<TypeBoxTypeProvider>()
  // JSON only: a text/plain body would otherwise reach the schema as a string ("body must be object").
  app.removeContentTypeParser('text/plain')

  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(errorHandler)
  answerUnknownRoutes(app)

  await app.register(metricsPlugin, { token: config.GONOGO_METRICS_TOKEN })
  await app.register(corsPlugin, { origins: config.corsOrigins })
  await app.register(rateLimitPlugin, { max: config.GONOGO_RATE_LIMIT, redis: config.redis, prefix: config.GONOGO_REDIS_PREFIX })
  await app.register(swaggerPlugin)
  await app.register(authPlugin, {
    tokens: config.apiTokens,
    readsRequireToken: config.readTokensRequired,
    // With its own token /metrics is guarded by the metrics plugin: Prometheus holds that token, not an API token.
    ownGuard: config.GONOGO_METRICS_TOKEN === undefined ? [] : ['/metrics']
  })
  await app.register(redisPlugin, { target: config.redis })
  await app.register(nerdgraphPlugin, {
    config,
    url: opts.nerdgraph?.url ?? config.nerdgraphUrl,
    apiKey: opts.nerdgraph?.apiKey ?? config.NEW_RELIC_API_KEY ?? ''
  })
  // Rollouts: the store and queue in every role, the worker unless api-only, the routes unless worker-only.
  await app.register(queuesPlugin, { config })
  await app.register(notifyPlugin, { config })
  await app.register(eventsPlugin, { config })
  await app.register(rolloutPortsPlugin, { config })
  // Overdue on read in every role; heartbeats and the overdue sweep where a worker runs.
  await app.register(stalenessPlugin, { config })
  if (config.GONOGO_ROLE !== 'api') {
    await app.register(workersPlugin, { config, notifier: opts.notifier ?? app.notifier })
  }
  await app.register(healthRoutes)
  if (config.GONOGO_ROLE !== 'worker') {
    await app.register(analysesRoutes, { config })
    await app.register(rolloutsRoutes, { config })
    await app.register(boardRoutes)
  }
  return app
}
