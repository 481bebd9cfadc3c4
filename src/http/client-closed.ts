/**
 * A client that hangs up before its answer: nothing went wrong on our side, so it is told
 * apart from failures (nginx's 499, "client closed request") and never logged as an error.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { GonogoError } from '../errors.ts'

/** The status the log shows for a request whose client went away; never sent (nobody is listening). */
export const CLIENT_CLOSED = 499

/** Thrown by a route that stopped its work because the client hung up. */
export class ClientClosedError extends GonogoError {
  constructor () {
    super('GONOGO_CLIENT_CLOSED', 'the client closed the request before the answer', { statusCode: CLIENT_CLOSED, retryable: false })
  }
}

/**
 * True when the client of this request has gone: the route said so, or the socket is closed
 * (a body cut off mid-upload fails as ECONNRESET or "aborted", which would otherwise read as
 * Redis trouble or a bad request).
 */
export function clientClosed (err: Error, req: FastifyRequest, reply: FastifyReply): boolean {
  if (err instanceof ClientClosedError) return true
  const socket = req.raw.socket as { destroyed?: boolean } | null | undefined
  return !reply.raw.writableEnded && socket?.destroyed === true
}
