import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { ConflictError, NotFoundError } from '../../errors.ts'
import { cancelOutcome, type CancelOutcome } from '../../rollout/outcome.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { CancelRequest, IdParams, Rollout } from '../../schemas/rollout.ts'
import type { StoredRollout } from '../../rollout/types.ts'
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
    const { id } = req.params
    const reason = req.body.reason
    const now = Date.now()
    const fields: Record<string, string> = { cancelledBy: req.caller, ...(reason === undefined ? {} : { cancelReason: reason }) }
    const { moved, state } = await app.rollouts.transition(id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', now, fields)
    if (state === null) throw new NotFoundError(`no rollout with id ${id}`)
    if (!moved) throw new ConflictError(`rollout ${id} is already ${state}`)
    const stored = await app.rollouts.get(id)
    if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
    await app.scheduler.unschedule(stored.spec)
    app.metrics.finished(id, 'cancelled')
    req.log.info({ rolloutId: id, was: state, by: req.caller, reason }, 'rollout cancelled')
    await tell(app.notifier, app.checkpointStore, stored, req)
    return rolloutView(stored)
  })
}

/** No body (or null) is the same as `{}`: cancelling needs no input. */
async function optionalBody (req: FastifyRequest): Promise<void> {
  if (req.body === undefined || req.body === null) req.body = {}
}

/** Queues rollout.cancelled for the rollout's targets. Cancelled is cancelled: a notifier outage is logged, not answered with a 5xx. */
async function tell (
  notifier: { publish: (o: CancelOutcome) => Promise<void> },
  checkpoints: { latestResult: (id: string) => Promise<CancelOutcome['previous']> },
  stored: StoredRollout,
  req: FastifyRequest
): Promise<void> {
  try {
    const outcome = cancelOutcome(stored, req.caller, await checkpoints.latestResult(stored.spec.id), Date.now())
    await notifier.publish(outcome)
  } catch (err) {
    req.log.error({ rolloutId: stored.spec.id, err }, 'could not hand the cancellation to the notifier')
  }
}

export default cancel
