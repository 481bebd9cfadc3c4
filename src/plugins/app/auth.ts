import { createHash, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import type { ApiToken } from '../../config.ts'

export interface AuthOptions {
  tokens: ApiToken[]
  /** GONOGO_READ_TOKENS_REQUIRED: reads need a token too (not /healthz and /readyz). */
  readsRequireToken?: boolean
  /** Paths another plugin guards with a token of their own (/metrics with GONOGO_METRICS_TOKEN): no API token asked. */
  ownGuard?: string[]
}

/** Who made a request when no token identifies the caller (no GONOGO_API_TOKENS, or an open read). */
export const ANONYMOUS = 'anonymous'

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The name of the caller's token (GONOGO_API_TOKENS), recorded with what a mutation
     * does; `anonymous` when tokens are not configured or the route is open.
     */
    caller: string
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Probes answer without a token whatever the configuration: orchestrators do not hold one. */
const PROBES = new Set(['/healthz', '/readyz'])
/**
 * The board's page and files hold no data (its API calls carry the token the person typed in), and
 * a browser sends no Authorization header when it navigates: they stay open like the probes.
 */
const BOARD = /^\/(?:board(?:\/|\/rollouts\/[^/.]+|\/assets\/(?:vendor\/)?[\w.-]+)?)?$/

/**
 * Bearer tokens on mutating routes, and on every route but the probes with
 * `readsRequireToken`. Tokens are compared as SHA-256 digests with timingSafeEqual so
 * neither their content nor their length leaks through timing, against every token
 * whichever matches. The matching token's name becomes `req.caller`.
 */
export default fp<AuthOptions>(async (app, opts) => {
  app.decorateRequest('caller', ANONYMOUS)
  if (opts.tokens.length === 0) return
  const ownGuard = new Set(opts.ownGuard ?? [])
  const digests = opts.tokens.map(t => ({ name: t.name, digest: digest(t.token) }))
  app.addHook('onRequest', async (req, reply) => {
    if (!needsToken(req.method, req.url, opts.readsRequireToken === true, ownGuard)) return
    const header = req.headers.authorization
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
    if (match === null) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({
        statusCode: 401, error: 'Unauthorized', message: 'this route needs an "Authorization: Bearer <token>" header'
      })
    }
    const given = digest(match[1])
    let caller: string | undefined
    for (const d of digests) {
      const equal = timingSafeEqual(d.digest, given)
      caller = equal ? d.name : caller
    }
    if (caller === undefined) {
      return reply.code(401).header('www-authenticate', 'Bearer error="invalid_token"').send({
        statusCode: 401, error: 'Unauthorized', message: 'the bearer token is not valid'
      })
    }
    req.caller = caller
    req.log = req.log.child({ caller })
  })
}, { name: 'auth' })

/** Mutations always; reads only when required, and never the probes, the board's files or a CORS preflight (no credentials). */
function needsToken (method: string, url: string, reads: boolean, ownGuard: Set<string>): boolean {
  if (MUTATING.has(method)) return true
  if (!reads || method === 'OPTIONS') return false
  const path = url.split('?')[0]
  return !PROBES.has(path) && !BOARD.test(path) && !ownGuard.has(path)
}

function digest (token: string): Buffer {
  return createHash('sha256').update(token).digest()
}
