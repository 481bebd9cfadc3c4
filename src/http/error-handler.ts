/**
 * The one error handler: every refusal is { statusCode, error, message }; a bad request is a 4xx
 * that names the field, Redis away is a 503 with Retry-After, and a 5xx shows no internals.
 */
import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorObject } from 'ajv'
import { GonogoError } from '../errors.ts'
import { CLIENT_CLOSED, clientClosed } from './client-closed.ts'
import { validationMessage } from './validation.ts'

export function errorHandler (err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (clientClosed(err, req, reply)) {
    // Once, at info, no stack: a hang-up is the client's choice, not a failure to page anyone about.
    req.log.info({ statusCode: CLIENT_CLOSED, method: req.method, url: req.routeOptions.url ?? req.url }, 'client closed request')
    return reply.code(CLIENT_CLOSED)
      .send({ statusCode: CLIENT_CLOSED, error: 'Client Closed Request', message: 'the client closed the request' })
  }
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
    return reply.code(415).send({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: `content-type ${req.headers['content-type'] ?? '(none)'} is not accepted: send JSON with content-type application/json`
    })
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
}

/** ioredis gave up on a command: Redis is down, unreachable or not answering, a 503 rather than a 500. */
function isRedisUnavailable (err: Error): boolean {
  return err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|^Command timed out/.test(err.message)
}

/** "Bad Request", "Not Found": the reason phrase of a status. */
export function httpError (status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
}
