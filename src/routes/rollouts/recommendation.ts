import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { NotFoundError } from '../../errors.ts'
import { formatLocal } from '../../jobs/timezone.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { IdParams, RecommendationView } from '../../schemas/rollout.ts'

/**
 * The read path dashboards and deployment gates poll. The latest
 * recommendation is stored pre-serialised when a checkpoint is recorded, so a
 * read is one HMGET and a string concatenation: no JSON parse, no serialiser.
 */
const recommendation: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/rollouts/:id/recommendation', {
    schema: {
      tags: ['rollouts'],
      summary: 'Latest recommendation',
      description: 'The latest successful checkpoint\'s recommendation and result, with final: true once decided. Before any checkpoint has run it answers 200 with recommendation: null and a message saying when the first is due. A decision that could not read New Relic data is final INCONCLUSIVE with the error.',
      params: IdParams,
      response: { 200: RecommendationView, 400: ErrorBody, 404: ErrorBody }
    }
  }, async (req, reply) => {
    const { body } = await readRecommendation(app, req.params.id)
    // A string body is sent as is; the schema above still documents it (and the tests check it parses to it).
    return reply.type('application/json; charset=utf-8').send(body as never)
  })

  app.get('/v1/rollouts/:id/gate', {
    schema: {
      tags: ['rollouts'],
      summary: 'Deployment gate: 200 on GO, 409 otherwise',
      description: 'For tools that gate on a status code: 200 when the latest recommendation is GO (final or not: check `final`), 409 for NO_GO, INCONCLUSIVE or no result yet. The body is the recommendation either way.',
      params: IdParams,
      response: { 200: RecommendationView, 400: ErrorBody, 404: ErrorBody, 409: RecommendationView }
    }
  }, async (req, reply) => {
    const { body, recommendation } = await readRecommendation(app, req.params.id)
    return reply.code(recommendation === 'GO' ? 200 : 409).type('application/json; charset=utf-8').send(body as never)
  })
}

/** The RecommendationView JSON of a rollout and its recommendation; 404 for an unknown id. */
async function readRecommendation (app: FastifyInstance, id: string): Promise<{ body: string, recommendation: string | null }> {
  const row = await app.rollouts.latest(id)
  if (row === null) throw new NotFoundError(`no rollout with id ${id}`)
  const head = `{"rolloutId":"${id}","state":"${row.state}","final":${row.state === 'decided' ? 'true' : 'false'},`
  if (row.latest !== null) return { body: head + row.latest.slice(1), recommendation: row.recommendation }
  return { body: head + JSON.stringify(await nothingYet(app, id, row.state)).slice(1), recommendation: null }
}

/** The body before any checkpoint succeeded: a 200 with null and a message, not a 404 (the rollout exists). */
async function nothingYet (app: FastifyInstance, id: string, state: string): Promise<object> {
  const stored = await app.rollouts.get(id)
  let message = 'no checkpoint has succeeded yet'
  if (stored !== null) {
    const next = stored.statuses.indexOf('-')
    const { spec } = stored
    if (state === 'cancelled') message = 'the rollout was cancelled before any checkpoint succeeded'
    else if (next >= 0) {
      const at = next === spec.planLength - 1 ? spec.decisionAt : spec.startAt + (next + 1) * spec.everyMs
      message = `no checkpoint has succeeded yet; the next is due at ${formatLocal(at, spec.timezone)}`
    }
  }
  return { recommendation: null, checkpoint: null, message, result: null }
}

export default recommendation
