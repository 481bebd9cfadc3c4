import type { Redis } from 'ioredis'
import type { AuditEntry, Note, Override, Waiver } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import type { PeopleOutcomeOf, PeopleRepository } from '../rollout/ports.ts'
import { Keys } from './keys.ts'
import { withScripts, type ScriptedRedis } from './scripts.ts'

type PeopleOutcome<T> = PeopleOutcomeOf<T>

/** Most notes one rollout keeps: a person's word, not a log stream. */
export const MAX_NOTES = 2000

/**
 * What people add to a rollout: notes and sign-offs, waivers, an override, and the audit list of
 * all of it. Each change is one script with its audit entry and bumps the rollout's rev, so the
 * board's ETags move with it.
 */
export class PeopleStore implements PeopleRepository {
  readonly keys: Keys
  readonly #redis: ScriptedRedis

  constructor (redis: Redis, prefix: string) {
    this.#redis = withScripts(redis)
    this.keys = new Keys(prefix)
  }

  async addNote (id: string, note: Note, allowed: RolloutState[], audit: AuditEntry): Promise<PeopleOutcome<never>> {
    return await this.#change<never>('note', id, allowed, note.app, note, audit)
  }

  async waive (id: string, waiver: Waiver, allowed: RolloutState[], audit: AuditEntry): Promise<PeopleOutcome<Waiver>> {
    return await this.#change<Waiver>('waive', id, allowed, waiver.app, waiver, audit)
  }

  async unwaive (id: string, app: string, allowed: RolloutState[], audit: AuditEntry): Promise<PeopleOutcome<Waiver>> {
    return await this.#change<Waiver>('unwaive', id, allowed, app, null, audit)
  }

  async override (id: string, override: Override, allowed: RolloutState[], audit: AuditEntry): Promise<PeopleOutcome<Override>> {
    return await this.#change<Override>('override', id, allowed, '', override, audit)
  }

  async notes (id: string): Promise<Note[]> {
    return (await this.#redis.lrange(this.keys.notes(id), 0, -1)).map(v => JSON.parse(v) as Note)
  }

  async waivers (id: string): Promise<Waiver[]> {
    return Object.values(await this.#redis.hgetall(this.keys.waivers(id))).map(v => JSON.parse(v) as Waiver)
  }

  async overrideOf (id: string): Promise<Override | null> {
    const v = await this.#redis.hget(this.keys.rollout(id), 'override')
    return v === null ? null : JSON.parse(v) as Override
  }

  async audit (id: string): Promise<AuditEntry[]> {
    return (await this.#redis.lrange(this.keys.audit(id), 0, -1)).map(v => JSON.parse(v) as AuditEntry)
  }

  /** Appends an audit entry on its own (creation, cancellation: changes made by other scripts). */
  async record (id: string, audit: AuditEntry): Promise<void> {
    await this.#redis.rpush(this.keys.audit(id), JSON.stringify(audit))
  }

  async #change<T> (op: string, id: string, allowed: RolloutState[], app: string, value: unknown, audit: AuditEntry): Promise<PeopleOutcome<T>> {
    const k = this.keys
    const reply = await this.#redis.gonogoPeopleChange(
      k.rollout(id), k.notes(id), k.waivers(id), k.audit(id),
      op, `,${allowed.join(',')},`, app, value === null ? '' : JSON.stringify(value), JSON.stringify(audit), Date.parse(audit.at), MAX_NOTES
    ) as [string, ...Array<string | number>]
    switch (reply[0]) {
      case 'ok': return { refused: null, rev: Number(reply[1]), previous: reply[2] === '' ? null : JSON.parse(String(reply[2])) as T }
      case 'state': return { refused: 'state', state: String(reply[1]) as RolloutState }
      case 'none': return { refused: 'none' }
      case 'full': return { refused: 'full' }
      default: return { refused: 'missing' }
    }
  }
}
