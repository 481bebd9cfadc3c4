import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import { Notifier } from '../../notify/index.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Turns checkpoint outcomes into chat and webhook deliveries (its own queue). */
    notifier: Notifier
  }
}

/**
 * The notifier in every role that runs checkpoints, delivering where workers
 * run. Deliveries that give up are recorded on their rollout, where
 * GET /v1/rollouts/{id} shows them.
 */
export default fp<{ config: Config }>(async (app, { config }) => {
  const notifier = new Notifier({
    connect: app.redisConnect,
    prefix: config.GONOGO_REDIS_PREFIX,
    config,
    logger: app.log,
    metrics: app.metrics,
    onFailure: async (rolloutId, failure) => { await app.notifyFailures.record(rolloutId, failure) },
    delivery: {
      attempts: config.GONOGO_NOTIFY_ATTEMPTS,
      baseDelayMs: config.GONOGO_NOTIFY_BACKOFF_MS,
      timeoutMs: config.GONOGO_NOTIFY_TIMEOUT_MS
    }
  })
  app.decorate('notifier', notifier)
  try {
    await notifier.ready()
  } catch (err) {
    await notifier.close()
    throw err
  }
  if (config.GONOGO_ROLE !== 'api') await notifier.startWorker()
  app.metricsCollectors.push(async () => {
    for (const [state, n] of Object.entries(await notifier.jobCounts())) app.metrics.queueDepth.set({ queue: 'notify', state }, n)
  })
  app.addHook('onClose', async () => { await notifier.close() })
}, { name: 'notify', dependencies: ['redis', 'queues', 'metrics'] })
