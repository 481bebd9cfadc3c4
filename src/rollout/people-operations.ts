/**
 * What people add to a rollout: a note or a team's sign-off on an app, a waiver that accepts an
 * app's verdict for the recommendation, an override of the decision. Each is stored with its audit
 * entry in one step, published as a live event, and a waiver or override is also told to the
 * rollout's chat and webhook targets: never silent.
 */
import { ConflictError, NotFoundError } from '../errors.ts'
import type { AuditEntry, Note, NoteRequest, Override, OverrideRequest, RolloutEvent, Waiver } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { currentOf } from './board.ts'
import { peopleOutcome, type PeopleOutcome } from './outcome.ts'
import type { PeopleOutcomeOf, RolloutPorts } from './ports.ts'
import type { StoredRollout } from './types.ts'

const LIVE: RolloutState[] = ['scheduled', 'monitoring']
const ANY: RolloutState[] = ['scheduled', 'monitoring', 'decided', 'cancelled']

/** Adds a note, or a sign-off, on one app. Any state: people write up what happened after the call too. */
export async function addNote (
  ports: RolloutPorts & { newId: (now: number) => string }, id: string, app: string, input: NoteRequest, by: string
): Promise<Note> {
  const stored = await rolloutWithApp(ports, id, app)
  const now = ports.now()
  const note: Note = {
    id: ports.newId(now),
    app,
    text: input.text,
    signOff: input.signOff ?? null,
    by,
    at: new Date(now).toISOString(),
    checkpointIndex: stored.latestIndex
  }
  const audit = entry(now, by, input.signOff === undefined ? 'note' : 'sign-off', app, input.signOff === undefined ? input.text : `${input.signOff}: ${input.text}`)
  const done = refusalToError(await ports.people.addNote(id, note, ANY, audit), id, app)
  await publish(ports, { type: 'note.added', rolloutId: id, rev: done.rev, at: note.at, app, by })
  ports.log.info({ rolloutId: id, app, by, signOff: note.signOff }, input.signOff === undefined ? 'note added' : 'sign-off recorded')
  return note
}

/**
 * Accepts an app's FAIL, NO_DATA or INCONCLUSIVE for the recommendation from the latest
 * checkpoint on; the app's own verdict stays as it is. While the rollout runs only: after the
 * decision, people override it instead.
 */
export async function waive (ports: RolloutPorts, id: string, app: string, reason: string, by: string): Promise<Waiver> {
  const stored = await rolloutWithApp(ports, id, app)
  const now = ports.now()
  const waiver: Waiver = { app, reason, by, at: new Date(now).toISOString(), fromIndex: stored.latestIndex }
  const done = refusalToError(await ports.people.waive(id, waiver, LIVE, entry(now, by, 'waived', app, reason)), id, app,
    'waivers change a running rollout; once decided, record an override (POST /v1/rollouts/{id}/override)')
  await told(ports, id, { action: 'waived', app, by, reason, at: waiver.at, rev: done.rev }, 'waiver.changed')
  return waiver
}

/** Withdraws an app's waiver; 404 when it has none. */
export async function unwaive (ports: RolloutPorts, id: string, app: string, by: string): Promise<Waiver> {
  await rolloutWithApp(ports, id, app)
  const now = ports.now()
  const done = refusalToError(await ports.people.unwaive(id, app, LIVE, entry(now, by, 'unwaived', app, 'waiver withdrawn')), id, app,
    'waivers change a running rollout; once decided, record an override (POST /v1/rollouts/{id}/override)')
  const previous = done.previous as Waiver
  await told(ports, id, { action: 'unwaived', app, by, reason: `withdrew: ${previous.reason}`, at: new Date(now).toISOString(), rev: done.rev }, 'waiver.changed')
  return previous
}

/** Records a human decision beside the automated one, once decided; the gate follows it. */
export async function overrideDecision (ports: RolloutPorts, id: string, input: OverrideRequest, by: string): Promise<Override> {
  const stored = await ports.rollouts.get(id)
  if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
  const now = ports.now()
  const override: Override = { recommendation: input.recommendation, automated: stored.recommendation, reason: input.reason, by, at: new Date(now).toISOString() }
  const done = refusalToError(await ports.people.override(id, override, ['decided'], entry(now, by, 'override', undefined, `${input.recommendation}: ${input.reason}`)), id, null,
    'an override is recorded after the decision; before it, waive an app or let the checkpoints decide')
  await told(ports, id, { action: 'override', app: null, by, reason: input.reason, at: override.at, rev: done.rev }, 'decision.overridden')
  return override
}

async function rolloutWithApp (ports: RolloutPorts, id: string, app: string): Promise<StoredRollout> {
  const stored = await ports.rollouts.get(id)
  if (stored === null) throw new NotFoundError(`no rollout with id ${id}`)
  if (!stored.spec.target.apps.some(a => a.name === app)) throw new NotFoundError(`rollout ${id} has no app ${JSON.stringify(app)}`)
  return stored
}

function refusalToError<T> (outcome: PeopleOutcomeOf<T>, id: string, app: string | null, stateHint = ''): { rev: number, previous: T | null } {
  switch (outcome.refused) {
    case null: return outcome
    case 'missing': throw new NotFoundError(`no rollout with id ${id}`)
    case 'none': throw new NotFoundError(`app ${JSON.stringify(app)} of rollout ${id} has no waiver`)
    case 'full': throw new ConflictError(`rollout ${id} has as many notes as it keeps`)
    case 'state': throw new ConflictError(`rollout ${id} is ${outcome.state}${stateHint === '' ? '' : `: ${stateHint}`}`)
  }
}

function entry (now: number, by: string, action: AuditEntry['action'], app: string | undefined, detail: string): AuditEntry {
  return { at: new Date(now).toISOString(), by, action, ...(app === undefined ? {} : { app }), detail }
}

/** Tells the live listeners and the rollout's targets what changed and what the recommendation follows now. */
async function told (
  ports: RolloutPorts, id: string, change: Pick<PeopleOutcome, 'action' | 'app' | 'by' | 'reason' | 'at' | 'rev'>, type: RolloutEvent['type']
): Promise<void> {
  await publish(ports, { type, rolloutId: id, rev: change.rev, at: change.at, ...(change.app === null ? {} : { app: change.app }), by: change.by })
  ports.log.info({ rolloutId: id, ...change }, `${change.action} by ${change.by}`)
  try {
    const data = await ports.board.matrix(id)
    if (data === null) return
    const { effective } = currentOf(data)
    await ports.notifier.publish(peopleOutcome(data.stored, change, effective))
  } catch (err) {
    // Recorded is recorded: the audit list and the board show it even when chat is down.
    ports.log.error({ rolloutId: id, err }, 'could not hand the change to the notifier')
  }
}

async function publish (ports: RolloutPorts, event: RolloutEvent): Promise<void> {
  await ports.events.publish(event)
}
