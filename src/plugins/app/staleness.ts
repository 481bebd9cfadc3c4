import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import { announceOverdue } from '../../jobs/overdue.ts'
import type { OverdueOutcome } from '../../rollout/outcome.ts'
import { overdueOf, type OverdueSettings, type OverdueState } from '../../rollout/overdue.ts'
import type { StoredRollout } from '../../rollout/types.ts'
import { HEARTBEAT, HeartbeatStore } from '../../store/heartbeat-store.ts'
import { OverdueMarks } from '../../store/overdue-marks.ts'
import { closeWithin } from '../../deadline.ts'
import { QUIT_MS } from '../../store/redis-client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether rollouts are late and workers alive: read by the views, the gate, /readyz and /metrics. */
    staleness: {
      settings: OverdueSettings
      /** The rollout's overdue state now. */
      overdueOf: (stored: Pick<StoredRollout, 'spec' | 'state' | 'statuses' | 'updatedAt'>) => OverdueState
      heartbeats: HeartbeatStore
    }
  }
}

/** Most live rollouts the gauge looks at per scrape. */
const MAX_LIVE = 1000

/**
 * Staleness in every role: overdue on read (views, gate, the gauge) from the stored plan and the
 * clock, so an API with no worker left still tells. In a process that runs a worker it also
 * beats every 10 s (HeartbeatStore) and sweeps for overdue entries to announce, on its own timer
 * rather than the reconcile job's: a worker stuck in retries still beats and still sweeps.
 */
export default fp<{ config: Config }>(async (app, { config }) => {
  const settings: OverdueSettings = {
    lagMs: config.GONOGO_CHECKPOINT_LAG_SECONDS * 1000,
    graceMs: config.GONOGO_OVERDUE_GRACE_SECONDS * 1000
  }
  const heartbeats = new HeartbeatStore(app.redis, config.GONOGO_REDIS_PREFIX)
  app.decorate('staleness', { settings, overdueOf: (stored) => overdueOf(stored, Date.now(), settings), heartbeats })

  app.metricsCollectors.push(async () => {
    const ids = [...await app.rollouts.idsIn('scheduled', MAX_LIVE), ...await app.rollouts.idsIn('monitoring', MAX_LIVE)]
    const now = Date.now()
    app.metrics.rolloutsOverdue.set((await app.rollouts.getMany(ids)).filter(r => overdueOf(r, now, settings).overdue).length)
  })

  if (config.GONOGO_ROLE === 'api') return
  const log = app.log.child({ component: 'staleness' })
  const id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const marks = new OverdueMarks(app.redis, config.GONOGO_REDIS_PREFIX)
  const beat = async (): Promise<void> => {
    await heartbeats.beat(id, Date.now(), { host: hostname(), pid: process.pid, role: config.GONOGO_ROLE })
  }
  const tick = async (): Promise<void> => {
    try {
      await beat()
      const publish = async (o: OverdueOutcome): Promise<void> => { await app.notifier.publish(o) }
      await announceOverdue({ rollouts: app.rollouts, marks, publish, now: Date.now, settings, log })
    } catch (err) {
      // Redis trouble: /readyz says so; the next tick tries again.
      log.warn({ err: (err as Error).message }, 'heartbeat or overdue sweep failed')
    }
  }
  await beat()
  let running: Promise<void> | undefined
  const timer = setInterval(() => { running ??= tick().finally(() => { running = undefined }) }, HEARTBEAT.everyMs)
  app.addHook('onClose', async () => {
    clearInterval(timer)
    // A tick waiting on a Redis that stopped answering must not hold the shutdown.
    if (running !== undefined) await closeWithin(async () => await running, QUIT_MS, () => {})
    await closeWithin(async () => await heartbeats.leave(id), QUIT_MS, () => {})
  })
}, { name: 'staleness', dependencies: ['redis', 'queues', 'metrics', 'notify'] })
