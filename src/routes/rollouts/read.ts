import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFoundError } from '../../errors.ts'
import { etagOf, notModified } from '../../http/etag.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams, ListQuery, Rollout, RolloutPage } from '../../schemas/rollout.ts'
import { overdueTag } from './overdue-tag.ts'
import { rolloutSummary, rolloutView } from './view.ts'

/** GET /v1/rollouts (newest first, paged by cursor, filtered by state) and GET /v1/rollouts/{id}. */
const read: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/rollouts', {
    schema: {
      tags: ['rollouts'],
      summary: 'List rollouts',
      description: 'Newest first. Pass the nextCursor of a page as cursor to get the next, older page. Each item\'s `override` is ' +
        'people\'s decision after the automated `recommendation`, when one was recorded.',
      operationId: 'listRollouts',
      security: [],
      querystring: ListQuery,
      response: { 200: described(RolloutPage, 'A page of rollouts, newest first'), ...errors(400, 429, 503) }
    }
  }, async (req) => {
    const { items, nextCursor } = await app.rollouts.list({ ...req.query, limit: req.query.limit ?? 50 })
    // An override is only given once decided; without it a list showed NO_GO for a rollout people had let through.
    const overrides = await Promise.all(items.map(async r => r.state === 'decided' ? await app.people.overrideOf(r.spec.id) : null))
    return { items: items.map((r, i) => ({ ...rolloutSummary(r, app.staleness.overdueOf(r)), override: overrides[i] })), nextCursor }
  })

  app.get('/v1/rollouts/:id', {
    schema: {
      tags: ['rollouts'],
      summary: 'Get a rollout with its plan',
      operationId: 'getRollout',
      security: [],
      params: IdParams,
      description: 'ETag and If-None-Match (304): a page polling it costs a few bytes until the rollout changes.',
      response: {
        200: described(Rollout, 'The rollout'),
        304: described(Type.Null(), 'Not modified since the ETag given (If-None-Match)'),
        ...errors(400, 404, 414, 429, 503)
      }
    }
  }, async (req, reply) => {
    const rev = await app.boardReader.revision(req.params.id)
    if (rev === null) throw new NotFoundError(`no rollout with id ${req.params.id}`)
    // A live rollout can go overdue with no write (that is the point): its ETag names the overdue entry and minute.
    const live = rev.state === 'scheduled' || rev.state === 'monitoring'
    const stored = live ? await app.rollouts.get(req.params.id) : null
    const overdue = stored === null ? undefined : app.staleness.overdueOf(stored)
    if (notModified(req, reply, etagOf(rev.rev, 'rollout', overdueTag(overdue)))) return reply
    const current = stored ?? await app.rollouts.get(req.params.id)
    if (current === null) throw new NotFoundError(`no rollout with id ${req.params.id}`)
    const override = current.state === 'decided' ? await app.people.overrideOf(current.spec.id) : null
    return { ...rolloutView(current, await app.notifyFailures.list(current.spec.id), overdue ?? app.staleness.overdueOf(current)), override }
  })
}

export default read
