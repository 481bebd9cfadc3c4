import rateLimit from '@fastify/rate-limit'
import fp from 'fastify-plugin'

/** Requests per minute per client IP (GONOGO_RATE_LIMIT). */
export default fp<{ max: number }>(async (app, { max }) => {
  await app.register(rateLimit, { max, timeWindow: '1 minute' })
}, { name: 'rate-limit' })
