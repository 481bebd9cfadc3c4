/**
 * What people and tools do to a rollout: create it, cancel it, ask for a checkpoint now. The
 * routes parse HTTP and call these; these call the stores, the scheduler, New Relic's name
 * check and the notifier through ports.ts.
 */
import { createHash } from 'node:crypto'
import type { Config } from '../config.ts'
import { BadRequestError, ConflictError, NotFoundError, StoreError } from '../errors.ts'
import type { RolloutRequest } from '../schemas/rollout.ts'
import { cancelEntry } from './outbox.ts'
import type { Idempotency, RolloutPorts } from './ports.ts'
import { buildSpec } from './spec.ts'
import { formatLocal } from './timezone.ts'
import type { CheckpointRecord, RolloutSpec, StoredRollout } from './types.ts'

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex')

export interface Created {
  stored: StoredRollout
  /** False when an Idempotency-Key replayed an earlier create. */
  created: boolean
  /** What New Relic's look at the names found suspicious. */
  warnings: string[]
}

/** The apps' pre-window when a rollout names none: the 6 hours before it starts (or before now). */
export const DISCOVERY_WINDOW_MS = 6 * 3_600_000

/**
 * Validates, checks the names against New Relic, stores and schedules a rollout. A replayed
 * Idempotency-Key with the same body answers the first rollout (and schedules it again, which
 * is idempotent, so a create that stored but failed to enqueue is repaired); with another
 * body it is a 422.
 */
export async function createRollout (
  ports: RolloutPorts & { newId: (now: number) => string }, body: RolloutRequest, config: Config, idempotencyKey?: string, createdBy = 'anonymous'
): Promise<Created> {
  const now = ports.now()
  const spec = buildSpec(body, config, ports.newId(now), now)
  await ports.validateTargets(spec.notify)
  const idem: Idempotency | undefined = idempotencyKey === undefined
    ? undefined
    : { keyHash: sha256(idempotencyKey), fingerprint: sha256(JSON.stringify(body)) }
  // A replay answers from what is stored; checking names again would only add New Relic's latency.
  const replay = idem !== undefined && await ports.rollouts.idempotencyUsed(idem.keyHash)
  const warnings: string[] = []
  if (!replay) {
    warnings.push(...await discoverApps(ports, spec, config, now))
    // Tags and the names' check both look at New Relic: side by side, in the same time.
    const [tagged, checked] = await Promise.all([
      ownersFromTags(ports, spec),
      ports.preflight === undefined ? [] : ports.preflight(spec.target, { now, startAt: spec.startAt, decisionAt: spec.decisionAt })
    ])
    warnings.push(...checked, ...tagged)
  }
  const outcome = await ports.rollouts.create(spec, idem)
  let id = spec.id
  if (!outcome.created) {
    if (outcome.fingerprint !== idem?.fingerprint) throw new BadRequestError('the Idempotency-Key was already used with a different body', 422)
    id = outcome.id
  }
  const stored = await ports.rollouts.get(id)
  if (stored === null) throw new StoreError(`rollout ${id} vanished right after it was stored`)
  await ports.scheduler.schedule(stored.spec, now, ports.settings.lagMs)
  if (outcome.created) {
    await ports.people.record(id, { at: new Date(now).toISOString(), by: createdBy, action: 'created', detail: spec.name })
    ports.log.info({ rolloutId: id, name: spec.name, plan: spec.planLength, startAt: body.startAt, decisionAt: body.decisionAt, warnings }, 'rollout created')
  }
  return { stored, created: outcome.created, warnings }
}

/**
 * The apps the baseline hosts served in the pre-window when the request named none, into the
 * spec before it is stored (an app whose agent is missing on the new host is still one of them,
 * and comes out NO_DATA).
 */
async function discoverApps (ports: RolloutPorts, spec: RolloutSpec, config: Config, now: number): Promise<string[]> {
  const warnings: string[] = []
  const { target } = spec
  if (target.apps.length === 0) {
    const baselineHosts = target.baselineHosts ?? []
    if (ports.apps === undefined) throw new BadRequestError('body.apps is required: this service does not look apps up in New Relic')
    const until = Math.min(now, spec.startAt)
    const since = until - DISCOVERY_WINDOW_MS
    const found = await ports.apps.appsServedBy(target.accountId, baselineHosts, { since, until })
    const span = `between ${new Date(since).toISOString()} and ${new Date(until).toISOString()}`
    if (found.length === 0) {
      throw new BadRequestError(`body.baselineHosts ${baselineHosts.join(', ')} served no app in account ${target.accountId} ${span}: ` +
        'name the apps in body.apps')
    }
    if (found.length > config.GONOGO_MAX_APPS) {
      warnings.push(`the baseline hosts served ${found.length} apps ${span}; ` +
        `the ${config.GONOGO_MAX_APPS} busiest are judged (GONOGO_MAX_APPS)`)
    }
    target.apps = found.slice(0, config.GONOGO_MAX_APPS).map(name => ({ name }))
    spec.discovered = { baselineHosts, since, until }
  }
  return warnings
}

/**
 * Team and owners from each app's APM entity tags where the request gave none, into the spec.
 * Best effort: New Relic unreadable leaves them empty (logged; the names' check warns of it).
 */
