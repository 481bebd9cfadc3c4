import { createHash } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Config } from '../../config.ts'
import { BadRequestError, StoreError } from '../../errors.ts'
import { validateNotifyTargets } from '../../notify/targets/validate.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { Rollout, RolloutRequest } from '../../schemas/rollout.ts'
import { newRolloutId } from '../../store/ids.ts'
import type { Idempotency } from '../../store/rollout-store.ts'
import { preflight } from '../../analysis/preflight.ts'
import { buildSpec } from '../../rollout/spec.ts'
import { rolloutView } from './view.ts'

const Headers = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Retrying a create with the same key and body returns the first rollout instead of making another (remembered 24 h)' }))
})

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

/** POST /v1/rollouts: validate, store, schedule its checkpoints; 201 with the rollout. */
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
        201: described(Rollout, 'Created and scheduled (with a replayed Idempotency-Key: the rollout created first); Location names it'),
        ...errors(400, 401, 413, 415, 429, 503),
        422: described(ErrorBody, 'The Idempotency-Key was already used with a different body')
      }
    }
  }, async (req, reply) => {
    const now = Date.now()
    const spec = buildSpec(req.body, config, newRolloutId(now), now)
    await validateNotifyTargets(spec.notify, config)
    const key = req.headers['idempotency-key']
    const idem: Idempotency | undefined = key === undefined
      ? undefined
      : { keyHash: sha256(key), fingerprint: sha256(JSON.stringify(req.body)) }
    // A replay answers from what is stored; checking names again would only add New Relic's latency.
    const replay = idem !== undefined && await app.rollouts.idempotencyUsed(idem.keyHash)
    const warnings = config.GONOGO_PREFLIGHT_MS > 0 && !replay
      ? await preflight(app.nerdgraph, spec.target, { now, startAt: spec.startAt, decisionAt: spec.decisionAt, timeoutMs: config.GONOGO_PREFLIGHT_MS })
      : []
    const outcome = await app.rollouts.create(spec, idem)
    let id = spec.id
    if (!outcome.created) {
      if (outcome.fingerprint !== idem?.fingerprint) {
        throw new BadRequestError('the Idempotency-Key was already used with a different body', 422)
      }
      id = outcome.id
      reply.header('idempotent-replayed', 'true')
    }
    const stored = await app.rollouts.get(id)
    if (stored === null) throw new StoreError(`rollout ${id} vanished right after it was stored`)
    // Scheduling is idempotent (job ids), so a replayed create also repairs a create that stored but failed to enqueue.
    await app.scheduler.schedule(stored.spec, now, config.GONOGO_CHECKPOINT_LAG_SECONDS * 1000)
    if (outcome.created) req.log.info({ rolloutId: id, name: spec.name, plan: spec.planLength, startAt: req.body.startAt, decisionAt: req.body.decisionAt, warnings }, 'rollout created')
    return reply.code(201).header('location', `/v1/rollouts/${id}`).send({ ...rolloutView(stored), ...(warnings.length > 0 ? { warnings } : {}) })
  })
}

export default create
