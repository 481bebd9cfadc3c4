import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Config } from '../../config.ts'
import cancelRoute from './cancel.ts'
import checkpointRoutes from './checkpoints.ts'
import createRoute from './create.ts'
import readRoutes from './read.ts'
import recommendationRoutes from './recommendation.ts'

/** /v1/rollouts: create, read, cancel, checkpoints, recommendation and gate. */
const rollouts: FastifyPluginAsyncTypebox<{ config: Config }> = async (app, opts) => {
  await app.register(createRoute, opts)
  await app.register(readRoutes)
  await app.register(cancelRoute)
  await app.register(recommendationRoutes, opts)
  await app.register(checkpointRoutes, opts)
}

export default rollouts
