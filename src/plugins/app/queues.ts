import fp from 'fastify-plugin'
import { Queue } from 'bullmq'
import type { Config } from '../../config.ts'
import { QUEUE_NAME, RolloutScheduler, type CheckpointJobData } from '../../jobs/queue.ts'
import { CheckpointStore } from '../../store/checkpoint-store.ts'
import { queuePrefix } from '../../store/keys.ts'
import { NotifyFailureStore } from '../../store/notify-failure-store.ts'
import { RolloutStore } from '../../store/rollout-store.ts'
import type { Metrics } from '../../metrics.ts'
import { closeRedis, QUIT_MS } from '../../store/redis-client.ts'
import { closeWithin } from '../../deadline.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Rollouts in Redis. */
    rollouts: RolloutStore
    /** Checkpoint records, evidence and manual requests in Redis. */
    checkpointStore: CheckpointStore
    /** Notifications that gave up, per rollout. */
    notifyFailures: NotifyFailureStore
    /** Enqueues and removes rollout jobs. */
    scheduler: RolloutScheduler
  }
}

/**
 * What every role shares: the rollouts store, the checkpoints queue (the API
 * enqueues, workers consume) and the /metrics collectors for queue depths and
 * recommendations, read from Redis at scrape time so any process, freshly
 * restarted or API-only, shows them.
 */
export default fp<{ config: Config }>(async (app, { config }) => {
  const prefix = config.GONOGO_REDIS_PREFIX
  // Its own connection: the queue's commands must not queue behind the store's, and
  // requests fail fast (the API answers 5xx) rather than waiting for Redis forever.
  const connection = app.redisConnect('queue', 'checkpoints queue')
  await connection.connect()
  const queue = new Queue<CheckpointJobData>(QUEUE_NAME, { connection, prefix: queuePrefix(prefix) })
  queue.on('error', (err) => app.log.error({ err }, 'checkpoints queue error'))
  // BullMQ finishes connecting in the background; closing before it has (a quick shutdown,
  // a script that only renders the OpenAPI document) makes its init reject with no listener
  // left, an unhandled rejection. Ready before use also surfaces a bad Redis at start-up.
  await queue.waitUntilReady()

  app.decorate('rollouts', new RolloutStore(app.redis, prefix))
  app.decorate('checkpointStore', new CheckpointStore(app.redis, prefix))
  app.decorate('notifyFailures', new NotifyFailureStore(app.redis, prefix))
  app.decorate('scheduler', new RolloutScheduler(queue))

  app.metricsCollectors.push(async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized')
    for (const [state, n] of Object.entries(counts)) app.metrics.queueDepth.set({ queue: QUEUE_NAME, state }, n)
  })
  app.metricsCollectors.push(async () => { await refreshRecommendations(app.rollouts, app.metrics) })

  app.addHook('onClose', async () => {
    await closeWithin(async () => await queue.close(), QUIT_MS, async () => await queue.disconnect())
    await closeRedis(connection)
  })
}, { name: 'queues', dependencies: ['redis', 'metrics'] })

/** Most live rollouts of each state shown. */
const MAX_LIVE = 1000

/**
 * Sets gonogo_rollout_recommendation from the store at scrape time, so a restarted process
 * (or an API-only one, which never runs a checkpoint) shows the current recommendation of
 * every live rollout. Decided, cancelled and deleted rollouts drop out (they are counted in
 * gonogo_rollouts_finished_total where they finished), so the series stay bounded.
 */
async function refreshRecommendations (rollouts: RolloutStore, metrics: Metrics): Promise<void> {
  const ids = [
    ...await rollouts.idsIn('scheduled', MAX_LIVE),
    ...await rollouts.idsIn('monitoring', MAX_LIVE)
  ]
  const shown = await rollouts.getMany(ids)
  metrics.recommendation.reset()
  for (const r of shown) {
    const live = r.state === 'scheduled' || r.state === 'monitoring'
    if (live && r.recommendation !== null) metrics.setRecommendation(r.spec.id, r.recommendation)
  }
}
