/**
 * Change-tracking markers for a rollout that asks for them (`newRelic.changeTracking`): one
 * Deployment/Canary event on each app's APM entity when the new hosts join (the first
 * checkpoint recorded) and one at the decision, each linking to the rollout's board page, so
 * New Relic's charts show where the canary came in and what was decided. Best effort: a marker
 * that cannot be recorded is logged, never a failed checkpoint.
 */
import type { NerdGraphClient } from '../newrelic/client.ts'
import { recordChange } from '../newrelic/entities.ts'
import type { Logger } from '../logger.ts'
import type { Target } from '../rollout/target.ts'

export type MarkerPhase = 'start' | 'decision'

export interface MarkerRollout {
  id: string
  name: string
  target: Target
  startAt: number
}

/** Records the phase's marker on every app; resolves to how many were recorded. */
export async function recordMarkers (
  client: NerdGraphClient, rollout: MarkerRollout, phase: MarkerPhase,
  opts: { recommendation: string | null, at: number, publicUrl?: string, log: Logger }
): Promise<number> {
  const hosts = rollout.target.canaryHosts.join(', ')
  const link = opts.publicUrl === undefined ? undefined : `${opts.publicUrl.replace(/\/+$/, '')}/board/rollouts/${rollout.id}`
  const shortDescription = phase === 'start'
    ? `${hosts} joined: ${rollout.name}`.slice(0, 200)
    : `gonogo ${opts.recommendation ?? 'INCONCLUSIVE'}: ${rollout.name}`.slice(0, 200)
  const description = phase === 'start'
    ? `gonogo watches ${hosts} against the existing hosts (rollout ${rollout.id})`
    : `gonogo decided ${opts.recommendation ?? 'INCONCLUSIVE'} for ${hosts} (rollout ${rollout.id})`
  const extra: Record<string, string> = opts.recommendation === null ? {} : { recommendation: opts.recommendation }
  const mark = async (app: string): Promise<string | null> => await recordChange(client, rollout.target.accountId, app, {
    version: rollout.id,
    description,
    shortDescription,
    ...(link === undefined ? {} : { deepLink: link }),
    user: 'gonogo',
    groupId: rollout.id,
    // The join at startAt (a marker New Relic places where the canary came in), the decision when made.
    timestamp: phase === 'start' ? Math.max(rollout.startAt, opts.at - 23 * 3_600_000) : opts.at,
    customAttributes: { gonogoRolloutId: rollout.id, gonogoPhase: phase, ...extra }
  })
  const settled = await Promise.allSettled(rollout.target.apps.map(async app => await mark(app.name)))
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [{ app: rollout.target.apps[i].name, err: (s.reason as Error).message }] : [])
  if (failed.length > 0) {
    opts.log.warn({ rolloutId: rollout.id, phase, failed: failed.slice(0, 10), count: failed.length },
      'could not record every change-tracking marker')
  }
  const recorded = settled.length - failed.length
  opts.log.info({ rolloutId: rollout.id, phase, recorded }, 'change-tracking markers recorded')
  return recorded
}
