import cors from '@fastify/cors'
import fp from 'fastify-plugin'

/** CORS for browser dashboards on other origins (GONOGO_CORS_ORIGINS); none: no CORS headers at all. */
export default fp<{ origins: string[] }>(async (app, { origins }) => {
  if (origins.length === 0) return
  await app.register(cors, {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key'],
    exposedHeaders: ['location', 'retry-after', 'idempotent-replayed'],
    maxAge: 600
  })
}, { name: 'cors' })
