import { STATUS_CODES } from 'node:http'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import type { Config } from './config.ts'
import { GonogoError } from './errors.ts'
import { loggerOptions } from './logger.ts'
import { validationMessage, validatorCompiler } from './http/validation.ts'
import type { ErrorObject } from 'ajv'
import authPlugin from './plugins/app/auth.ts'
import metricsPlugin from './plugins/app/metrics.ts'
import redisPlugin from './plugins/app/redis.ts'
import swaggerPlugin from './plugins/external/swagger.ts'
import nerdgraphPlugin from './plugins/app/nerdgraph.ts'
import queuesPlugin from './plugins/app/queues.ts'
import workersPlugin from './plugins/app/workers.ts'
import notifyPlugin from './plugins/app/notify.ts'
import type { CheckpointNotifier } from './jobs/notifier.ts'
import rolloutsRoutes from './routes/rollouts/index.ts'
import analysesRoutes from './routes/analyses/index.ts'
import healthRoutes from './routes/health/index.ts'

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
      const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long (rollout ids are 26 characters)' : 'the URL is not valid (bad percent-encoding?)'
      ;(reply as unknown as { code: (n: number) => { send: (b: unknown) => unknown } }).code(status).send({ statusCode: status, error: httpError(status), message })
    }
  }).withTypeProvider<TypeBoxTypeProvider>()
  // JSON only: a text/plain body would otherwise reach the schema as a string ("body must be object").
  app.removeContentTypeParser('text/plain')

  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation !== undefined) {
      const message = validationMessage(err.validation as ErrorObject[], err.validationContext ?? 'body', err.message)
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message })
    }
    if (isRedisUnavailable(err)) {
      req.log.warn({ err: err.message }, 'redis unavailable')
      return reply.code(503).header('retry-after', '5').send({
        statusCode: 503, error: 'Service Unavailable', message: 'the state store (Redis) is not reachable; try again shortly'
      })
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ statusCode: 415, error: 'Unsupported Media Type', message: `content-type ${req.headers['content-type'] ?? '(none)'} is not accepted: send JSON with content-type application/json` })
    }
    const status = err instanceof GonogoError ? err.statusCode : (err.statusCode ?? 500)
    if (status >= 500) req.log.error({ err }, 'request failed')
    else req.log.info({ err: err.message }, 'request refused')
    const exposed = status < 500 || err instanceof GonogoError
    return reply.code(status).send({
      statusCode: status,
      error: httpError(status),
      message: err instanceof GonogoError ? err.publicMessage : exposed ? err.message : 'internal error; see the service log'
    })
  })
  // Route patterns and their methods, so a known path with the wrong method is a 405, not a 404.
  const routes: Array<{ pattern: RegExp, methods: Set<string> }> = []
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+')}/?$`)
    const methods = ([] as string[]).concat(route.method)
    const known = routes.find(r => r.pattern.source === pattern.source)
    if (known !== undefined) for (const m of methods) known.methods.add(m)
    else routes.push({ pattern, methods: new Set(methods) })
  })
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]
    // Echo enough of the path to recognise it, not a 10 KB URL back at the caller.
    const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path
    const allowed = [...new Set(routes.filter(r => r.pattern.test(path)).flatMap(r => [...r.methods]))].filter(m => m !== 'HEAD' && m !== 'OPTIONS').sort()
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send({ statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed on ${shown}; use ${allowed.join(' or ')}` })
    }
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${shown}` })
  })

  await app.register(metricsPlugin)
  if (config.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
      exposedHeaders: ['location', 'retry-after', 'idempotent-replayed'],
      maxAge: 600
    })
  }
  await app.register(rateLimit, { max: config.GONOGO_RATE_LIMIT, timeWindow: '1 minute' })
  await app.register(swaggerPlugin)
  await app.register(authPlugin, { tokens: config.apiTokens, readsRequireToken: config.readTokensRequired })
  await app.register(redisPlugin, { url: config.REDIS_URL })
  await app.register(nerdgraphPlugin, {
    config,
    url: opts.nerdgraph?.url ?? config.nerdgraphUrl,
    apiKey: opts.nerdgraph?.apiKey ?? config.NEW_RELIC_API_KEY ?? ''
  })
  // Rollouts: the store and queue in every role, the worker unless api-only, the routes unless worker-only.
  await app.register(queuesPlugin, { config })
  await app.register(notifyPlugin, { config })
  if (config.GONOGO_ROLE !== 'api') {
    await app.register(workersPlugin, { config, notifier: opts.notifier ?? app.notifier })
  }
  await app.register(healthRoutes)
  if (config.GONOGO_ROLE !== 'worker') {
    await app.register(analysesRoutes, { config })
    await app.register(rolloutsRoutes, { config })
  }
  return app
}

/** ioredis gave up on a command: Redis is down or unreachable, a 503 rather than a 500. */
function isRedisUnavailable (err: Error): boolean {
  return err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET/.test(err.message)
}

function httpError (status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
}
