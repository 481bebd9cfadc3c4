import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { cancelRollout } from '../../rollout/operations.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { CancelRequest, IdParams, Rollout } from '../../schemas/rollout.ts'
import { rolloutView } from './view.ts'

/**
 * POST /v1/rollouts/{id}/cancel: stop a scheduled or monitoring rollout and drop its pending
 * jobs. Who cancelled it (the caller's token name) and why (an optional reason) are stored
 * on the rollout in the same step and told to its notify targets (rollout.cancelled).
 */
const cancel: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/rollouts/:id/cancel', {
    schema: {
      tags: ['rollouts'],
      summary: 'Cancel a rollout',
      description: 'No further checkpoint is run or recorded; one already running finishes unrecorded. The body is optional: ' +
        '`{ "reason": "..." }` is stored on the rollout (`cancellation`, with `by`: the caller\'s token name) and sent with the ' +
        'rollout.cancelled notification; no body or `{}` cancels without a reason. 409 when already decided or cancelled.',
      operationId: 'cancelRollout',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      body: CancelRequest,
      response: {
        200: described(Rollout, 'Cancelled: the rollout, its pending plan entries skipped'),
        ...errors(400, 401, 404, 413, 414, 415, 429, 503),
        409: described(ErrorBody, 'The rollout is already decided or cancelled')
      }
    },
    preValidation: optionalBody
  }, async (req) => {
    const stored = await cancelRollout(app.rolloutPorts, req.params.id, req.caller, req.body.reason)
    app.metrics.finished(stored.spec.id, 'cancelled')
    return rolloutView(stored)
  })
}

/** No body (or null) is the same as `{}`: cancelling needs no input. */
async function optionalBody (req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {}
}

export default cancel
