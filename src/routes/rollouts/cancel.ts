import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ConflictError, NotFoundError } from '../../errors.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams, Rollout } from '../../schemas/rollout.ts'
import { rolloutView } from './view.ts'
import { noBody } from './no-body.ts'

/** POST /v1/rollouts/{id}/cancel: stop a scheduled or monitoring rollout and drop its pending jobs. */
const cancel: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/rollouts/:id/cancel', {
    schema: {
      tags: ['rollouts'],
      summary: 'Cancel a rollout',
      description: 'No further checkpoint is run or recorded; one already running finishes unrecorded. 409 when already decided or cancelled.',
      operationId: 'cancelRollout',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      response: {
        200: described(Rollout, 'Cancelled: the rollout, its pending plan entries skipped'),
        ...errors(400, 401, 404, 413, 414, 415, 429, 503),
        409: described(ErrorBody, 'The rollout is already decided or cancelled')
      }
    },
    preValidation: noBody
  }, async (req) => {
    const { id } = req.params
    const { moved, state } = await app.rollouts.transition(id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', Date.now())
    if (state === null) throw new NotFoundError(`no rollout with id ${id}`)
    if (!moved) throw new ConflictError(`rollout ${id} is already ${state}`)
    const stored = await app.rollouts.get(id)
    if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
    await app.scheduler.unschedule(stored.spec)
    req.log.info({ rolloutId: id, was: state }, 'rollout cancelled')
    return rolloutView(stored)
  })
}

export default cancel
