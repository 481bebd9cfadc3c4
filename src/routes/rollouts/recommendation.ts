import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from '@sinclair/typebox'
import type { Config } from '../../config.ts'
import { NotFoundError } from '../../errors.ts'
import { currentOf } from '../../rollout/board.ts'
import { entryAt } from '../../rollout/plan.ts'
import { nextPending } from '../../rollout/statuses.ts'
import { overdueFrom, type OverdueSettings, type OverdueState } from '../../rollout/overdue.ts'
import type { StoredRollout } from '../../rollout/types.ts'
import { formatLocal } from '../../rollout/timezone.ts'
import { described, errors } from '../../schemas/responses.ts'
import { GateView } from '../../schemas/board.ts'
import { IdParams, RecommendationView, type RolloutState } from '../../schemas/rollout.ts'

const GateQuery = Type.Object({
  detail: Type.Optional(Type.Boolean({ description: 'true: the whole recommendation instead of the lean gate' }))
}, { additionalProperties: false })
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
  const cache = new RecommendationCache(app.redis, config.GONOGO_REDIS_PREFIX, async (id, state, latest, rec) => await render(app, id, state, latest, rec))

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
      description: 'For tools that gate on a status code: 200 when the recommendation (waivers, sign-offs and an override applied) is ' +
        'GO and current (final or not: check `final`); 409 for NO_GO, INCONCLUSIVE, no result yet, a cancelled rollout, a GO whose ' +
        'newer checkpoint failed, or while a due checkpoint is overdue (unrecorded GONOGO_CHECKPOINT_LAG_SECONDS + ' +
        'GONOGO_OVERDUE_GRACE_SECONDS after its time: no worker runs, or it keeps failing). The body is `{ open, final, recommendation, reason }`; with `detail=true` it is the whole ' +
        'recommendation (as GET /recommendation) instead.',
      operationId: 'getGate',
      security: [],
      params: IdParams,
      querystring: GateQuery,
      response: {
        200: described(Type.Union([GateView, RecommendationView]), 'The gate is open: the recommendation is a current GO'),
        ...errors(400, 404, 414, 429, 503),
        409: described(Type.Union([GateView, RecommendationView]),
          'The gate is closed (NO_GO, INCONCLUSIVE, no result yet, cancelled, a newer checkpoint failed, or one is overdue): reason says why')
      }
    }
  }, async (req, reply) => {
    const { body, gate } = await read(req.params.id)
    reply.code(gate.open ? 200 : 409).type(JSON_TYPE)
    return req.query.detail === true ? reply.send(body as never) : reply.send(JSON.stringify(gate) as never)
  })
}

/**
 * The RecommendationView bytes: a head with the live fields (the gate, and what people's word made
 * of the recommendation: `effective`), then the stored latest object's members.
 */
async function render (app: FastifyInstance, id: string, state: RolloutState, latest: Buffer | null, rec: string | null): Promise<RenderedRecommendation> {
  const data = await app.boardReader.matrix(id)
  const overdue = data === null ? undefined : app.staleness.overdueOf(data.stored)
  const current = data === null ? null : currentOf({ ...data, overdue })
  const validUntil = data === null ? undefined : renderedUntil(data.stored, overdue, app.staleness.settings)
  const gateLean = current?.gate ?? { open: false, final: state === 'decided', recommendation: null, reason: 'no checkpoint has succeeded yet' }
  const gate = { open: gateLean.open, reason: gateLean.reason }
  const effective = current === null || latest === null
    ? null
    : { recommendation: current.effective.recommendation, waived: current.effective.waived, awaitingSignOff: current.effective.awaitingSignOff, override: data?.people.override ?? null }
  const final = state === 'decided'
  const head = `{"rolloutId":"${id}","state":"${state}","final":${final ? 'true' : 'false'},"gate":${JSON.stringify(gate)},` +
    (effective === null ? '' : `"effective":${JSON.stringify(effective)},`)
  const until = validUntil === undefined ? {} : { validUntil }
  if (latest !== null) return { body: Buffer.concat([Buffer.from(head), latest.subarray(1)]), recommendation: rec, state, gateOpen: gate.open, gate: gateLean, ...until }
  const rest = JSON.stringify(await nothingYet(app, id, state)).slice(1)
  return { body: Buffer.from(head + rest), recommendation: null, state, gateOpen: gateLean.open, gate: gateLean, ...until }
}

/** Most seconds an overdue gate's reason ("is 4 min overdue") goes without being rendered again. */
const OVERDUE_REFRESH_MS = 15_000

/**
 * How long a rendered gate stays true without a write: until the rollout would turn overdue, and
 * once it is, a few seconds at a time, so the lateness in the reason keeps up.
 */
function renderedUntil (stored: StoredRollout, overdue: OverdueState | undefined, settings: OverdueSettings): number | undefined {
  if (overdue?.overdue === true) return Date.now() + OVERDUE_REFRESH_MS
  return overdueFrom(stored, settings) ?? undefined
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
