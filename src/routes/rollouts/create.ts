import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Config } from '../../config.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { CreatedRollout, RolloutRequest } from '../../schemas/rollout.ts'
import { createRollout } from '../../rollout/operations.ts'
import { rolloutView } from './view.ts'

const Headers = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Retrying a create with the same key and body returns the first rollout instead of making another (remembered 24 h)' }))
})

/** POST /v1/rollouts: 201 with the rollout rollout/operations.ts created (or replayed). */
const create: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, { config }) => {
  app.post('/v1/rollouts', {
    schema: {
      tags: ['rollouts'],
      summary: 'Create a rollout',
      description: 'Stores the rollout and schedules its checkpoints (startAt + k * checkpointEvery, strictly before decisionAt) and the decision at decisionAt. Checkpoints already due run at once, in order; a past decisionAt decides right after. Before storing, one New Relic query checks the names (up to GONOGO_PREFLIGHT_MS): apps without transactions and hosts that report none of the apps come back as `warnings`; an accountId the API key cannot read is a 400.',
      operationId: 'createRollout',
      security: [{ bearerAuth: [] }],
      headers: Headers,
      body: RolloutRequest,
      response: {
        201: described(CreatedRollout, 'Created and scheduled (with a replayed Idempotency-Key: the rollout created first); Location names it'),
        ...errors(400, 401, 413, 415, 429, 503),
        422: described(ErrorBody, 'The Idempotency-Key was already used with a different body')
      }
    }
  }, async (req, reply) => {
    const { stored, created, warnings } = await createRollout(app.rolloutPorts, req.body, config, req.headers['idempotency-key'], req.caller)
    if (!created) reply.header('idempotent-replayed', 'true')
    const found = stored.spec.discovered
    const discovered = found === undefined
      ? {}
      : {
          discovered: {
            baselineHosts: found.baselineHosts,
            since: new Date(found.since).toISOString(),
            until: new Date(found.until).toISOString(),
            apps: stored.spec.target.apps.map(a => a.name)
          }
        }
    return reply.code(201).header('location', `/v1/rollouts/${stored.spec.id}`)
      .send({ ...rolloutView(stored), ...discovered, warnings })
  })
}

export default create
