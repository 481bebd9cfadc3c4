import type { Redis } from 'ioredis'
import type { BoardData } from '../rollout/board.ts'
import type { CheckpointCells, StoredAppCheckpoint } from '../rollout/compact.ts'
import type { StoredRollout } from '../rollout/types.ts'
import type { AppSeries, Note, Waiver } from '../schemas/board.ts'
import type { RolloutState } from '../schemas/rollout.ts'
import { readAppCheckpoints } from './app-checkpoints.ts'
import { Keys } from './keys.ts'
import { unpack } from './packed.ts'
import { unpackSeries } from './series-codec.ts'
import { PeopleStore } from './people-store.ts'
import { RolloutStore } from './rollout-store.ts'

/**
 * What the board's reads fetch: the compact per-checkpoint data and people's word, never the full
 * results. `revision` is the cheap first step: a read whose ETag still matches stops there.
 */
export class BoardReader {
  readonly keys: Keys
  readonly #redis: Redis
  readonly #rollouts: RolloutStore
  readonly #people: PeopleStore

  constructor (redis: Redis, prefix: string) {
    this.#redis = redis
    this.keys = new Keys(prefix)
    this.#rollouts = new RolloutStore(redis, prefix)
    this.#people = new PeopleStore(redis, prefix)
  }

  /** The rollout's state and revision; null for an unknown id. */
  async revision (id: string): Promise<{ state: RolloutState, rev: number } | null> {
    const [state, rev] = await this.#redis.hmget(this.keys.rollout(id), 'state', 'rev')
    return state === null ? null : { state: state as RolloutState, rev: Number(rev ?? 0) }
  }

  async matrix (id: string): Promise<BoardData | null> {
    const stored = await this.#rollouts.get(id)
    if (stored === null) return null
    const [cells, waivers, notes] = await Promise.all([
      this.#redis.hgetallBuffer(this.keys.cells(id)),
      this.#people.waivers(id),
      this.#people.notes(id)
    ])
    const byIndex = new Map<number, CheckpointCells>()
    for (const [index, json] of Object.entries(cells)) byIndex.set(Number(index), JSON.parse(unpack(json)) as CheckpointCells)
    return { stored, cells: byIndex, people: { waivers, notes, override: stored.override } }
  }

  async app (id: string, app: string): Promise<{
    stored: StoredRollout, checkpoints: StoredAppCheckpoint[], series: AppSeries | null, notes: Note[], waiver: Waiver | null
  } | null> {
    const stored = await this.#rollouts.get(id)
    if (stored === null) return null
    const manual = Number(await this.#redis.hget(this.keys.rollout(id), 'manualSeq') ?? 0)
    const indexes = Array.from({ length: stored.spec.planLength + manual }, (_, i) => i)
    const [checkpoints, series, waiver, notes] = await Promise.all([
      readAppCheckpoints(this.#redis, this.keys.appCheckpoints(id), [app], indexes),
      this.#redis.hgetBuffer(this.keys.series(id), app),
      this.#redis.hget(this.keys.waivers(id), app),
      this.#people.notes(id)
    ])
    return {
      stored,
      checkpoints: [...(checkpoints.get(app)?.values() ?? [])],
      series: series === null ? null : unpackSeries(unpack(series)),
      notes,
      waiver: waiver === null ? null : JSON.parse(waiver) as Waiver
    }
  }
}
