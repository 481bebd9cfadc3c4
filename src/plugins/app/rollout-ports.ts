import fp from 'fastify-plugin'
import { appsServedBy, withOwnersFromTags } from '../../analysis/discovery.ts'
import { preflight } from '../../analysis/preflight.ts'
import type { Config } from '../../config.ts'
import { dispatchOutbox } from '../../jobs/outbox.ts'
import { validateNotifyTargets } from '../../notify/targets/validate.ts'
import type { RolloutPorts } from '../../rollout/ports.ts'
import type { AppSpec } from '../../schemas/thresholds.ts'
import { BoardReader } from '../../store/board-read.ts'
import { newRolloutId } from '../../store/ids.ts'
import { PeopleStore } from '../../store/people-store.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** What rollout/operations.ts needs, wired to this process's stores, queue, New Relic and notifier. */
    rolloutPorts: RolloutPorts & { newId: (now: number) => string }
    /** The board's reads: compact checkpoints and people's word. */
    boardReader: BoardReader
    /** Notes, waivers, the override and the audit list. */
    people: PeopleStore
  }
}

/** Wires the rollout operations' ports; the routes call the operations with them. */
export default fp<{ config: Config }>(async (app, { config }) => {
  const list = (s: string): string[] => s.split(',').map(k => k.trim()).filter(k => k !== '')
  const tagKeys = { team: list(config.GONOGO_TEAM_TAGS), owners: list(config.GONOGO_OWNER_TAGS) }
  const boardReader = new BoardReader(app.redis, config.GONOGO_REDIS_PREFIX)
  const people = new PeopleStore(app.redis, config.GONOGO_REDIS_PREFIX)
  app.decorate('boardReader', boardReader)
  app.decorate('people', people)
  const outbox = { outbox: app.checkpointStore.outbox, notifier: app.notifier, log: app.log, now: Date.now }
  app.decorate('rolloutPorts', {
    rollouts: app.rollouts,
    checkpoints: app.checkpointStore,
    scheduler: app.scheduler,
    preflight: config.GONOGO_PREFLIGHT_MS > 0
      ? async (target, window) => await preflight(app.nerdgraph, target, { ...window, timeoutMs: config.GONOGO_PREFLIGHT_MS })
      : undefined,
    apps: {
      appsServedBy: async (accountId, hosts, window) => await appsServedBy(app.nerdgraph, accountId, hosts, window),
      // Tags are read with the names' check, in its time (GONOGO_PREFLIGHT_MS; 0 reads neither).
      ...(config.GONOGO_PREFLIGHT_MS > 0
        ? {
            ownersFromTags: async (accountId: number, apps: AppSpec[]) =>
              (await withOwnersFromTags(app.nerdgraph, accountId, apps, tagKeys, AbortSignal.timeout(config.GONOGO_PREFLIGHT_MS))).apps
          }
        : {})
    },
    validateTargets: async (targets) => { await validateNotifyTargets(targets, config) },
    notifier: app.notifier,
    outbox: {
      mark: async (id, now) => { await app.checkpointStore.outbox.mark(id, now) },
      dispatch: async (id) => await dispatchOutbox(outbox, id)
    },
    people,
    board: boardReader,
    events: app.rolloutEvents,
    log: app.log,
    now: Date.now,
    newId: newRolloutId,
    settings: { lagMs: config.GONOGO_CHECKPOINT_LAG_SECONDS * 1000, manualWaitMs: config.GONOGO_MANUAL_WAIT_MS }
  })
}, { name: 'rollout-ports', dependencies: ['queues', 'notify', 'nerdgraph', 'rollout-events'] })
