import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * A weak ETag from the rollout's revision (every change of a rollout bumps it) and whatever else
 * shapes the answer (a filter), so a page or a wall screen polling every few seconds gets a 304
 * for a few bytes until something changed.
 */
export function etagOf (rev: number, ...parts: Array<string | undefined>): string {
  const extra = parts.filter(p => p !== undefined && p !== '')
  const tail = extra.length === 0 ? '' : `-${createHash('sha256').update(extra.join('\u0000')).digest('base64url').slice(0, 10)}`
  return `W/"r${rev}${tail}"`
}

/** Sets the ETag; true (and a 304 is sent) when the caller already has it. */
export function notModified (req: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('etag', etag).header('cache-control', 'no-cache')
  const given = req.headers['if-none-match']
  if (given === undefined) return false
  const tags = given.split(',').map(t => t.trim())
  if (!tags.includes(etag) && !tags.includes('*')) return false
  reply.code(304).send()
  return true
}
