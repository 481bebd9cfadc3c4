import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { NotFoundError } from '../../errors.ts'
import { etagOf, notModified } from '../../http/etag.ts'
import { buildAppView, buildMatrix } from '../../rollout/board.ts'
import { AppParams, AppView, AuditList, Matrix, MatrixQuery } from '../../schemas/board.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams } from '../../schemas/rollout.ts'
import { overdueTag } from './overdue-tag.ts'

const NOT_MODIFIED = described(Type.Null(), 'Not modified since the ETag given (If-None-Match)')

/**
 * The compact reads: the matrix (apps x checkpoints, people's word beside the verdicts), one app
 * across the rollout, and the audit list. Each read first asks Redis for the rollout's revision:
 * with a matching If-None-Match it answers 304 without reading anything else.
 */
const board: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/rollouts/:id/matrix', {
    schema: {
      tags: ['board'],
      summary: 'The rollout as a table: apps x checkpoints',
      description: 'One row per app (team, owners, each checkpoint\'s verdict and few words, waiver, latest sign-off), one column per ' +
        'plan entry, the recommendation now (waivers, sign-offs and an override applied) beside the automated one, and the gate. ' +
        'ETag and If-None-Match (304); `team` keeps one team\'s apps.',
      operationId: 'getMatrix',
      security: [],
      params: IdParams,
      querystring: MatrixQuery,
      response: { 200: described(Matrix, 'The matrix'), 304: NOT_MODIFIED, ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req, reply) => {
    const { id } = req.params
    const rev = await app.boardReader.revision(id)
    if (rev === null) throw new NotFoundError(`no rollout with id ${id}`)
    // A live rollout can go overdue with no write: the ETag names the overdue entry and minute.
    const live = rev.state === 'scheduled' || rev.state === 'monitoring'
    const stored = live ? await app.rollouts.get(id) : null
    const overdue = stored === null ? undefined : app.staleness.overdueOf(stored)
    if (notModified(req, reply, etagOf(rev.rev, 'matrix', req.query.team, overdueTag(overdue)))) return reply
    const data = await app.boardReader.matrix(id)
    if (data === null) throw new NotFoundError(`no rollout with id ${id}`)
    return buildMatrix({ ...data, overdue: app.staleness.overdueOf(data.stored) }, req.query.team)
  })

  app.get('/v1/rollouts/:id/apps/:app', {
    schema: {
      tags: ['board'],
      summary: 'One app across the rollout',
      description: 'Each recorded checkpoint\'s verdict, reasons and numbers for the app, the latest checkpoint\'s series of canary and ' +
        'baseline (traffic, error rate, p95) for charts, its notes and waiver. ETag and If-None-Match (304).',
      operationId: 'getAppView',
      security: [],
      params: AppParams,
      response: { 200: described(AppView, 'The app'), 304: NOT_MODIFIED, ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req, reply) => {
    const { id, app: name } = req.params
    const rev = await app.boardReader.revision(id)
    if (rev === null) throw new NotFoundError(`no rollout with id ${id}`)
    if (notModified(req, reply, etagOf(rev.rev, 'app', name))) return reply
    const data = await app.boardReader.app(id, name)
    const view = data === null ? null : buildAppView(data.stored, name, data.checkpoints, data.series, data.notes, data.waiver)
    if (view === null) throw new NotFoundError(`rollout ${id} has no app ${JSON.stringify(name)}`)
    return view
  })

  app.get('/v1/rollouts/:id/audit', {
    schema: {
      tags: ['board'],
      summary: 'What people did to the rollout',
      description: 'Creation, notes and sign-offs, waivers given and withdrawn, overrides and the cancellation, oldest first, with who and when.',
      operationId: 'getAudit',
      security: [],
      params: IdParams,
      response: { 200: described(AuditList, 'The audit list'), ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req) => {
    const { id } = req.params
    if (await app.boardReader.revision(id) === null) throw new NotFoundError(`no rollout with id ${id}`)
    return { items: await app.people.audit(id) }
  })
}

export default board
