import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { COMPONENTS } from '../../schemas/components.ts'
import { finishDocument, type OpenApiDocument } from '../../schemas/document.ts'

const DESCRIPTION = `Automated Go/No-Go analysis for production server rollouts: canary hosts against baseline hosts on New Relic data.

- **Auth**: when GONOGO_API_TOKENS is set, every mutating request (POST) needs \`Authorization: Bearer <token>\`; reads need none.
- **Errors** are \`{ "statusCode", "error", "message" }\`; the message names a bad field as it was sent (\`body.apps.3\`).
  Any other method on a known path answers 405 with an \`Allow\` header; an unknown path 404.
- **Paging**: list routes take \`limit\` and \`cursor\` and answer \`nextCursor\` (null on the last page).`

/** OpenAPI 3.1 from the route schemas (the checked-in openapi/ document is generated from this) and a UI at /docs. */
export default fp(async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'gonogo', version: '1', description: DESCRIPTION },
      servers: [
        { url: '/', description: 'The service serving this document' },
        { url: 'http://127.0.0.1:3000', description: 'npm run demo' }
      ],
      components: {
        schemas: COMPONENTS,
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'One of GONOGO_API_TOKENS; needed on mutating routes when it is set, ' +
              'and on every route but /healthz and /readyz ' +
              'when GONOGO_READ_TOKENS_REQUIRED=true (reads are documented without it: the default)'
          }
        }
      },
      tags: [
        { name: 'analyses', description: 'One-shot analysis of a window' },
        { name: 'rollouts', description: 'Scheduled checkpoints and the decision' },
        { name: 'health', description: 'Liveness, readiness, metrics' }
      ]
    },
    transformObject: (rendered) => finishDocument((rendered as unknown as { openapiObject: OpenApiDocument }).openapiObject) as never
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
}, { name: 'swagger' })
