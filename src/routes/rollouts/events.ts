import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { NotFoundError } from '../../errors.ts'
import { RolloutEvent } from '../../schemas/board.ts'
import { described, errors } from '../../schemas/responses.ts'
import { IdParams } from '../../schemas/rollout.ts'

/** A comment line every so often keeps proxies from closing an idle stream. */
const PING_MS = 15_000

/**
 * GET /v1/rollouts/{id}/events: server-sent events of one rollout (checkpoint recorded, verdict
 * changed, decision, notes and sign-offs, waivers, override, cancellation), for the board's live
 * updates and `gonogo status --watch`. Each event carries the rollout's revision: re-read what has
 * an older ETag. Events are best effort; a client that missed some re-reads on reconnect.
 */
const events: FastifyPluginAsyncTypebox = async (app) => {
  const open = new Set<ServerResponse>()
  // A stream never ends on its own: shutdown ends them, or the server would wait for them.
  app.addHook('preClose', async () => { for (const res of open) res.end() })

  app.get('/v1/rollouts/:id/events', {
    schema: {
      tags: ['board'],
      summary: 'Live events of a rollout (server-sent events)',
      description: 'text/event-stream: `event: <type>` and `data: <RolloutEvent JSON>` per event (checkpoint.recorded, verdict.changed, ' +
        'decision.made, note.added, waiver.changed, decision.overridden, rollout.cancelled); `: ping` comments keep it open.',
      operationId: 'getEvents',
      security: [],
      params: IdParams,
      produces: ['text/event-stream'],
      response: { 200: described(RolloutEvent, 'The event stream: this is the data of each event'), ...errors(400, 404, 414, 429, 503) }
    }
  }, async (req, reply) => {
    const { id } = req.params
    const rev = await app.boardReader.revision(id)
    if (rev === null) throw new NotFoundError(`no rollout with id ${id}`)
    reply.hijack()
    const res = reply.raw
    // Headers set so far (CORS, the rate limit's) go out with the stream: the reply is hijacked.
    const set = Object.fromEntries(Object.entries(reply.getHeaders()).filter(([, v]) => v !== undefined)) as OutgoingHttpHeaders
    res.writeHead(200, {
      ...set,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no'
    })
    open.add(res)
    res.write(`retry: 5000\n: rollout ${id} at rev ${rev.rev}\n\n`)
    const stop = app.rolloutEvents.listen(id, event => {
      res.write(`id: ${event.rev}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
    })
    const ping = setInterval(() => res.write(': ping\n\n'), PING_MS)
    const done = (): void => {
      clearInterval(ping)
      stop()
      open.delete(res)
    }
    res.on('close', done)
    req.raw.on('close', done)
  })
}

export default events
