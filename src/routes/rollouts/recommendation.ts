import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import { NotFoundError } from '../../errors.ts'
import { gateOf } from '../../rollout/gate.ts'
import { entryAt } from '../../rollout/plan.ts'
import { nextPending } from '../../rollout/statuses.ts'
import { formatLocal } from '../../rollout/timezone.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams, RecommendationView, type RolloutState } from '../../schemas/rollout.ts'
import { RecommendationCache, type RenderedRecommendation } from '../../store/recommendation-cache.ts'

const JSON_TYPE = 'application/json; charset=utf-8'

/**
 * The read path dashboards and deployment gates poll. The latest
 * recommendation is stored pre-serialised when a checkpoint is recorded; a
 * read is one small HMGET (state and revision) and cached bytes, re-rendered
 * only when the revision moved. No JSON parse, no serialiser.
 */
const recommendation: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  // The state connection is auto-pipelined: under load, the many small HMGETs of concurrent
  // requests go out in one write and come back in one read, which halves the CPU per read.
  const cache = new RecommendationCache(app.redis, config.GONOGO_REDIS_PREFIX, async (id, state, latest, rec, statuses) => await render(app, id, state, latest, rec, statuses))

  async function read (id: string): Promise<RenderedRecommendation> {
    const rendered = await cache.read(id)
    if (rendered === null) throw new NotFoundError(`no rollout with id ${id}`)
    return rendered
  }

  app.get('/v1/rollouts/:id/recommendation', {
    schema: {
      tags: ['rollouts'],
      summary: 'Latest recommendation',
      description: 'The latest checkpoint\'s recommendation and result, with final: true once decided. Before any checkpoint has succeeded it answers 200 with recommendation: null and a message saying when the next is due. A decision that could not read New Relic data is final INCONCLUSIVE with the error (never GO).',
      operationId: 'getRecommendation',
      security: [],
      params: IdParams,
      response: { 200: described(RecommendationView, 'The latest recommendation'), ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req, reply) => {
    const { body } = await read(req.params.id)
    // Bytes are sent as they are; the schema above documents them (the tests check they match it).
    return reply.type(JSON_TYPE).send(body as never)
  })

  app.get('/v1/rollouts/:id/gate', {
    schema: {
      tags: ['rollouts'],
      summary: 'Deployment gate: 200 on GO, 409 otherwise',
      description: 'For tools that gate on a status code: 200 when the latest recommendation is GO and current (final or not: check `final`); 409 for NO_GO, INCONCLUSIVE, no result yet, a cancelled rollout, or a GO whose newer checkpoint failed. The body is the recommendation either way; `gate.reason` says why.',
      operationId: 'getGate',
      security: [],
      params: IdParams,
      response: {
        200: described(RecommendationView, 'The gate is open: the latest recommendation is a current GO'),
        ...errors(400, 404, 414, 429, 503),
        409: described(RecommendationView,
          'The gate is closed (NO_GO, INCONCLUSIVE, no result yet, cancelled, or a newer checkpoint failed): gate.reason says why')
      }
    }
  }, async (req, reply) => {
    const { body, gateOpen } = await read(req.params.id)
    return reply.code(gateOpen ? 200 : 409).type(JSON_TYPE).send(body as never)
  })
}

/** The RecommendationView bytes: a head with the live fields, then the stored latest object's members. */
async function render (app: FastifyInstance, id: string, state: RolloutState, latest: Buffer | null, rec: string | null, statuses: string): Promise<RenderedRecommendation> {
  const gate = gateOf(state, rec, statuses)
  const head = `{"rolloutId":"${id}","state":"${state}","final":${state === 'decided' ? 'true' : 'false'},"gate":${JSON.stringify(gate)},`
  if (latest !== null) return { body: Buffer.concat([Buffer.from(head), latest.subarray(1)]), recommendation: rec, state, gateOpen: gate.open }
  const rest = JSON.stringify(await nothingYet(app, id, state)).slice(1)
  return { body: Buffer.from(head + rest), recommendation: null, state, gateOpen: false }
}

/** The body before any checkpoint succeeded: a 200 with null and a message, not a 404 (the rollout exists). */
async function nothingYet (app: FastifyInstance, id: string, state: RolloutState): Promise<object> {
  const stored = await app.rollouts.get(id)
  let message = 'no checkpoint has succeeded yet'
  if (stored !== null) {
    const next = nextPending(stored.statuses)
    const { spec } = stored
    if (state === 'cancelled') message = 'the rollout was cancelled before any checkpoint succeeded'
    else if (next >= 0) message = `no checkpoint has succeeded yet; the next is due at ${formatLocal(entryAt(spec, next), spec.timezone)}`
  }
  return { recommendation: null, checkpoint: null, message, result: null }
}

export default recommendation
