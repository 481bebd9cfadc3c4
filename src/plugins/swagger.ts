import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'

/** OpenAPI 3 from the route schemas (the checked-in openapi/ document is generated from this) and a UI at /docs. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'gonogo',
        version: '1',
        description: 'Automated Go/No-Go analysis for production server rollouts: canary hosts against baseline hosts on New Relic data.'
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required on mutating routes when GONOGO_API_TOKENS is set' } }
      },
      tags: [
        { name: 'analyses', description: 'One-shot analysis of a window' },
        { name: 'rollouts', description: 'Scheduled checkpoints and the decision' },
        { name: 'health', description: 'Liveness, readiness, metrics' }
      ]
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'swagger' })
