import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Config } from '../../config.ts'
import { BadRequestError, NotFoundError } from '../../errors.ts'
import { requestCheckpoint } from '../../rollout/operations.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { Checkpoint, CheckpointList, CheckpointListQuery, IdParams, RolloutId } from '../../schemas/rollout.ts'
import { noBody } from './no-body.ts'

// Digits only: coercion would read " " as 0 and "1e2" as 100.
const IndexParams = Type.Object({
  id: RolloutId,
  index: Type.String({ pattern: '^[0-9]{1,7}$', description: 'Checkpoint index (0-based)', examples: ['5'] })
}, { additionalProperties: false })

/** GET the checkpoints of a rollout (all, or one), and POST one to run now. */
const checkpoints: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.get('/v1/rollouts/:id/checkpoints', {
    schema: {
      tags: ['rollouts'],
      summary: 'Recorded checkpoints, by time',
      description: 'Every recorded checkpoint (plan entries and manual runs), ok or failed, with its result or error, in time order. ' +
        'Large rollouts can be read in pages: `limit`, and `cursor` set to the `nextCursor` of the previous page ' +
        '(`after` is its deprecated name).',
      operationId: 'listCheckpoints',
      security: [],
      params: IdParams,
      querystring: CheckpointListQuery,
      response: { 200: described(CheckpointList, 'A page of recorded checkpoints, in time order'), ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req) => {
    if (await app.rollouts.latest(req.params.id) === null) throw new NotFoundError(`no rollout with id ${req.params.id}`)
    const { limit = 1000, cursor, after } = req.query
    if (cursor !== undefined && after !== undefined) {
      throw new BadRequestError('querystring.after is the deprecated name of querystring.cursor: pass one of them')
    }
    // The cursor is the index of the last checkpoint of the previous page; `after` is its older, numeric name.
    const from = cursor !== undefined
      ? { field: 'cursor', index: Number(cursor) }
      : after !== undefined ? { field: 'after', index: after } : undefined
    const page = await app.checkpointStore.page(req.params.id, limit, from?.index)
    if (page === null) throw new BadRequestError(`querystring.${String(from?.field)} ${String(from?.index)} is not a recorded checkpoint of rollout ${req.params.id}`)
    const { items, next: last } = page
    return { items, nextCursor: last === null ? null : String(last), nextAfter: last }
  })

  app.get('/v1/rollouts/:id/checkpoints/:index', {
    schema: {
      tags: ['rollouts'],
      summary: 'One recorded checkpoint',
      operationId: 'getCheckpoint',
      security: [],
      params: IndexParams,
      response: { 200: described(Checkpoint, 'The checkpoint'), ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req) => {
    const { id } = req.params
    const index = Number(req.params.index)
    const record = await app.checkpointStore.get(id, index)
    if (record === null) throw new NotFoundError(`rollout ${id} has no recorded checkpoint ${index}`)
    return record
  })

  app.post('/v1/rollouts/:id/checkpoints', {
    schema: {
      tags: ['rollouts'],
      summary: 'Run a checkpoint now',
      description: 'Judges [startAt, now - GONOGO_CHECKPOINT_LAG_SECONDS) outside the plan (the lag leaves New Relic time to ingest the last minutes, as for scheduled checkpoints). Answers 201 with the checkpoint when it is recorded within GONOGO_MANUAL_WAIT_MS, else 202 with it pending (poll the Location). A request while another is pending joins it. Manual checkpoints read the evidence of the plan but never change the decision. 409 before startAt, at or after decisionAt, and once decided or cancelled.',
      operationId: 'runCheckpoint',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      response: {
        201: described(Checkpoint, 'Recorded within GONOGO_MANUAL_WAIT_MS; Location names it'),
        202: described(Checkpoint, 'Still running (status pending): poll the Location'),
        ...errors(400, 401, 404, 413, 414, 415, 429, 503),
        409: described(ErrorBody, 'Before startAt (or its ingest lag), due for the decision, decided or cancelled')
      }
    },
    preValidation: noBody
  }, async (req, reply) => {
    const { record, recorded } = await requestCheckpoint(app.rolloutPorts, req.params.id)
    return reply.code(recorded ? 201 : 202).header('location', `/v1/rollouts/${req.params.id}/checkpoints/${record.index}`).send(record)
  })
}

export default checkpoints