async function ownersFromTags (ports: RolloutPorts, spec: RolloutSpec): Promise<string[]> {
  const lookup = ports.apps?.ownersFromTags
  const { target } = spec
  if (lookup === undefined || !target.apps.some(a => a.team === undefined || a.owners === undefined)) return []
  try {
    target.apps = await lookup(target.accountId, target.apps)
    return []
  } catch (err) {
    ports.log.warn({ rolloutId: spec.id, err: (err as Error).message }, 'could not read team and owners from New Relic entity tags')
    // Said in the answer too: else the board groups every app under "No team" without a word why.
    // The cause is in the log: an abort at GONOGO_PREFLIGHT_MS reads as the client's own timeout.
    return ['team and owners could not be read from the apps\' New Relic entity tags in time (see the service log): ' +
      'the apps without a team in body.apps have none; give team and owners there']
  }
}

/**
 * Cancels a scheduled or monitoring rollout: who (`by`, the caller's token name) and why, and the
 * rollout.cancelled notification (its outbox entry), are stored in the same atomic step; its
 * pending jobs are dropped, and the notification is queued. Cancelled is cancelled: a notifier
 * outage is logged (the outbox sweep sends it later), not answered with a 5xx.
 */
export async function cancelRollout (ports: RolloutPorts, id: string, by: string, reason?: string): Promise<StoredRollout> {
  const before = await ports.rollouts.get(id)
  if (before === null) throw new NotFoundError(`no rollout with id ${id}`)
  const now = ports.now()
  const entry = cancelEntry(before.spec, { by, reason }, await ports.checkpoints.latestResult(id), now)
  const fields: Record<string, string> = { cancelledBy: by, ...(reason === undefined ? {} : { cancelReason: reason }) }
  // Marked before the entry is written: a crash right after the cancel leaves a mark the sweep finds.
  await ports.outbox.mark(id, now)
  const { moved, state } = await ports.rollouts.transition(id, 'cancelled', ['scheduled', 'monitoring'], 'cancelledAt', now, fields, entry)
  if (state === null) throw new NotFoundError(`no rollout with id ${id}`)
  if (!moved) throw new ConflictError(`rollout ${id} is already ${state}`)
  const stored = await ports.rollouts.get(id)
  if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
  await ports.scheduler.unschedule(stored.spec)
  ports.log.info({ rolloutId: id, was: state, by, reason }, 'rollout cancelled')
  const at = new Date(stored.cancelledAt ?? now).toISOString()
  await ports.people.record(id, { at, by, action: 'cancelled', detail: reason ?? 'no reason given' })
  await ports.events.publish({ type: 'rollout.cancelled', rolloutId: id, rev: stored.rev, at, by })
  try {
    await ports.outbox.dispatch(id)
  } catch (err) {
    ports.log.error({ rolloutId: id, err }, 'could not hand the cancellation to the notifier; the outbox sweep sends it later')
  }
  return stored
}

export interface Requested {
  /** The recorded checkpoint, or a pending one when it took longer than the wait. */
  record: CheckpointRecord
  recorded: boolean
}

/**
 * Asks for a checkpoint over [startAt, now - lag) outside the plan, and waits a little for it.
 * A request while another is pending joins it. Refused (409) before there is data, once due
 * for the decision, and once decided or cancelled.
 */
export async function requestCheckpoint (ports: RolloutPorts, id: string): Promise<Requested> {
  const stored = await ports.rollouts.get(id)
  if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
  const { spec } = stored
  const now = ports.now()
  // Judged up to the ingest lag, as scheduled checkpoints are: the last minute is still arriving.
  const until = now - ports.settings.lagMs
  if (stored.state === 'decided' || stored.state === 'cancelled') throw new ConflictError(`rollout ${id} is ${stored.state}`)
  if (until <= spec.startAt) {
    throw new ConflictError(`rollout ${id} starts at ${formatLocal(spec.startAt, spec.timezone)}; there is no data to judge yet` +
      (now > spec.startAt ? ` (New Relic data is read ${ports.settings.lagMs / 1000} s behind)` : ''))
  }
  if (now >= spec.decisionAt) throw new ConflictError(`rollout ${id} is due for its decision; it runs without being asked`)

  const asked = await ports.checkpoints.requestManual(id, until, spec.planLength)
  if (asked.outcome === 'state') throw new ConflictError(`rollout ${id} is ${asked.state}`)
  if (asked.outcome === 'new') await ports.scheduler.runManual(id, asked.index)
  const record = await waitForRecord(ports, id, asked.index)
  if (record !== null) return { record, recorded: true }
  return { record: { index: asked.index, kind: 'manual', at: new Date(asked.at).toISOString(), status: 'pending', attempts: 0, result: null }, recorded: false }
}

/** Polls for a record, backing off from 25 ms to 500 ms, until it exists or the wait is over. */
async function waitForRecord (ports: RolloutPorts, id: string, index: number): Promise<CheckpointRecord | null> {
  const deadline = Date.now() + ports.settings.manualWaitMs
  let pause = 25
  for (;;) {
    const record = await ports.checkpoints.get(id, index)
    if (record !== null || Date.now() >= deadline) return record
    await new Promise(resolve => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))))
    pause = Math.min(pause * 2, 500)
  }
}
