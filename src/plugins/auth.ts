import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'

export interface AuthOptions { tokens: string[] }

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Bearer tokens on mutating routes. Tokens are compared as SHA-256 digests with
 * timingSafeEqual so neither their content nor their length leaks through timing.
 */
export default fp<AuthOptions>(async (app, opts) => {
  if (opts.tokens.length === 0) return
  const digests = opts.tokens.map(digest)
  app.addHook('onRequest', async (req, reply) => {
    if (!MUTATING.has(req.method)) return
    const header = req.headers.authorization
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
    if (match === null) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        statusCode: 401, error: 'Unauthorized', message: 'this route needs an "Authorization: Bearer <token>" header'
      })
    }
    const given = digest(match[1])
    // Compare against every token so the time does not depend on which one matched.
    let ok = false
    for (const d of digests) ok = timingSafeEqual(d, given) || ok
    if (!ok) {
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({
        statusCode: 401, error: 'Unauthorized', message: 'the bearer token is not valid'
      })
    }
  })
}, { name: 'auth' })

function digest (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
