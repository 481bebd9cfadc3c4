import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import type { RolloutEvent } from '../../schemas/board.ts'
import { closeRedis } from '../../store/redis-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Rollout events across processes: publish anywhere, listen where a browser or CLI is connected. */
    rolloutEvents: RolloutEvents
  }
}

export interface RolloutEvents {
  publish: (event: RolloutEvent) => Promise<void>
  /** Calls `listener` with every event of the rollout until the returned function is called. */
  listen: (rolloutId: string, listener: (event: RolloutEvent) => void) => () => void
}

/**
 * One Redis channel for every rollout's events (`<prefix>:events`); each process subscribes
 * once, on its own connection (a subscribed connection can do nothing else), and hands each
 * event to the listeners of its rollout. Worker processes publish; API processes listen.
 */
export default fp<{ config: Config }>(async (app, { config }) => {
  const channel = `${config.GONOGO_REDIS_PREFIX}:events`
  const listeners = new Map<string, Set<(event: RolloutEvent) => void>>()
  let subscriber: ReturnType<typeof app.redisConnect> | undefined

  const ensureSubscribed = async (): Promise<void> => {
    if (subscriber !== undefined) return
    subscriber = app.redisConnect('blocking', 'events subscriber')
    subscriber.on('message', (_channel: string, message: string) => {
      let event: RolloutEvent
      try {
        event = JSON.parse(message) as RolloutEvent
      } catch {
        return
      }
      for (const l of listeners.get(event.rolloutId) ?? []) l(event)
    })
    await subscriber.connect()
    await subscriber.subscribe(channel)
  }

  app.decorate('rolloutEvents', {
    publish: async (event) => {
      try {
        await app.redis.publish(channel, JSON.stringify(event))
      } catch (err) {
        // Live updates are a convenience: a lost event is caught up by the next poll or ETag read.
        app.log.warn({ err: (err as Error).message, rolloutId: event.rolloutId, type: event.type }, 'could not publish a rollout event')
      }
    },
    listen: (rolloutId, listener) => {
      ensureSubscribed().catch(err => app.log.warn({ err: (err as Error).message }, 'events subscription failed'))
      let set = listeners.get(rolloutId)
      if (set === undefined) listeners.set(rolloutId, set = new Set())
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) listeners.delete(rolloutId)
      }
    }
  } satisfies RolloutEvents)
  app.addHook('onClose', async () => {
    await closeRedis(subscriber)
  })
}, { name: 'rollout-events', dependencies: ['redis'] })
