import type { FastifyInstance } from 'fastify'
import type { Rollout } from '../../src/schemas/rollout.ts'
import { eventually } from './redis.ts'

/** Polls the store until the rollout reaches `state`; returns its API view. */
export async function waitForState (app: FastifyInstance, id: string, state: string, timeoutMs = 60_000): Promise<Rollout> {
  await eventually(async () => ((await app.rollouts.get(id))?.state === state ? true : undefined), timeoutMs, `rollout ${id} ${state}`)
  const res = await app.inject({ method: 'GET', url: `/v1/rollouts/${id}` })
  return res.json()
}
