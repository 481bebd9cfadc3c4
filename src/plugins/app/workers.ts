import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import { slowThresholdsOf, type EvidenceState } from '../../judge/index.ts'
import type { Evidence } from '../../jobs/types.ts'
import { noopNotifier, type CheckpointNotifier } from '../../jobs/notifier.ts'
import { reconcile } from '../../jobs/reconcile.ts'
import { sweepOutbox } from '../../jobs/outbox.ts'
import { CheckpointWorker } from '../../jobs/worker.ts'
import { recordMarkers } from '../../analysis/change-markers.ts'
import { runAnalysis } from '../../analysis/run.ts'
import { queuePrefix } from '../../store/keys.ts'
import { RolloutLock } from '../../store/lock.ts'
import { PeopleStore } from '../../store/people-store.ts'
import { closeRedis } from '../../store/redis-client.ts'

export interface WorkersPluginOptions {
  config: Config
  /** Told after every checkpoint and at the decision; default tells nobody. */
  notifier?: CheckpointNotifier
}

/**
 * The checkpoint worker of this process (roles `all` and `worker`). Any number
 * of processes may run one against the same Redis: job ids, the per-rollout
 * lock and the record script keep each checkpoint to one run and one record.
 */
export default fp<WorkersPluginOptions>(async (app, opts) => {
  const { config } = opts
  const log = app.log.child({ component: 'checkpoint-worker' })
  // Workers block on Redis, so their connection must never give up on a command.
  const connection = app.redisConnect('blocking', 'checkpoint worker')
  await connection.connect()

  const settings = {
    attempts: config.GONOGO_CHECKPOINT_ATTEMPTS,
    backoffMs: config.GONOGO_CHECKPOINT_BACKOFF_MS,
    lagMs: config.GONOGO_CHECKPOINT_LAG_SECONDS * 1000
  }
  const notifier = opts.notifier ?? noopNotifier
  const outbox = { outbox: app.checkpointStore.outbox, notifier, log, now: Date.now }
  // What a dead process recorded and did not queue goes out first, then the jobs are repaired.
  const sweep = async (olderThanMs?: number) => {
    await sweepOutbox(outbox, { olderThanMs })
    return await reconcileJobs()
  }
  const reconcileJobs = async () => await reconcile({
    rollouts: app.rollouts,
    checkpoints: app.checkpointStore,
    scheduler: app.scheduler,
    now: Date.now,
    lagMs: settings.lagMs,
    retentionMs: config.GONOGO_RETENTION_DAYS * 86_400_000,
    log
  })
  const worker = new CheckpointWorker({
    reconcile: async () => await sweep(),
    connection,
    prefix: queuePrefix(config.GONOGO_REDIS_PREFIX),
    concurrency: config.GONOGO_WORKER_CONCURRENCY,
    deps: {
      rollouts: app.rollouts,
      checkpoints: app.checkpointStore,
      lock: new RolloutLock(app.redis, config.GONOGO_REDIS_PREFIX),
      analyse: async (target, window, o) => await runAnalysis(app.nerdgraph, target, window, {
        asOf: o.asOf,
        evidence: o.evidence as EvidenceState | undefined,
        slowThresholdsS: o.slowThresholdsS,
        looks: o.looks,
        horizon: o.horizon,
        read: config.GONOGO_CHECKPOINT_READ
      }),
      people: new PeopleStore(app.redis, config.GONOGO_REDIS_PREFIX),
      slowThresholds: (evidence: Evidence) => slowThresholdsOf(evidence as EvidenceState),
      changeMarkers: async (spec, phase, recommendation, at) => {
        await recordMarkers(app.nerdgraph, spec, phase, {
          recommendation, at, log, ...(config.GONOGO_PUBLIC_URL === undefined ? {} : { publicUrl: config.GONOGO_PUBLIC_URL })
        })
      },
      notifier,
      events: app.rolloutEvents,
      onRecorded: (info) => {
        app.metrics.checkpoints.inc({ kind: info.kind, outcome: info.outcome })
        if (info.kind === 'decision') app.metrics.finished(info.rolloutId, info.recommendation ?? 'INCONCLUSIVE')
        else if (info.recommendation !== null) app.metrics.setRecommendation(info.rolloutId, info.recommendation)
      },
      log,
      now: Date.now,
      settings
    }
  })
  app.addHook('onClose', async () => {
    await worker.close()
    await closeRedis(connection)
  })
  await worker.ready()
  // At start every mark counts: no checkpoint of this process is being recorded yet.
  await sweep(0)
  await app.scheduler.scheduleReconcile()
}, { name: 'workers', dependencies: ['queues', 'nerdgraph', 'redis', 'metrics', 'rollout-events'] })
