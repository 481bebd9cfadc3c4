import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { addNote, overrideDecision, unwaive, waive } from '../../rollout/people-operations.ts'
import { AppParams, Note, NoteRequest, Override, OverrideRequest, Waiver, WaiverRequest } from '../../schemas/board.ts'
import { ErrorBody } from '../../schemas/common.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams } from '../../schemas/rollout.ts'

/** People in the loop: notes and sign-offs, waivers, an override after the decision; each by the caller's token name. */
const people: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/rollouts/:id/apps/:app/notes', {
    schema: {
      tags: ['board'],
      summary: 'Add a note or a sign-off on an app',
      description: 'A note people read beside the verdicts; with `signOff` ("ok" or "concern") the team\'s word on the app at this point. ' +
        'A GO waits for ok sign-offs when the rollout\'s policy.requireSignOff asks for them.',
      operationId: 'addNote',
      security: [{ bearerAuth: [] }],
      params: AppParams,
      body: NoteRequest,
      response: { 201: described(Note, 'The note as recorded'), ...errors(400, 401, 404, 413, 414, 415, 429, 503), 409: described(ErrorBody, 'The rollout keeps no more notes') }
    }
  }, async (req, reply) => {
    const note = await addNote(app.rolloutPorts, req.params.id, req.params.app, req.body, req.caller)
    return reply.code(201).send(note)
  })

  app.post('/v1/rollouts/:id/apps/:app/waiver', {
    schema: {
      tags: ['board'],
      summary: 'Waive an app\'s FAIL, NO_DATA or INCONCLUSIVE',
      description: 'The app\'s verdict no longer counts against the recommendation from the latest checkpoint on; the verdict itself stays ' +
        'visible beside "waived by X: reason". Told to chat and webhooks (waiver.changed) and kept in the audit list. ' +
        'A second waiver of the same app replaces the first. 409 once decided or cancelled (record an override instead).',
      operationId: 'waiveApp',
      security: [{ bearerAuth: [] }],
      params: AppParams,
      body: WaiverRequest,
      response: { 201: described(Waiver, 'The waiver'), ...errors(400, 401, 404, 413, 414, 415, 429, 503), 409: described(ErrorBody, 'Decided or cancelled') }
    }
  }, async (req, reply) => {
    return reply.code(201).send(await waive(app.rolloutPorts, req.params.id, req.params.app, req.body.reason, req.caller))
  })

  app.delete('/v1/rollouts/:id/apps/:app/waiver', {
    schema: {
      tags: ['board'],
      summary: 'Withdraw an app\'s waiver',
      operationId: 'unwaiveApp',
      security: [{ bearerAuth: [] }],
      params: AppParams,
      response: { 200: described(Waiver, 'The waiver withdrawn'), ...errors(400, 401, 404, 414, 429, 503), 409: described(ErrorBody, 'Decided or cancelled') }
    }
  }, async (req) => await unwaive(app.rolloutPorts, req.params.id, req.params.app, req.caller))

  app.post('/v1/rollouts/:id/override', {
    schema: {
      tags: ['board'],
      summary: 'Record a human decision after the automated one',
      description: 'Once decided: the recommendation and the gate follow the override; the automated decision stays visible beside it. ' +
        'Told to chat and webhooks (decision.overridden) and kept in the audit list; a later override replaces it. 409 before the decision.',
      operationId: 'overrideDecision',
      security: [{ bearerAuth: [] }],
      params: IdParams,
      body: OverrideRequest,
      response: { 201: described(Override, 'The override'), ...errors(400, 401, 404, 413, 414, 415, 429, 503), 409: described(ErrorBody, 'Not decided yet') }
    }
  }, async (req, reply) => {
    return reply.code(201).send(await overrideDecision(app.rolloutPorts, req.params.id, req.body, req.caller))
  })
}

export default people
