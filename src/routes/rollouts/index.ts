import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import cancelRoute from './cancel.ts'
import checkpointRoutes from './checkpoints.ts'
import createRoute from './create.ts'
import readRoutes from './read.ts'
import recommendationRoutes from './recommendation.ts'
import boardRoutes from './board.ts'
import eventRoutes from './events.ts'
import peopleRoutes from './people.ts'

/** /v1/rollouts: create, read, cancel, checkpoints, recommendation and gate; the board's reads, people's word, live events. */
const rollouts: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, opts) => {
  await app.register(createRoute, opts)
  await app.register(readRoutes)
  await app.register(cancelRoute)
  await app.register(recommendationRoutes, opts)
  await app.register(checkpointRoutes, opts)
  await app.register(boardRoutes)
  await app.register(peopleRoutes)
  await app.register(eventRoutes)
}

export default rollouts
