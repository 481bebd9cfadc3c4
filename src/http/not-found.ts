/**
 * 404 for an unknown path, 405 with Allow for a known path and a wrong method: remembers every
 * route's pattern and methods as routes are added.
 */
import type { FastifyInstance } from 'fastify'

export function answerUnknownRoutes (app: FastifyInstance): void {
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
    const allowed = [...new Set(routes.filter(r => r.pattern.test(path)).flatMap(r => [...r.methods]))]
      .filter(m => m !== 'HEAD' && m !== 'OPTIONS').sort()
    if (allowed.length > 0) {
      return reply.code(405).header('allow', allowed.join(', ')).send({
        statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed on ${shown}; use ${allowed.join(' or ')}`
      })
    }
    return reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${req.method} ${shown}` })
  })
}
