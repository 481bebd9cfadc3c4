import type { FastifyRequest } from 'fastify'
import { BadRequestError } from '../../errors.ts'

/**
 * preValidation for actions that take no input (cancel, run a checkpoint now): a body
 * with fields is refused rather than silently ignored, so `{"at": "..."}` does not look
 * like it chose a time. An empty body or `{}` is fine.
 */
export async function noBody (req: FastifyRequest): Promise<void> {
  const body = req.body as unknown
  if (body === undefined || body === null) return
  if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return
  const field = typeof body === 'object' && !Array.isArray(body) ? ` (unknown field "${Object.keys(body)[0]}")` : ''
  throw new BadRequestError(`${req.method} ${req.routeOptions.url ?? req.url} takes no body${field}`)
}
